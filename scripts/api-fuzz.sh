#!/usr/bin/env bash
# Fuzzes the HTTP API against its own OpenAPI document (schemathesis, every check), then checks that
# nothing broke underneath: no error and no unexpected 500 in the server's log, and a database that
# passes SQLite's integrity_check and foreign_key_check with no half-written rows (an entry without its
# revision, a JSON column that is not JSON).
#
#   scripts/api-fuzz.sh                          # what CI runs: about 2-3 minutes on 2 cores
#   API_FUZZ_EXAMPLES=200 API_FUZZ_SEED=random scripts/api-fuzz.sh   # a longer, new run by hand
#
# The debug build of BotServer runs on a free port with a fresh data folder, the admin token and the
# WeCom channel configured (its API is scripts/api-fuzz-wecom.py, a quick stand-in). Needs
# `pip install schemathesis==4.32.5`. Exits non-zero on any failure; the server's log, schemathesis'
# JUnit report and the data folder stay in the folder it prints.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

examples=${API_FUZZ_EXAMPLES:-40}
# A fixed seed keeps CI's runs comparable (a failure reproduces with the same seed); "random" draws one.
seed=${API_FUZZ_SEED:-20261203}
if [[ $seed == random ]]; then seed=$(python3 -c 'import random; print(random.getrandbits(64))'); fi

# `st`, or the module when pip put the command where PATH does not look (pyenv before a rehash).
if command -v st >/dev/null; then
    schemathesis=(st)
elif python3 -c 'import schemathesis.cli' 2>/dev/null; then
    schemathesis=(python3 -m schemathesis.cli)
else
    echo "api-fuzz: schemathesis is missing: pip install schemathesis==4.32.5" >&2
    exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/storedesk-api-fuzz.XXXXXX")
echo "api-fuzz: working in $work"
server_pid=""
wecom_pid=""
killed=""
stop() {
    if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid"
        for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
        if kill -KILL "$server_pid" 2>/dev/null; then killed=yes; fi
        wait "$server_pid" 2>/dev/null || true
    fi
    if [[ -n $wecom_pid ]]; then kill "$wecom_pid" 2>/dev/null || true; wait "$wecom_pid" 2>/dev/null || true; fi
    server_pid=""
    wecom_pid=""
}
trap stop EXIT

swift build --product BotServer
server=$(swift build --show-bin-path)/BotServer

python3 scripts/api-fuzz-wecom.py >"$work/wecom.port" &
wecom_pid=$!
for _ in $(seq 1 50); do [[ -s $work/wecom.port ]] && break; sleep 0.1; done
wecom_port=$(head -n 1 "$work/wecom.port")
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
token="api-fuzz-$(python3 -c 'import secrets; print(secrets.token_hex(16))')"

mkdir "$work/data"
STOREDESK_HOST=127.0.0.1 STOREDESK_PORT=$port STOREDESK_DATA=$work/data STOREDESK_CONFIG=$root/Config \
    STOREDESK_ADMIN_TOKEN=$token LOG_LEVEL=debug \
    WECOM_CORP_ID=wwapifuzz0000001 WECOM_AGENT_ID=1000002 WECOM_SECRET=api-fuzz-secret WECOM_TOKEN=apifuzztoken \
    WECOM_AES_KEY=jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C WECOM_API_BASE=http://127.0.0.1:$wecom_port \
    "$server" >"$work/server.log" 2>&1 &
server_pid=$!
ready=""
for _ in $(seq 1 120); do
    if python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' \
        "http://127.0.0.1:$port/readyz" 2>/dev/null; then ready=yes; break; fi
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.5
done
if [[ -z $ready ]]; then
    echo "api-fuzz: the server did not become ready; its log:" >&2
    tail -n 40 "$work/server.log" >&2
    exit 1
fi

echo "api-fuzz: schemathesis, $examples examples per operation, seed $seed"
status=0
# From the work folder: what schemathesis and Hypothesis keep (.hypothesis/) stays out of the tree.
(cd "$work" && "${schemathesis[@]}" --config-file "$root/scripts/api-fuzz.toml" run \
    "http://127.0.0.1:$port/openapi.yaml" --header "Authorization: Bearer $token" --max-examples "$examples" \
    --seed "$seed" --no-color --report junit --report-dir "$work/report") || status=$?

alive=yes
kill -0 "$server_pid" 2>/dev/null || alive=""
stop
if [[ -z $alive ]]; then
    echo "api-fuzz: FAIL: the server died during the run" >&2
    status=1
elif [[ -n $killed ]]; then
    echo "api-fuzz: FAIL: the server did not stop within 10 s of SIGTERM" >&2
    status=1
fi

# Errors the server logs, and the 500s Hummingbird answers for an error nothing expected (which it
# logs only at debug, hence LOG_LEVEL=debug). -a: fuzzed input reaches the log, control bytes and all.
if grep -aE '^[^ ]+ (error|critical) |Unrecognised Error' "$work/server.log" >"$work/errors.log"; then
    echo "api-fuzz: FAIL: the server logged errors:" >&2
    head -n 20 "$work/errors.log" >&2
    status=1
fi

if ! python3 - "$work/data/storedesk.sqlite" <<'PY'; then status=1; fi
import sqlite3, sys

db = sqlite3.connect(sys.argv[1])
problems = []
integrity = [row[0] for row in db.execute("PRAGMA integrity_check")]
if integrity != ["ok"]:
    problems.append(f"integrity_check: {integrity[:5]}")
foreign = db.execute("PRAGMA foreign_key_check").fetchall()
if foreign:
    problems.append(f"foreign_key_check: {foreign[:5]}")
# Every entry is written together with its revision; one without it was half-written.
orphans = db.execute(
    "SELECT id, revision FROM knowledge_entry e WHERE NOT EXISTS"
    " (SELECT 1 FROM knowledge_revision r WHERE r.entry_id = e.id AND r.revision = e.revision)"
).fetchall()
if orphans:
    problems.append(f"entries without their revision: {orphans[:5]}")
for table, column in [
    ("knowledge_entry", "similar"), ("knowledge_entry", "region_answers"), ("category", "keywords"),
    ("synonym_group", "terms"), ("directory_member", "direct_leaders"),
]:
    bad = db.execute(f'SELECT COUNT(*) FROM "{table}" WHERE NOT json_valid("{column}")').fetchone()[0]
    if bad:
        problems.append(f"{table}.{column}: {bad} rows are not JSON")
counts = {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]
          for t in ["category", "knowledge_entry", "knowledge_revision", "synonym_group", "directory_member"]}
print("api-fuzz: database after the run:", ", ".join(f"{n} {t}" for t, n in counts.items()))
if problems:
    print("api-fuzz: FAIL: the database after the run:", *problems, sep="\n  ", file=sys.stderr)
    sys.exit(1)
print("api-fuzz: integrity_check ok, foreign keys ok, every entry has its revision, JSON columns valid")
PY

if [[ $status -eq 0 ]]; then
    echo "api-fuzz: PASS (seed $seed, $examples examples per operation; log and report in $work)"
else
    echo "api-fuzz: FAIL (seed $seed; replay with API_FUZZ_SEED=$seed; log and report in $work)" >&2
fi
exit "$status"
