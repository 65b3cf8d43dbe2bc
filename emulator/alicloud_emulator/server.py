"""The HTTP server in front of the emulator (threaded, keep-alive, loopback by default)."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "alicloud-emulator"

    def _serve(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {}
        for name, value in self.headers.items():
            key = name.lower()
            headers[key] = f"{headers[key]},{value}" if key in headers else value
        response = self.server.emulator.handle(self.command, self.path, headers, body, self.server.region)
        if response.drop:
            self.close_connection = True
            return
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        self.wfile.write(response.body)

    do_GET = do_POST = do_PUT = do_DELETE = _serve

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass  # every API request is in the emulator's request log instead


class EmulatorServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, emulator, host="127.0.0.1", port=0, region=None):
        """region: the region this listener's host stands for (as `nas.cn-shanghai.aliyuncs.com` does), for the
        products that take no RegionId (NAS); None: the emulator's default region."""
        self.emulator = emulator
        self.region = region
        super().__init__((host, port), _Handler)

    @property
    def endpoint(self):
        host, port = self.server_address[:2]
        return f"{host}:{port}"

    def start_background(self):
        thread = threading.Thread(target=self.serve_forever, name="alicloud-emulator", daemon=True)
        thread.start()
        return thread
