# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one call path to the cloud, shared by AlicloudModule and the inventory plugin: a request sent
through the retry loop with errors as AlicloudApiError, and the two ways Alibaba APIs page their lists."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.ha_web.alicloud.plugins.module_utils import clients, retries
from ansible_collections.ha_web.alicloud.plugins.module_utils.errors import AlicloudApiError, from_sdk_exception


def dig(data, *path):
    """data["A"]["B"]... with missing levels as None (list wrappers: dig(body, "Vpcs", "Vpc"))."""
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def send_with_retries(client, product, action, params, max_attempts=retries.DEFAULT_ATTEMPTS, verify_lost=None):
    """Send one request (the same `params` on every attempt); returns the answer's body.

    Raises AlicloudApiError, whatever the SDK raised.
    """
    return retries.call_with_retries(
        lambda: clients.send(client, product, action, params),
        lambda raw: raw if isinstance(raw, AlicloudApiError) else from_sdk_exception(raw, action),
        max_attempts=max_attempts,
        verify_lost=verify_lost,
    )


def paginate(send_page, params, path, page_size=50, token=False):
    """Every item at `path` of a Describe/List call, all pages: PageNumber/PageSize, or with token=True
    NextToken/MaxResults. send_page(params) sends one page (a fresh dict each time) and returns its body."""
    params = dict(params or {})
    items = []
    if token:
        params["MaxResults"] = page_size
        while True:
            body = send_page(dict(params))
            items.extend(dig(body, *path) or [])
            next_token = body.get("NextToken")
            if not next_token:
                return items
            params["NextToken"] = next_token
    params["PageSize"] = page_size
    number = 1
    while True:
        params["PageNumber"] = number
        body = send_page(dict(params))
        page = dig(body, *path) or []
        items.extend(page)
        total = body.get("TotalCount")
        if not page or (total is not None and len(items) >= int(total)) or len(page) < page_size:
            return items
        number += 1
