#!/usr/bin/env python3
"""Drill: a year of traffic, then retention (issue 11, item 6).

Creates a fresh data folder (the server's own migrations), fills it with a year of handled messages as
the reference chain would make them (2,000 associate messages a day, each with two replies, sizes as
WeCom's), starts StoreDesk's release build on it, and measures how long the retention sweep takes to
remove what is older than 30 days, how callbacks are acked meanwhile (a signed, encrypted WeCom callback
every 50 ms, each a durable write; wechatpy signs them), the
file's size and free pages before and after, and that another month of traffic reuses the freed pages
instead of growing the file.

    swift build -c release --product BotServer
    python3 scripts/retention-drill.py [--bin .build/release/BotServer] [--per-day 2000]
"""
import argparse
import datetime as dt
import json
import os
import random
import signal
import sqlite3
import subprocess
import tempfile
import time
import urllib.request
import uuid

from wechatpy.enterprise.crypto import WeChatCrypto

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WECOM = {"WECOM_CORP_ID": "wwdrillcorp00001", "WECOM_AGENT_ID": "1000002", "WECOM_SECRET": "drill-secret",
         "WECOM_TOKEN": "drilltoken", "WECOM_AES_KEY": "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
         # Nothing listens there: the replies wait in the outbox, which is not what is measured.
         "WECOM_API_BASE": "http://127.0.0.1:9"}


def stamp(moment):
    """A date as GRDB stores it (UTC, milliseconds)."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{moment.microsecond // 1000:03d}"


def start(binary, data, port):
    env = dict(os.environ, STOREDESK_DATA=data, STOREDESK_CONFIG=os.path.join(ROOT, "Config"), STOREDESK_PORT=str(port),
               STOREDESK_ADMIN_TOKEN="drill", LOG_LEVEL="info")
    env.update(WECOM)
    log = open(os.path.join(data, "server.log"), "a")
    process = subprocess.Popen([binary], env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
            return process
        except Exception:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


def post_callback(port, crypto, msg_id):
    """A signed, encrypted text callback as WeCom sends it; returns the ack's latency in ms."""
    inner = (f"<xml><ToUserName><![CDATA[{WECOM['WECOM_CORP_ID']}]]></ToUserName><FromUserName><![CDATA[drill]]>"
             f"</FromUserName><CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
             f"<Content><![CDATA[调拨单在哪查]]></Content><MsgId>{msg_id}</MsgId><AgentID>1000002</AgentID></xml>")
    nonce, timestamp = uuid.uuid4().hex[:10], str(int(time.time()))
    reply = crypto.encrypt_message(inner, nonce, timestamp)
    encrypt = reply.split("<Encrypt><![CDATA[")[1].split("]]>")[0]
    signature = reply.split("<MsgSignature><![CDATA[")[1].split("]]>")[0]
    body = (f"<xml><ToUserName><![CDATA[{WECOM['WECOM_CORP_ID']}]]></ToUserName><Encrypt><![CDATA[{encrypt}]]>"
            f"</Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>").encode()
    url = f"http://127.0.0.1:{port}/wecom/callback?msg_signature={signature}&timestamp={timestamp}&nonce={nonce}"
    started = time.time()
    with urllib.request.urlopen(urllib.request.Request(url, data=body), timeout=30) as response:
        assert response.status == 200
    return (time.time() - started) * 1000


def stop(process):
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=60)


