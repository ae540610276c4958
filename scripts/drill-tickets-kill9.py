#!/usr/bin/env python3
"""Drill: tickets survive kill -9.

Starts the WeCom simulator (../shared/tools/wecom-sim.py) and the release build of StoreDesk on a fresh
data folder, then runs ticket flows (an associate asks for a person, an agent claims, replies, the
associate adds something, the agent resolves, the associate rates) while killing the server with
SIGKILL every few seconds and starting it again. Afterwards it checks, from the database and from what
the simulator delivered, that every accepted message was handled, every ticket has each of its events
exactly once, and no reply reached anyone twice.

    swift build -c release --product BotServer
    python3 scripts/drill-tickets-kill9.py [--rounds 12] [--kill-every 1.5]
"""
import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIM = os.path.join(ROOT, "..", "shared", "tools", "wecom-sim.py")
ENV = {
    "WECOM_CORP_ID": "wwsimcorp0000001", "WECOM_AGENT_ID": "1000002", "WECOM_SECRET": "sim-secret",
    "WECOM_TOKEN": "simtoken", "WECOM_AES_KEY": "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
    "WECOM_API_BASE": "http://127.0.0.1:9100", "STOREDESK_ADMIN_TOKEN": "drill", "LOG_LEVEL": "warning",
}


def call(url, body=None, timeout=10):
    data = json.dumps(body).encode() if body is not None else None
    with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=timeout) as r:
        return json.loads(r.read())


class Server:
    def __init__(self, data):
        self.data, self.proc, self.lock, self.kills = data, None, threading.Lock(), 0

    def start(self):
        env = dict(os.environ, **ENV, STOREDESK_DATA=self.data)
        self.proc = subprocess.Popen([os.path.join(ROOT, ".build/release/BotServer")], cwd=ROOT, env=env,
                                     stdout=open(os.path.join(self.data, "server.log"), "a"), stderr=subprocess.STDOUT)
        for _ in range(200):
            try:
                urllib.request.urlopen("http://127.0.0.1:8080/healthz", timeout=1)
                return
            except Exception:  # noqa: BLE001 - not up yet
                time.sleep(0.05)
        raise SystemExit("server did not start")

    def kill9(self):
        with self.lock:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
            self.kills += 1
            self.start()


def send(frm, text):
    """Delivers a message as WeCom does, until StoreDesk acknowledges it (WeCom retries; so do we)."""
    msgid = random.randrange(10**18, 10**19)
    for _ in range(200):
        r = call("http://127.0.0.1:9100/_sim/send", {"from": frm, "text": text, "msgid": msgid, "retries": 0, "timeout": 3})
        if r.get("status") == 200:
            return
        time.sleep(0.1)
    raise SystemExit(f"never acknowledged: {frm}: {text}")


def db(data, sql, *args):
    for _ in range(50):
        try:
            con = sqlite3.connect(os.path.join(data, "storedesk.sqlite"), timeout=5)
            try:
                return con.execute(sql, args).fetchall()
            finally:
                con.close()
        except sqlite3.OperationalError:
            time.sleep(0.1)
    raise SystemExit("database unreadable")


