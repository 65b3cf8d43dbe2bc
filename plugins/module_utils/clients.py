# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Product clients, built on first use: only the SDK a module needs is imported (each costs ~0.2-1 s).

Every action is sent through the generic OpenAPI client's `call_api` with plain parameters, the way the SDK's own
per-action methods send them. The product's SDK client adds only its endpoint table (region -> host), so it is
built when that table is needed: without `endpoint_url`. With one (the emulator, a private endpoint) the generic
client is built directly, which spares the product's models (~0.1-0.7 s of imports in every module run).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib

try:
    from urllib.parse import urlsplit
except ImportError:  # pragma: no cover - Python 2 is not supported, but keep the import test quiet
    from urlparse import urlsplit

# product -> (SDK package, API version)
PRODUCTS = {
    "ecs": ("alibabacloud_ecs20140526", "2014-05-26"),
    "vpc": ("alibabacloud_vpc20160428", "2016-04-28"),
    "slb": ("alibabacloud_slb20140515", "2014-05-15"),
    "nas": ("alibabacloud_nas20170626", "2017-06-26"),
    "cms": ("alibabacloud_cms20190101", "2019-01-01"),
}
PIP_NAMES = {
    "ecs": "alibabacloud-ecs20140526",
    "vpc": "alibabacloud-vpc20160428",
    "slb": "alibabacloud-slb20140515",
    "nas": "alibabacloud-nas20170626",
    "cms": "alibabacloud-cms20190101",
}
CONNECT_TIMEOUT_MS = 5000
READ_TIMEOUT_MS = 30000


class MissingSdkError(Exception):
    def __init__(self, package, error):
        super(MissingSdkError, self).__init__("%s: %s" % (package, error))
        self.package = package
        self.error = error


def parse_endpoint_url(url):
    """`http://127.0.0.1:18080` -> ("http", "127.0.0.1:18080"); a bare host:port means https."""
    if "://" not in url:
        return "https", url.rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("endpoint_url must look like http://HOST:PORT or https://HOST, got %r" % url)
    return parts.scheme, parts.netloc


def build_client(product, region_id, credential_config, endpoint_url=None):
    """The client for `product` in `region_id`: at `endpoint_url` when given, else at the product's endpoint."""
    package = PRODUCTS[product][0]
    settings = dict(credential_config)
    settings.update(region_id=region_id, connect_timeout=CONNECT_TIMEOUT_MS, read_timeout=READ_TIMEOUT_MS)
    client_module_name = package + ".client"  # the product client: its endpoint table picks the endpoint
    if endpoint_url:
        protocol, endpoint = parse_endpoint_url(endpoint_url)
        settings.update(protocol=protocol, endpoint=endpoint)
        client_module_name = "alibabacloud_tea_openapi.client"
    try:
        openapi_models = importlib.import_module("alibabacloud_tea_openapi.models")
        client_module = importlib.import_module(client_module_name)
    except ImportError as error:
        name = PIP_NAMES[product] if package in str(error) else "alibabacloud-tea-openapi"
        raise MissingSdkError(name, error) from error
    return client_module.Client(openapi_models.Config(**settings))


def send(client, product, action, params):
    """One request, no retry: returns the answer's body (a dict); raises what the SDK raises."""
    openapi_models = importlib.import_module("alibabacloud_tea_openapi.models")
    openapi_utils = importlib.import_module("alibabacloud_tea_openapi.utils")
    runtime_options = importlib.import_module("darabonba.runtime")
    version = PRODUCTS[product][1]
    request_params = openapi_models.Params(
        action=action,
        version=version,
        protocol="HTTPS",
        pathname="/",
        method="POST",
        auth_type="AK",
        style="RPC",
        req_body_type="formData",
        body_type="json",
    )
    query = openapi_utils.Utils.query({k: v for k, v in params.items() if v is not None})
    request = openapi_models.OpenApiRequest(query=query)
    answer = client.call_api(request_params, request, runtime_options.RuntimeOptions())
    return answer.get("body") or {}
