#!/usr/bin/env python3
"""A quick stand-in for the WeCom API during scripts/api-fuzz.sh (standard library only).

It answers what StoreDesk calls: gettoken, user/get (every user id is an associate of one store in
one region, so /api/v1/ask's `user` goes through the directory and its cache), department/list,
message/send and update_template_card. It prints the port it listens on, then serves until killed.
The fuzz run is about StoreDesk's own API: a WeCom that does not answer is the fault drills' business.
"""

import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

DEPARTMENTS = [
    {"id": 1, "name": "总部", "parentid": 0},
    {"id": 2, "name": "华东区", "parentid": 1},
    {"id": 3, "name": "上海南京西路店", "parentid": 2},
]


def answer(path, query):
    if path == "/cgi-bin/gettoken":
        return {"errcode": 0, "errmsg": "ok", "access_token": "api-fuzz-access-token", "expires_in": 7200}
    if path == "/cgi-bin/user/get":
        user = query.get("userid", [""])[0]
        return {"errcode": 0, "errmsg": "ok", "userid": user, "name": "店员", "department": [3], "main_department": 3}
    if path == "/cgi-bin/department/list":
        return {"errcode": 0, "errmsg": "ok", "department": DEPARTMENTS}
    if path == "/cgi-bin/message/send":
        return {"errcode": 0, "errmsg": "ok", "invaliduser": "", "msgid": "api-fuzz-msgid"}
    return {"errcode": 0, "errmsg": "ok"}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        self.reply()

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.reply()

    def reply(self):
        url = urlsplit(self.path)
        body = json.dumps(answer(url.path, parse_qs(url.query)), ensure_ascii=False).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()
