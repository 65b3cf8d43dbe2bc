"""Helpers for tests and benchmarks: an in-process server, an out-of-process one, SDK clients, admin calls."""

import contextlib
import http.server
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

from .app import DEFAULT_KEYS, Emulator
from .cli import LOG_FILE
from .server import EmulatorServer

ACCESS_KEY_ID, ACCESS_KEY_SECRET = next(iter(DEFAULT_KEYS.items()))
SDK_MODULES = {
    "ecs": "alibabacloud_ecs20140526",
    "vpc": "alibabacloud_vpc20160428",
    "slb": "alibabacloud_slb20140515",
    "nas": "alibabacloud_nas20170626",
    "cms": "alibabacloud_cms20190101",
}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def loopback_receiver():
    """A webhook on 127.0.0.1 that keeps what is posted to it: (its base URL, [(path, Content-Type, body, time)])."""
    posted = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            posted.append((self.path, self.headers["Content-Type"], body.decode(), time.time()))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", posted
    finally:
        server.shutdown()
        server.server_close()


def sdk_client(product, endpoint, key_id=ACCESS_KEY_ID, secret=ACCESS_KEY_SECRET, region="cn-hangzhou", **config):
    """A real product SDK client pointed at the emulator (imported lazily: each SDK costs ~1 s)."""
    import importlib

    from alibabacloud_tea_openapi import models as openapi_models

    module = importlib.import_module(f"{SDK_MODULES[product]}.client")
    settings = {
        "access_key_id": key_id,
        "access_key_secret": secret,
        "region_id": region,
        "endpoint": endpoint,
        "protocol": "http",
        "read_timeout": 30000,
        "connect_timeout": 5000,
    }
    settings.update(config)
    return module.Client(openapi_models.Config(**settings))


def sdk_models(product):
    import importlib

    return importlib.import_module(f"{SDK_MODULES[product]}.models")


class Admin:
    """Calls to the admin API of an emulator at `endpoint` (host:port)."""

    def __init__(self, endpoint):
        self.base = f"http://{endpoint}/_emulator"

    def call(self, method, path, payload=None):
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)  # noqa: S310 - our own http URL
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - our own http URL
            return json.load(answer)

    def reset(self):
        return self.call("POST", "/reset")

    def faults(self, **changes):
        return self.call("POST", "/faults", changes)

    def requests(self):
        return self.call("GET", "/requests")

    def reset_requests(self):
        return self.call("POST", "/requests/reset")

    def state(self):
        return self.call("GET", "/state")

    def health(self):
        return self.call("GET", "/health")

    def set_stock(self, region_id, zone_id, status, instance_type=None, spot=False):
        payload = {"region_id": region_id, "zone_id": zone_id, "status": status, "spot": spot}
        if instance_type is not None:
            payload["instance_type"] = instance_type
        return self.call("POST", "/catalog/stock", payload)

    def set_account(self, spot_supported):
        return self.call("POST", "/catalog/account", {"spot_supported": spot_supported})

    def publish_image(self, image):
        return self.call("POST", "/catalog/images", image)

    def retire_image(self, image_id):
        return self.call("POST", f"/catalog/images/{image_id}/retire")

    def deny(self, access_key_id, actions):
        return self.call("POST", "/permissions", {"access_key_id": access_key_id, "deny": list(actions)})


class InProcessEmulator:
    """An emulator serving from a thread of this process, on a free loopback port."""

    def __init__(self, **kwargs):
        self.emulator = Emulator(**kwargs)
        self.server = EmulatorServer(self.emulator, "127.0.0.1", 0)
        self.server.start_background()
        self.endpoint = self.server.endpoint
        self.admin = Admin(self.endpoint)

    def client(self, product, **kwargs):
        return sdk_client(product, self.endpoint, **kwargs)

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.emulator.close()


class EmulatorProcess:
    """`alicloud-emulator serve` as a child process (for restarts, and for tests of the command itself)."""

    def __init__(self, state_dir=None, port=None, extra_args=()):
        self.state_dir = state_dir or tempfile.mkdtemp(prefix="alicloud-emulator-")
        self.port = port or free_port()
        self.endpoint = f"127.0.0.1:{self.port}"
        self.admin = Admin(self.endpoint)
        self.extra_args = list(extra_args)
        self.process = None
        self.ready_seconds = None

    def start(self, timeout=30):
        command = [sys.executable, "-m", "alicloud_emulator", "serve", "--port", str(self.port)]
        command += ["--state-dir", self.state_dir, *self.extra_args]
        began = time.monotonic()
        os.makedirs(self.state_dir, exist_ok=True)
        # Its output goes to a file, never to a pipe nobody reads: a full pipe would block the emulator's next print
        # (and the thread that printed: HAProxy's reloads, an instance's worker) for as long as the test runs.
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                command, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"}
            )
        deadline = began + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"emulator exited: {self.output()}")
            try:
                self.admin.health()
                self.ready_seconds = time.monotonic() - began
                return self
            except OSError:
                time.sleep(0.02)
        raise RuntimeError("emulator did not answer in time")

    @property
    def log_path(self):
        return os.path.join(self.state_dir, LOG_FILE)

    def output(self):
        """What the emulator printed so far (its log file)."""
        try:
            with open(self.log_path, errors="replace") as log:
                return log.read()
        except OSError:
            return ""

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)

    def client(self, product, **kwargs):
        return sdk_client(product, self.endpoint, **kwargs)


def unknown_fields(sent, known, path=""):
    """Paths of fields in an answer that the SDK's response model does not know (so would drop)."""
    found = []
    if isinstance(sent, dict):
        for key, value in sent.items():
            here = f"{path}.{key}" if path else key
            if not isinstance(known, dict) or key not in known:
                found.append(here)
            else:
                found += unknown_fields(value, known[key], here)
    elif isinstance(sent, list) and isinstance(known, list):
        for index, (value, known_value) in enumerate(zip(sent, known, strict=False)):
            found += unknown_fields(value, known_value, f"{path}[{index}]")
    return found


class ResponseChecker:
    """Loads every answer into the SDK's `<Action>ResponseBody` model and lists fields the model lacks."""

    def __init__(self):
        self.problems = []
        self.actions = set()

    def __call__(self, product, action, payload):
        models = sdk_models(product.endpoint_prefix)
        model_class = getattr(models, f"{action}ResponseBody", None)
        self.actions.add((product.code, action))
        if model_class is None:
            self.problems.append(f"{product.code} {action}: the SDK has no {action}ResponseBody model")
            return
        roundtrip = model_class().from_map(json.loads(json.dumps(payload))).to_map()
        for field in unknown_fields(payload, roundtrip):
            self.problems.append(f"{product.code} {action}: field {field} is unknown to the SDK model")
