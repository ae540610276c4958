"""The Python peer's answering process: takes stored messages in order, matches them against the
knowledge base (character bigrams), queues the answer and the handling in one transaction, then
sends the answers through WeCom's message/send with wechatpy (16 sends at once).
"""
import json
import os
import time
from concurrent.futures import ThreadPoolExecutor
import threading

from wechatpy.enterprise import WeChatClient

import peer_db

FEEDBACK = "\n\n——\n这个回答对“{question}”有帮助吗？回复“有用”或“没用”。"
HANDED_OVER = "这个问题我暂时没有把握回答，已记录并转交总部同事跟进，请留意企业微信消息。"
AGENT_ID = int(os.environ["WECOM_AGENT_ID"])


class Client(WeChatClient):
    """wechatpy's WeCom client, pointed at WECOM_API_BASE (the benchmark's fake API)."""

    API_BASE_URL = os.environ.get("WECOM_API_BASE", "https://qyapi.weixin.qq.com").rstrip("/") + "/cgi-bin/"

    def fetch_access_token(self):
        # wechatpy writes gettoken's host out in full; the base URL is the only change.
        return self._fetch_access_token(
            url=self.API_BASE_URL + "gettoken", params={"corpid": self.corp_id, "corpsecret": self.secret}
        )


_local = threading.local()


def client():
    c = getattr(_local, "client", None)
    if c is None:
        c = Client(os.environ["WECOM_CORP_ID"], os.environ["WECOM_SECRET"], timeout=10)
        _local.client = c
    return c


def bigrams(text):
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


class Knowledge:
    def __init__(self, path):
        self.answers = []
        self.index = {}
        self.sizes = []
        with open(path, encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                entry = json.loads(line)
                for phrasing in [entry["question"], *entry.get("similar", [])]:
                    number = len(self.answers)
                    self.answers.append(entry["answer"])
                    grams = bigrams(phrasing)
                    self.sizes.append(len(grams))
                    for gram in grams:
                        self.index.setdefault(gram, []).append(number)

    def reply(self, question):
        grams = bigrams(question)
        scores = {}
        for gram in grams:
            for number in self.index.get(gram, ()):
                scores[number] = scores.get(number, 0) + 1
        if not scores:
            return HANDED_OVER
        best = max(scores, key=lambda n: scores[n] / (len(grams) + self.sizes[n] - scores[n]))
        score = scores[best] / (len(grams) + self.sizes[best] - scores[best])
        if score < 0.3:
            return HANDED_OVER
        return self.answers[best] + FEEDBACK.format(question=question[:40])


def send(row):
    outbox_id, user, content = row
    client().message.send_text(AGENT_ID, user, content)
    return outbox_id


def main():
    knowledge = Knowledge(os.environ["PEER_KNOWLEDGE"])
    conn = peer_db.connect()
    pool = ThreadPoolExecutor(max_workers=16)
    while True:
        rows = conn.execute(
            "SELECT id, user_id, content FROM inbox WHERE status = 'pending' ORDER BY id LIMIT 200"
        ).fetchall()
        if rows:
            now = time.time()
            conn.execute("BEGIN IMMEDIATE")
            for inbox_id, user, content in rows:
                conn.execute(
                    "INSERT INTO outbox (inbox_id, user_id, content, created_at) VALUES (?, ?, ?, ?)",
                    (inbox_id, user, knowledge.reply(content or ""), now),
                )
                conn.execute("UPDATE inbox SET status = 'processed', processed_at = ? WHERE id = ?", (now, inbox_id))
            conn.execute("COMMIT")
        due = conn.execute("SELECT id, user_id, content FROM outbox WHERE status = 'pending' ORDER BY id LIMIT 400").fetchall()
        if due:
            sent = []
            for future in [pool.submit(send, row) for row in due]:
                try:
                    sent.append(future.result())
                except Exception as error:  # left pending: tried again next round
                    print("send failed:", error, flush=True)
            now = time.time()
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany("UPDATE outbox SET status = 'sent', sent_at = ? WHERE id = ?", [(now, i) for i in sent])
            conn.execute("COMMIT")
        if not rows and not due:
            time.sleep(0.01)


if __name__ == "__main__":
    main()