def fill(path, days, per_day, end):
    """`days` days of handled traffic ending at `end`, `per_day` messages a day, two replies each."""
    db = sqlite3.connect(path)
    xml = ("<xml><ToUserName><![CDATA[wwcorp]]></ToUserName><FromUserName><![CDATA[{u}]]></FromUserName>"
           "<CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType>"
           "<Content><![CDATA[调拨单在哪查，门店系统里找不到入口，麻烦看一下]]></Content>"
           "<MsgId>{m}</MsgId><AgentID>1000002</AgentID></xml>")
    payload = json.dumps({"message": {"touser": ["{u}"], "body": {"text": "调拨单在 门店系统 → 库存 → 调拨 里查询，"
                                                                          "输入调拨单号即可看到状态。" * 2}}},
                         ensure_ascii=False)
    next_id = (db.execute("SELECT COALESCE(MAX(id), 0) FROM inbox").fetchone()[0]) + 1
    for day in range(days, 0, -1):
        base = end - dt.timedelta(days=day)
        inbox, outbox = [], []
        for n in range(per_day):
            at = base + dt.timedelta(seconds=n * 86400 / per_day)
            user = f"store{random.randrange(450)}-{random.randrange(13)}"
            inbox.append((next_id, f"msg:1000002:{next_id}", user, xml.format(u=user, m=next_id), "processed", 1,
                          stamp(at), stamp(at + dt.timedelta(milliseconds=40))))
            for reply in range(2):
                outbox.append((next_id, user, payload.replace("{u}", user), "sent", 1, stamp(at), stamp(at),
                               stamp(at + dt.timedelta(milliseconds=80 + reply))))
            next_id += 1
        db.executemany("INSERT INTO inbox (id, dedupe_key, user_id, xml, status, attempts, received_at, processed_at)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", inbox)
        db.executemany("INSERT INTO outbox (inbox_id, user_id, payload, status, attempts, next_attempt_at, created_at,"
                       " sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", outbox)
        db.commit()
    db.close()


def figures(path):
    db = sqlite3.connect(path)
    page = db.execute("PRAGMA page_size").fetchone()[0]
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    free = db.execute("PRAGMA freelist_count").fetchone()[0]
    inbox = db.execute("SELECT COUNT(*) FROM inbox").fetchone()[0]
    outbox = db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]
    db.close()
    return {"MiB": round(pages * page / 2**20, 1), "free MiB": round(free * page / 2**20, 1), "inbox": inbox,
            "outbox": outbox}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build", "release", "BotServer"))
    parser.add_argument("--per-day", type=int, default=2000)
    parser.add_argument("--port", type=int, default=8191)
    args = parser.parse_args()

    data = tempfile.mkdtemp(prefix="retention-drill-")
    path = os.path.join(data, "storedesk.sqlite")
    stop(start(args.bin, data, args.port))  # migrations only
    now = dt.datetime.utcnow()
    t0 = time.time()
    fill(path, 365, args.per_day, now)
    print(f"a year of traffic written in {time.time() - t0:.0f} s:", figures(path))

    crypto = WeChatCrypto(WECOM["WECOM_TOKEN"], WECOM["WECOM_AES_KEY"], WECOM["WECOM_CORP_ID"])
    process = start(args.bin, data, args.port)
    t0 = time.time()
    latencies = []
    log = os.path.join(data, "server.log")
    while time.time() - t0 < 900:
        latencies.append(post_callback(args.port, crypto, 9_000_000_000 + len(latencies)))
        with open(log, encoding="utf-8", errors="replace") as handle:
            if "Removed old handled messages" in handle.read():
                break
        time.sleep(0.05)
    swept = time.time() - t0
    stop(process)
    latencies.sort()
    print(f"swept in {swept:.1f} s (from start); callbacks acked meanwhile: {len(latencies)}, "
          f"p50 {latencies[len(latencies) // 2]:.1f} ms, p99 {latencies[int(len(latencies) * 0.99)]:.1f} ms, "
          f"max {latencies[-1]:.1f} ms")
    with open(log, encoding="utf-8", errors="replace") as handle:
        print([line.strip() for line in handle if "Removed old handled messages" in line][-1])
    after = figures(path)
    print("after the sweep:", after)
    fill(path, 30, args.per_day, now + dt.timedelta(days=30))
    print("after another month of traffic:", figures(path))
    print("data folder:", data)


if __name__ == "__main__":
    main()
