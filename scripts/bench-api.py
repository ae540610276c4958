#!/usr/bin/env python3
"""The benchmark through the API right after an import, against `eval` (issue 9).

Starts StoreDesk (a fresh data folder, the repository's Config/, the WeCom channel off), replaces its
categories and knowledge base with the benchmark's through POST /api/v1/{categories,knowledge}/import,
asks every query of a split through POST /api/v1/ask at once (no waiting for anything), writes the
answers as scorer predictions, runs `BotServer eval` on the same files, scores both with the
benchmark's scorer and says whether every decision, top list and category is the same.

    python3 scripts/bench-api.py --bin .build/release/BotServer --bench ../shared/bench/cic-faq --split test

Standard library only. Exit status 0 when the two agree line for line.
"""
import argparse, json, os, subprocess, sys, tempfile, time, urllib.error, urllib.request

TOKEN = "bench-api-token"


class Refused(Exception):
    pass


def call(port, method, path, body=None, content_type="application/json", timeout=120):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, method=method)
    request.add_header("Authorization", f"Bearer {TOKEN}")
    if body is not None:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        raise Refused(f"{method} {path}: {error.code} {error.read().decode().strip()}") from None


def wait_ready(port, seconds=120):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            status, body = call(port, "GET", "/readyz", timeout=2)
            if status == 200 and "calibration: starting" not in body:
                return
        except (Refused, urllib.error.URLError, ConnectionError, TimeoutError):
            pass  # not listening yet, or listening with its workers still starting
        time.sleep(0.2)
    sys.exit("StoreDesk did not become ready")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin", default=".build/release/BotServer")
    parser.add_argument("--bench", default="../shared/bench/cic-faq")
    parser.add_argument("--split", default="test")
    parser.add_argument("--config", default="Config")
    parser.add_argument("--port", type=int, default=8097)
    parser.add_argument("--scorer", default=None, help="score.py (default: the bench folder's parent's)")
    parser.add_argument("--sentence-model", default=None,
                        help="the sentence model's folder, or off (default: data/models/use-m3 if fetched, else off); "
                             "the server and eval get the same")
    args = parser.parse_args()
    sentence_model = args.sentence_model or ("data/models/use-m3" if os.path.exists("data/models/use-m3/sp.model") else "off")
    if sentence_model != "off":
        sentence_model = os.path.abspath(sentence_model)
    print(f"sentence model: {sentence_model}")
    bench = os.path.abspath(args.bench)
    scorer = args.scorer or os.path.join(os.path.dirname(bench), "score.py")
    queries_file = os.path.join(bench, f"{args.split}.jsonl")
    queries = [json.loads(line) for line in open(queries_file, encoding="utf-8") if line.strip()]
    work = tempfile.mkdtemp(prefix="storedesk-bench-api.")
    environment = {k: v for k, v in os.environ.items() if not k.startswith("WECOM_")}
    environment.update({
        "STOREDESK_DATA": os.path.join(work, "data"), "STOREDESK_CONFIG": os.path.abspath(args.config),
        "STOREDESK_ADMIN_TOKEN": TOKEN, "STOREDESK_PORT": str(args.port), "LOG_LEVEL": "warning",
        "STOREDESK_SENTENCE_MODEL": sentence_model,
    })
    log = open(os.path.join(work, "server.log"), "w")
    server = subprocess.Popen([args.bin], env=environment, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_ready(args.port)
        started = time.time()
        # The benchmark's categories beside the seed's, its entries instead of the seed's, then only its
        # categories (a category still in use cannot go).
        for kind, mode in (("categories", "merge"), ("knowledge", "replace"), ("categories", "replace")):
            with open(os.path.join(bench, "categories.jsonl" if kind == "categories" else "kb.jsonl"), "rb") as f:
                status, body = call(args.port, "POST", f"/api/v1/{kind}/import?mode={mode}", f.read(),
                                    "application/x-ndjson")
            print(f"import {kind} ({mode}): {status} {body.strip()}")
        imported = time.time() - started
        # The server keeps its synonym groups (Config/synonyms.jsonl at first start) through an import of
        # entries: eval gets the same ones.
        _, body = call(args.port, "GET", "/api/v1/synonyms")
        synonyms = json.loads(body).get("synonyms", [])
        api = []
        calibrations = set()
        for query in queries:
            _, body = call(args.port, "POST", "/api/v1/ask", json.dumps({"text": query["query"]}).encode())
            answer = json.loads(body)
            calibrations.add(answer.get("calibration"))
            api.append({"query": query["query"], "decision": answer["decision"],
                        "top": [c["id"] for c in answer.get("top", [])], "category": answer.get("category")})
        print(f"imports took {imported:.1f} s; asked {len(api)} queries at once after them; "
              f"calibration in the answers: {sorted(c for c in calibrations if c)}")
    except Refused as error:
        sys.exit(str(error))
    finally:
        server.terminate()
        server.wait(timeout=30)
    api_file = os.path.join(work, "api.jsonl")
    with open(api_file, "w", encoding="utf-8") as f:
        for line in api:
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
    synonyms_file = os.path.join(work, "synonyms.jsonl")
    with open(synonyms_file, "w", encoding="utf-8") as f:
        for group in synonyms:
            f.write(json.dumps({"id": group["id"], "terms": group["terms"]}, ensure_ascii=False) + "\n")
    eval_file = os.path.join(work, "eval.jsonl")
    subprocess.run([args.bin, "eval", "--config", os.path.abspath(args.config), "--categories",
                    os.path.join(bench, "categories.jsonl"), "--kb", os.path.join(bench, "kb.jsonl"),
                    "--synonyms", synonyms_file, "--queries", queries_file, "--out", eval_file,
                    "--sentence-model", sentence_model],
                   check=True, stdout=subprocess.DEVNULL)
    evaluated = [json.loads(line) for line in open(eval_file, encoding="utf-8")]
    for name, path in (("API right after the import", api_file), ("eval", eval_file)):
        print(f"\n{name}:")
        subprocess.run([sys.executable, scorer, queries_file, path], check=True)
    # Tickets are routed by the category: how often it is right, by kind of question, and among those
    # handed over (escalate), which become tickets.
    known = {json.loads(line)["id"] for line in open(os.path.join(bench, "categories.jsonl"), encoding="utf-8") if line.strip()}
    print("\ncategory right (routing), API:")
    for kind in sorted({q.get("type", "?") for q in queries if q.get("expected_category") in known}):
        rows = [(q, a) for q, a in zip(queries, api)
                if q.get("type", "?") == kind and q.get("expected_category") in known]
        handed = [(q, a) for q, a in rows if a["decision"] == "escalate"]
        right = lambda pairs: sum(a["category"] == q["expected_category"] for q, a in pairs)
        print(f"  {kind:22} {right(rows) / len(rows):.3f} of {len(rows)}; handed over: "
              + (f"{right(handed) / len(handed):.3f} of {len(handed)}" if handed else "none"))
    differ = [(a, e) for a, e in zip(api, evaluated)
              if (a["decision"], a["top"][:3], a["category"]) != (e["decision"], e["top"][:3], e.get("category"))]
    print(f"\n{len(queries) - len(differ)} of {len(queries)} lines agree (decision, top 3, category); files in {work}")
    for a, e in differ[:10]:
        print(f"  {a['query']!r}: API {a['decision']} {a['top'][:3]} {a['category']} / eval {e['decision']} "
              f"{e['top'][:3]} {e.get('category')}")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
