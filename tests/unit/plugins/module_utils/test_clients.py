"""Which client build_client makes: the product's SDK client (its endpoint table) without endpoint_url, the generic
OpenAPI client at the given endpoint with one, sparing the product's models import; and that aiohttp, which only
the SDK's async API uses, is imported on its first use, not with the SDK."""

import json
import subprocess
import sys

import pytest
from ansible_collections.ha_web.alicloud.plugins.module_utils import clients

CREDENTIALS = {"type": "access_key", "access_key_id": "a", "access_key_secret": "b"}


@pytest.mark.parametrize(
    ("product", "region", "endpoint"),
    [
        ("ecs", "cn-hangzhou", "ecs-cn-hangzhou.aliyuncs.com"),  # the SDK's table
        ("ecs", "eu-central-1", "ecs.eu-central-1.aliyuncs.com"),  # its regional rule
        ("vpc", "cn-hangzhou", "vpc.aliyuncs.com"),
        ("slb", "cn-hangzhou", "slb.aliyuncs.com"),
        ("nas", "cn-hangzhou", "nas.cn-hangzhou.aliyuncs.com"),
        ("cms", "cn-hangzhou", "metrics.cn-hangzhou.aliyuncs.com"),
    ],
)
def test_without_an_endpoint_url_the_product_client_picks_the_regions_endpoint(product, region, endpoint):
    client = clients.build_client(product, region, CREDENTIALS)
    assert type(client).__module__ == clients.PRODUCTS[product][0] + ".client"
    assert client._endpoint == endpoint


def test_an_endpoint_url_is_used_as_given_with_its_protocol():
    client = clients.build_client("ecs", "cn-hangzhou", CREDENTIALS, "http://127.0.0.1:18080")
    assert (client._protocol, client._endpoint, client._region_id) == ("http", "127.0.0.1:18080", "cn-hangzhou")
    client = clients.build_client("nas", "cn-hangzhou", CREDENTIALS, "nas.example.internal")
    assert (client._protocol, client._endpoint) == ("https", "nas.example.internal")


def test_with_an_endpoint_url_the_products_sdk_is_not_imported():
    # A fresh interpreter: this one may have imported the product SDKs already.
    code = (
        "import sys\n"
        "from ansible_collections.ha_web.alicloud.plugins.module_utils import clients\n"
        "for product in clients.PRODUCTS:\n"
        "    clients.build_client(product, 'cn-hangzhou', %r, 'http://127.0.0.1:18080')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {p for p, _v in clients.PRODUCTS.values()}))\n"
    ) % CREDENTIALS
    assert run_fresh(code) == "[]"


def run_fresh(code):
    """What `code` prints, run in a fresh interpreter: this one may have imported the SDK or aiohttp already."""
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env={"PYTHONPATH": ":".join(sys.path)}
    ).stdout.strip()


# Builds every client, both ways, and sends one request through the SDK's call_api to a local HTTP server; each test
# adds what it checks then, printed as JSON.
SEND_THEN = """
import http.server, json, sys, threading
from ansible_collections.ha_web.alicloud.plugins.module_utils import clients

credentials = {"type": "access_key", "access_key_id": "a", "access_key_secret": "b"}

class Answer(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"RequestId": "1"}')
    do_GET = do_POST

    def log_message(self, *args):
        pass

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Answer)
threading.Thread(target=server.serve_forever, daemon=True).start()
url = "http://127.0.0.1:%d" % server.server_port
for product in clients.PRODUCTS:
    clients.build_client(product, "cn-hangzhou", credentials)
    client = clients.build_client(product, "cn-hangzhou", credentials, url)
answer = clients.send(client, product, "DescribeSomething", {"RegionId": "cn-hangzhou"})
"""


def test_building_a_client_and_sending_a_request_do_not_import_aiohttp():
    code = SEND_THEN + (
        "import Tea.core, darabonba.core\n"
        "print(json.dumps([answer, sorted(m for m in sys.modules if m.split('.')[0] == 'aiohttp')]))\n"
    )
    assert json.loads(run_fresh(code)) == [{"RequestId": "1"}, []]


def test_the_sdks_async_api_imports_aiohttp_on_first_use():
    code = SEND_THEN + (
        "import asyncio, Tea.core, darabonba.core\n"
        "from Tea.request import TeaRequest\n"
        "session = Tea.core.aiohttp.ClientSession\n"  # the name Tea.core bound at import
        "import aiohttp, aiohttp.client\n"
        "request = TeaRequest()\n"
        "request.protocol, request.method, request.headers = 'http', 'GET', {'host': url.split('//')[1]}\n"
        "response = asyncio.run(Tea.core.TeaCore.async_do_action(request))\n"
        "print(json.dumps([\n"
        "    session is aiohttp.ClientSession is aiohttp.client.ClientSession,\n"
        "    darabonba.core.aiohttp.TCPConnector is aiohttp.TCPConnector,\n"
        "    type(sys.modules['aiohttp']).__name__,\n"
        "    response.status_code, response.body.decode(),\n"
        "]))\n"
    )
    assert json.loads(run_fresh(code)) == [True, True, "module", 200, '{"RequestId": "1"}']


def test_an_sdk_module_that_imports_an_aiohttp_submodule_is_imported_with_the_real_aiohttp(tmp_path):
    """The placeholder cannot stand for a package: a (future) SDK module that imports aiohttp.client at its top is
    imported again with the real aiohttp, not refused."""
    (tmp_path / "sdk_of_tomorrow.py").write_text("import aiohttp.client\nSESSION = aiohttp.client.ClientSession\n")
    code = (
        "import json, sys\n"
        "sys.path.insert(0, %r)\n"
        "from ansible_collections.ha_web.alicloud.plugins.module_utils import clients\n"
        "[sdk] = clients._import_sdk('sdk_of_tomorrow')\n"
        "import aiohttp\n"
        "print(json.dumps([sdk.SESSION is aiohttp.ClientSession, type(sys.modules['aiohttp']).__name__]))\n"
    ) % str(tmp_path)
    assert json.loads(run_fresh(code)) == [True, "module"]


def test_a_bad_endpoint_url_names_the_form_it_must_take():
    with pytest.raises(ValueError, match=r"endpoint_url must look like http://HOST:PORT or https://HOST"):
        clients.build_client("ecs", "cn-hangzhou", CREDENTIALS, "ftp://127.0.0.1:18080")


PRELOAD = """
import json, sys
from ansible_collections.ha_web.alicloud.plugins.module_utils import clients
clients.preload(["ecs"])
print(json.dumps([name in sys.modules for name in ("alibabacloud_tea_openapi.client", "alibabacloud_ecs20140526.client",
                                                     "alibabacloud_vpc20160428.client", "aiohttp")]))
"""


@pytest.mark.parametrize(("endpoint_url", "ecs_client"), [("", True), ("http://127.0.0.1:1", False)])
def test_preload_imports_the_core_and_the_products_clients_unless_one_endpoint_takes_every_request(
    endpoint_url, ecs_client
):
    env = {"PYTHONPATH": ":".join(sys.path), "ALIBABA_CLOUD_ENDPOINT_URL": endpoint_url}
    answer = subprocess.run([sys.executable, "-c", PRELOAD], env=env, capture_output=True, text=True, check=True)
    core, ecs, vpc, aiohttp = json.loads(answer.stdout)
    assert core and ecs == ecs_client and not vpc and not aiohttp
