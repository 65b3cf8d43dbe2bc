"""Which client build_client makes: the product's SDK client (its endpoint table) without endpoint_url, the generic
OpenAPI client at the given endpoint with one, sparing the product's models import."""

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
    imported = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env={"PYTHONPATH": ":".join(sys.path)}
    ).stdout.strip()
    assert imported == "[]"


def test_a_bad_endpoint_url_names_the_form_it_must_take():
    with pytest.raises(ValueError, match=r"endpoint_url must look like http://HOST:PORT or https://HOST"):
        clients.build_client("ecs", "cn-hangzhou", CREDENTIALS, "ftp://127.0.0.1:18080")
