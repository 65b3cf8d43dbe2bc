"""CMS (CloudMonitor) 2019-01-01: the product, its answer shape, and its contact groups.

CloudMonitor answers `Code` ("200") and `Success` in the body of every action besides the request id. Its alarm
rules and contact groups belong to the account, not to a region: they are stored with the region of the request
that made them, and every region lists all of them. The metric rules live in `cms_metric_rules.py`, the event
rules and their targets in `cms_event_rules.py`; `alarms.py` (beside the products) evaluates them.
"""

import time

from . import cms_errors
from .base import Product

CMS = Product(
    code="Cms",
    version="2019-01-01",
    endpoint_prefix="cms",
    regional=False,
    permission_denied=cms_errors.ACCESS_FORBIDDEN,
)
CONTACT_GROUP_NAME_MAX = 64


def succeeded(**fields):
    """CloudMonitor's success answer: Code "200", Success true, and the action's own fields."""
    return {"Code": "200", "Success": True, "Message": "", **fields}


def invalid(detail):
    return cms_errors.PARAMETER_INVALID(detail=detail)


def not_found(detail):
    return cms_errors.RESOURCE_NOT_FOUND(detail=detail)


def milliseconds(timestamp):
    return int(timestamp * 1000)


def page_numbered(items, params, number_name="PageNumber", size_name="PageSize"):
    """CloudMonitor's paging (PageNumber or Page, PageSize 1..100, default 10): (page items, total)."""
    number = params.int(number_name, default=1, minimum=1, maximum=10**6)
    size = params.int(size_name, default=10, minimum=1, maximum=100)
    start = (number - 1) * size
    return items[start : start + size], len(items)


# contact groups ------------------------------------------------------------------------------
def contact_group(ctx, name):
    return ctx.store.get("contact_group", name)


def _contact_group_view(group):
    return {
        "Name": group["Name"],
        "Describe": group["Describe"],
        "Contacts": {"Contact": list(group["Contacts"])},
        "EnableSubscribed": group["EnableSubscribed"],
        "EnabledWeeklyReport": False,
        "CreateTime": group["CreateTime"],
        "UpdateTime": group["UpdateTime"],
    }


@CMS.action("PutContactGroup")
def put_contact_group(ctx):
    """Creates the group, or replaces its description and contacts (the contacts are not checked: see the README)."""
    p = ctx.params
    name = p.str("ContactGroupName", required=True)
    if len(name) > CONTACT_GROUP_NAME_MAX:
        raise invalid(f"ContactGroupName is longer than {CONTACT_GROUP_NAME_MAX} characters")
    now = milliseconds(time.time())
    fields = {
        "Describe": p.str("Describe", default=""),
        "Contacts": p.list("ContactNames"),
        "EnableSubscribed": p.bool("EnableSubscribed"),
        "UpdateTime": now,
    }
    group = contact_group(ctx, name)
    if group is None:
        ctx.store.add("contact_group", name, {"Name": name, "CreateTime": now, **fields}, region=ctx.region)
    else:
        group.update(fields)
    return succeeded()


@CMS.action("DescribeContactGroupList")
def describe_contact_group_list(ctx):
    groups = ctx.list("contact_group", region=False)
    chunk, total = page_numbered(groups, ctx.params)
    return succeeded(
        Total=total,
        ContactGroupList={"ContactGroup": [_contact_group_view(g) for g in chunk]},
        ContactGroups={"ContactGroup": [g["Name"] for g in chunk]},
    )


@CMS.action("DeleteContactGroup")
def delete_contact_group(ctx):
    name = ctx.params.str("ContactGroupName", required=True)
    if contact_group(ctx, name) is None:
        raise not_found(f"contact group {name}")
    ctx.store.remove("contact_group", name)
    return succeeded()