def wait_for(predicate, what, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise SystemExit(f"timed out waiting for {what}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=12)
    ap.add_argument("--kill-every", type=float, default=1.0)
    a = ap.parse_args()
    data = tempfile.mkdtemp(prefix="storedesk-drill-")
    sim = subprocess.Popen([sys.executable, SIM, "--port", "9100", "--accept-any-user",
                            "--callback", "http://127.0.0.1:8080/wecom/callback"], stdout=subprocess.DEVNULL)
    server = Server(data)
    try:
        time.sleep(1)
        server.start()
        stop = threading.Event()

        def killer():
            while not stop.wait(random.uniform(0.5, 2) * a.kill_every):
                server.kill9()

        threading.Thread(target=killer, daemon=True).start()
        for i in range(a.rounds):
            user = f"drill{i:03d}"
            send(user, f"收银系统第{i}次出问题了，转人工")
            # 转人工 about a system: two intake questions, skipped.
            wait_for(lambda: db(data, "SELECT 1 FROM conversation WHERE user_id = ? AND state LIKE '%intake%'", user),
                     f"intake of {user}")
            for _ in range(2):  # at most two intake questions
                if db(data, "SELECT 1 FROM ticket WHERE requester = ?", user):
                    break
                send(user, "跳过")
                wait_for(lambda: db(data, "SELECT 1 FROM inbox WHERE user_id = ? AND status = 'pending'", user) == [],
                         f"{user}'s answer handled")
            number = wait_for(lambda: db(data, "SELECT number FROM ticket WHERE requester = ?", user), f"ticket of {user}")[0][0]
            send("hq_cai", f"#{number} 认领")
            wait_for(lambda: db(data, "SELECT 1 FROM ticket WHERE number = ? AND assignee = 'hq_cai'", number), f"claim of #{number}")
            send("hq_cai", f"#{number} 第{i}轮：请先重启收银机")
            wait_for(lambda: db(data, "SELECT 1 FROM ticket_event WHERE ticket = ? AND kind = 'replied'", number),
                     f"reply on #{number}")
            send(user, f"第{i}轮：重启了，好了")
            wait_for(lambda: db(data, "SELECT 1 FROM ticket_event WHERE ticket = ? AND kind = 'associate_wrote'", number),
                     f"#{number}'s follow-up")
            send("hq_cai", f"#{number} 解决 第{i}轮已重启恢复")
            wait_for(lambda: db(data, "SELECT 1 FROM ticket WHERE number = ? AND status = 'resolved'", number),
                     f"resolution of #{number}")
            send(user, "满意")
        stop.set()
        wait_for(lambda: not db(data, "SELECT 1 FROM inbox WHERE status = 'pending'"), "inbox drained")
        wait_for(lambda: not db(data, "SELECT 1 FROM outbox WHERE status IN ('pending', 'sending')"), "outbox drained", 120)

        failures = []
        failed = db(data, "SELECT COUNT(*) FROM inbox WHERE status = 'failed'")[0][0]
        if failed:
            failures.append(f"{failed} inbox messages failed")
        expected = ["opened", "offered", "claimed", "replied", "associate_wrote", "resolved", "rated"]
        wait_for(lambda: db(data, "SELECT COUNT(*) FROM ticket_event WHERE kind = 'rated'")[0][0] == a.rounds, "ratings")
        for number, in db(data, "SELECT number FROM ticket ORDER BY number"):
            kinds = [k for k, in db(data, "SELECT kind FROM ticket_event WHERE ticket = ? ORDER BY id", number)]
            if kinds != expected:
                failures.append(f"#{number} timeline {kinds}")
        tickets = db(data, "SELECT COUNT(*) FROM ticket")[0][0]
        if tickets != a.rounds:
            failures.append(f"{tickets} tickets for {a.rounds} rounds")
        sent = call("http://127.0.0.1:9100/_sim/outbox")
        seen = {}
        for c in sent["calls"]:
            b = c["body"]
            if not c["path"].endswith("/message/send"):
                continue
            key = json.dumps([b.get("touser"), b.get("msgtype"), b.get(b.get("msgtype"))], ensure_ascii=False, sort_keys=True)
            seen[key] = seen.get(key, 0) + 1
        twice = [k for k, n in seen.items() if n > 1]
        if twice:
            failures.append(f"{len(twice)} messages delivered more than once, e.g. {twice[0][:200]}")
        print(json.dumps({
            "rounds": a.rounds, "kills": server.kills, "tickets": tickets,
            "messages_delivered": sum(seen.values()), "duplicates_dropped_by_wecom": sent["duplicates_dropped"],
            "inbox_handled": db(data, "SELECT COUNT(*) FROM inbox WHERE status = 'processed'")[0][0],
            "failures": failures,
        }, ensure_ascii=False, indent=1))
        return 1 if failures else 0
    finally:
        server.proc.send_signal(signal.SIGTERM)
        sim.terminate()


if __name__ == "__main__":
    sys.exit(main())
