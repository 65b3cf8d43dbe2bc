"""A stand-in for the instance metadata service in the Molecule container (a test double, never in the product).

Answers on 127.100.100.200:8100 (port 80 is nginx's, on every address) as the real service does:
PUT /latest/api/token with the TTL header gives a token; GET /latest/meta-data/instance/spot/termination-time
answers 404 while /run/stand-in/termination-time is missing, else its content. /run/stand-in/tokens-required:
requests without the token get 401. /run/stand-in/hang: every request waits 30 s before its answer.
"""

import http.server
import os
import time

STATE = "/run/stand-in"
TOKEN = "stand-in-token"  # noqa: S105 - the test double's own token


class Handler(http.server.BaseHTTPRequestHandler):
    def answer(self, status, body=""):
        if os.path.exists(f"{STATE}/hang"):
            time.sleep(30)
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_PUT(self):
        if self.path == "/latest/api/token" and self.headers.get("X-aliyun-ecs-metadata-token-ttl-seconds"):
            return self.answer(200, TOKEN)
        return self.answer(400)

    def do_GET(self):
        if os.path.exists(f"{STATE}/tokens-required") and self.headers.get("X-aliyun-ecs-metadata-token") != TOKEN:
            return self.answer(401)
        notice = f"{STATE}/termination-time"
        if self.path != "/latest/meta-data/instance/spot/termination-time" or not os.path.exists(notice):
            return self.answer(404)
        with open(notice) as file:
            return self.answer(200, file.read().strip())


os.makedirs(STATE, exist_ok=True)
http.server.ThreadingHTTPServer(("127.100.100.200", 8100), Handler).serve_forever()
