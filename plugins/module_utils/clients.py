# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Product clients, built on first use: only the SDK a module needs is imported (each costs ~0.2-1 s).

Every action is sent through the generic OpenAPI client's `call_api` with plain parameters, the way the SDK's own
per-action methods send them. The product's SDK client adds only its endpoint table (region -> host), so it is
built when that table is needed: without `endpoint_url`. With one (the emulator, a private endpoint) the generic
client is built directly, which spares the product's models (~0.1-0.7 s of imports in every module run).

The SDK is imported with aiohttp deferred to its first use (`_import_sdk`): Tea and darabonba import it at their top
(~0.3 s, half of the generic client's imports) for their async API only; `call_api` sends through requests.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import importlib
import importlib.util
import os
import sys
import types

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


class _AnnotationOnly(object):
    """What darabonba gets for aiohttp's ClientSession and ClientResponse while it is imported: it reads them then
    for type annotations only, which nothing uses (darabonba/utils/stream.py: SSEResponseWrapper.__init__'s;
    darabonba/response.py: `from aiohttp import ClientResponse`, named in an annotation Python never evaluates)."""


class _DeferredAiohttp(types.ModuleType):
    """aiohttp as Tea.core and darabonba bind it at import: the real module is imported when a name is first read."""

    def __getattr__(self, name):
        # Only names the placeholder lacks come here: ClientSession, TCPConnector, __file__, ...
        if sys.modules.get("aiohttp") is self:
            if name == "__path__":
                raise AttributeError(name)  # not a package while it stands in: `from aiohttp import X` reads X
            del sys.modules["aiohttp"]
        return getattr(importlib.import_module("aiohttp"), name)


def _import_sdk(*names):
    """The modules `names`, imported with aiohttp deferred to its first use, which only the SDK's async API makes.

    `import aiohttp` in Tea.core and darabonba costs ~0.3 s in every module run. While `names` are imported, a
    placeholder stands in sys.modules for aiohttp; it answers darabonba's two annotation names itself and imports
    aiohttp for any other name read. Afterwards it is in sys.modules no more (an `import aiohttp` elsewhere gets
    the real module), and it stays bound in the SDK modules, where it reads every name from the real aiohttp.
    """
    spec = None  # no placeholder if aiohttp or all of `names` are imported already, or aiohttp is not installed
    if "aiohttp" not in sys.modules and not all(name in sys.modules for name in names):
        spec = importlib.util.find_spec("aiohttp")
    if spec is not None:
        placeholder = _DeferredAiohttp("aiohttp")
        placeholder.__spec__ = spec
        placeholder.ClientSession = placeholder.ClientResponse = _AnnotationOnly
        sys.modules["aiohttp"] = placeholder
        try:
            return [importlib.import_module(name) for name in names]
        except ImportError:
            pass  # an SDK that reads aiohttp otherwise (a submodule): imported below with the real aiohttp, as it is
        finally:
            del placeholder.ClientSession, placeholder.ClientResponse
            if sys.modules.get("aiohttp") is placeholder:
                del sys.modules["aiohttp"]
    return [importlib.import_module(name) for name in names]


# What every request needs, whatever the product: the generic OpenAPI client and the credentials.
CORE_MODULES = (
    "alibabacloud_tea_openapi.models",
    "alibabacloud_tea_openapi.client",
    "alibabacloud_tea_openapi.utils",
    "darabonba.runtime",
    "alibabacloud_credentials.client",
)


def preload(products):
    """Import the SDK that requests to `products` need, ahead of the first request (the in-controller action plugin
    does it in the controller process, once per run, so that no task worker imports it again). The products'
    clients (~1 s of imports for ECS or VPC) are left out when ALIBABA_CLOUD_ENDPOINT_URL sends every request to
    one URL, through the generic client. Nothing is raised for a missing SDK: the first request reports it."""
    modules = list(CORE_MODULES)
    if not os.environ.get("ALIBABA_CLOUD_ENDPOINT_URL"):
        modules += [PRODUCTS[product][0] + ".client" for product in products]
    for name in modules:
        with contextlib.suppress(ImportError):
            _import_sdk(name)


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
        openapi_models, client_module = _import_sdk("alibabacloud_tea_openapi.models", client_module_name)
    except ImportError as error:
        name = PIP_NAMES[product] if package in str(error) else "alibabacloud-tea-openapi"
        raise MissingSdkError(name, error) from error
    return client_module.Client(openapi_models.Config(**settings))


def send(client, product, action, params):
    """One request, no retry: returns the answer's body (a dict); raises what the SDK raises."""
    openapi_models, openapi_utils, runtime_options = _import_sdk(
        "alibabacloud_tea_openapi.models", "alibabacloud_tea_openapi.utils", "darabonba.runtime"
    )
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
