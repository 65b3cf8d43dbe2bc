"""The instance metadata service inside an emulated ECS instance (run there by the Docker runtime).

Standard library only: it runs with the image's python3, from the directory the emulator writes and mounts
read-only into the instance (instance_metadata.py). It answers on ADDRESS:PORT, a loopback address of the
instance's own network namespace, what the files under `<root>/meta-data/` hold, as the real service does:

GET /latest/meta-data/<item>       the item's file; a directory lists its items (sub-directories end in /);
                                   404 for an item that has no file (instance/spot/termination-time while safe)
PUT /latest/api/token              a token (hardened mode) valid for X-aliyun-ecs-metadata-token-ttl-seconds
                                   (1-21600, else 400); 403 when the request has X-Forwarded-For
GET with X-aliyun-ecs-metadata-token
                                   401 when the token is not one it gave or has expired
GET without a token                403 when `<root>/http-tokens` says `required` (HttpTokens of the instance)

Tokens live in this process: a restarted instance (Stop/Start, reboot) has a new responder, and a token of
the old one answers 401. It reads files and answers; it never opens a connection to anything.

    python3 metadata_responder.py --daemon     listens, then detaches: exit status 0 once it listens,
                                               ALREADY_RUNNING when its address is taken (one is running)
"""

import argparse
import errno
import http.server
import os
import secrets
import sys
import threading
import time

ADDRESS = "127.100.100.200"
PORT = 8100
ROOT = "/run/alicloud-metadata"
TOKEN_HEADER = "X-aliyun-ecs-metadata-token"  # noqa: S105 - a header name
TTL_HEADER = "X-aliyun-ecs-metadata-token-ttl-seconds"
MAX_TTL = 21600
ALREADY_RUNNING = 3
ALREADY_RUNNING_MESSAGE = "taken: a responder is running"
META_DATA = "/latest/meta-data"


class Tokens:
    """The tokens given out, each with the monotonic time it expires."""

    def __init__(self):
        self.lock = threading.Lock()
        self.expiry = {}

    def issue(self, ttl):
        token = secrets.token_urlsafe(32)
        with self.lock:
            now = time.monotonic()
            self.expiry = {t: at for t, at in self.expiry.items() if at > now}
            self.expiry[token] = now + ttl
        return token

    def valid(self, token):
        with self.lock:
            return self.expiry.get(token, 0) > time.monotonic()


def _ttl(text):
    """The TTL asked for, or None when it is missing, not a number or out of 1-21600."""
    try:
        ttl = int(text)
    except (TypeError, ValueError):
        return None
    return ttl if 1 <= ttl <= MAX_TTL else None


def read_item(root, path):
    """(status, body) of a GET of `path` (below /latest/meta-data) from the files under root/meta-data."""
    base = os.path.realpath(os.path.join(root, "meta-data"))
    target = os.path.realpath(os.path.join(base, path.strip("/")))
    if target != base and not target.startswith(base + os.sep):
        return 404, "Not Found"
    if os.path.isdir(target):
        names = sorted(n + "/" if os.path.isdir(os.path.join(target, n)) else n for n in os.listdir(target))
        return 200, "\n".join(names)
    if os.path.isfile(target):
        with open(target, encoding="utf-8") as handle:
            return 200, handle.read()
    return 404, "Not Found"


def tokens_required(root):
    try:
        with open(os.path.join(root, "http-tokens"), encoding="utf-8") as handle:
            return handle.read().strip() == "required"
    except OSError:
        return False


def make_handler(root, tokens):
    class Handler(http.server.BaseHTTPRequestHandler):
        server_version = "alicloud-emulator-metadata"

        def log_message(self, format, *args):  # noqa: A002 - the base class's name
            """Quiet: the instance's journal is not the place for every poll."""

        def answer(self, status, body):
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_PUT(self):
            if self.path != "/latest/api/token":
                return self.answer(404, "Not Found")
            if self.headers.get("X-Forwarded-For") is not None:
                return self.answer(403, "Forbidden")
            ttl = _ttl(self.headers.get(TTL_HEADER))
            if ttl is None:
                return self.answer(400, "Missing or Invalid Parameters")
            return self.answer(200, tokens.issue(ttl))

        def do_GET(self):
            path = self.path.split("?", 1)[0]
            token = self.headers.get(TOKEN_HEADER)
            if token is not None and not tokens.valid(token):
                return self.answer(401, "Unauthorized")
            if token is None and tokens_required(root):
                return self.answer(403, "Forbidden")
            if path != META_DATA and not path.startswith(META_DATA + "/"):
                return self.answer(404, "Not Found")
            return self.answer(*read_item(root, path[len(META_DATA) :]))

    return Handler


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


def _detach():
    """Fork: the parent exits 0 (the socket already listens), the child goes on without the caller's streams."""
    if os.fork() > 0:
        os._exit(0)
    os.setsid()
    null = os.open(os.devnull, os.O_RDWR)
    for descriptor in (0, 1, 2):
        os.dup2(null, descriptor)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=ROOT)
    parser.add_argument("--address", default=ADDRESS)
    parser.add_argument("--port", type=int, default=PORT)
    parser.add_argument("--daemon", action="store_true", help="detach once listening")
    args = parser.parse_args(argv)
    try:
        server = Server((args.address, args.port), make_handler(args.root, Tokens()))
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            print(f"{args.address}:{args.port} is {ALREADY_RUNNING_MESSAGE}", file=sys.stderr)
            return ALREADY_RUNNING
        raise
    if args.daemon:
        _detach()
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
