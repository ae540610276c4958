"""The Python peer of StoreDesk's callback path, for the load benchmark (Benchmarks/, scripts/load/run.sh).

What a competent Flask + wechatpy service does with WeCom callbacks: verify the signature, decrypt,
parse, refuse a timestamp more than an hour away, store the message durably in SQLite (WAL,
synchronous=NORMAL) deduplicated by MsgId, and answer an empty 200. peer_answerer.py answers the
stored messages through the API. Run by gunicorn (gthread workers, keep-alive).
"""
import os
import time

from flask import Flask, request
from wechatpy.enterprise import parse_message
from wechatpy.enterprise.crypto import WeChatCrypto
from wechatpy.enterprise.exceptions import InvalidCorpIdException
from wechatpy.exceptions import InvalidSignatureException

import peer_db

MAX_SKEW_SECONDS = 3600

app = Flask(__name__)
crypto = WeChatCrypto(os.environ["WECOM_TOKEN"], os.environ["WECOM_AES_KEY"], os.environ["WECOM_CORP_ID"])


@app.get("/healthz")
def healthz():
    peer_db.connect().execute("SELECT 1").fetchone()
    return "ok"


@app.post("/wecom/callback")
def callback():
    args = request.args
    try:
        signature, timestamp, nonce = args["msg_signature"], args["timestamp"], args["nonce"]
    except KeyError:
        return {"error": "missing parameter"}, 401
    if len(request.get_data()) > 64 * 1024:
        return {"error": "too large"}, 413
    try:
        if abs(time.time() - int(timestamp)) > MAX_SKEW_SECONDS:
            return {"error": "timestamp outside the window"}, 403
        xml = crypto.decrypt_message(request.get_data(), signature, timestamp, nonce)
    except (InvalidSignatureException, InvalidCorpIdException):
        return {"error": "bad signature"}, 401
    except Exception:  # undecodable Base64, padding or XML
        return {"error": "undecodable"}, 400
    message = parse_message(xml)
    msgid = str(message.id) if getattr(message, "id", None) else f"{message.source}:{message.create_time}:{message.type}"
    content = getattr(message, "content", None)
    peer_db.connect().execute(
        "INSERT OR IGNORE INTO inbox (msgid, user_id, content, xml, received_at) VALUES (?, ?, ?, ?, ?)",
        (msgid, message.source, content, xml, time.time()),
    )
    return ""
