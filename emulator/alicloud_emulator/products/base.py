"""What every product shares: the action registry, the per-request context, paging, tags and time formats."""

import base64
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

from ..errors import invalid_parameter
from . import shared_errors

DEFAULT_RESOURCE_GROUP = "rg-acfmzw2jz2z****"  # the account's default resource group, masked as the console shows it


@dataclass
class ActionSpec:
    name: str
    handler: object
    mutating: bool
    client_token: bool  # the action honours ClientToken idempotency


@dataclass
class Product:
    """One API product and version: `Ecs` 2014-05-26, `Vpc` 2016-04-28, `Slb` 2014-05-15, `NAS` 2017-06-26."""

    code: str  # as in error `Recommend` links: Ecs, Vpc, Slb, NAS
    version: str
    endpoint_prefix: str  # ecs, vpc, slb, nas
    regional: bool = True  # False: the API takes no RegionId (NAS), region comes from the endpoint
    # the product's answer to a RAM user denied the action: an ErrorCode called with action= and region=
    permission_denied: object = None
    actions: dict = field(default_factory=dict)

    def action(self, name, mutating=None, client_token=False):
        """Register a handler `fn(ctx) -> dict` for an API action."""
        if mutating is None:
            mutating = not name.startswith(("Describe", "List", "Get", "Query"))

        def register(handler):
            self.actions[name] = ActionSpec(name, handler, mutating, client_token)
            return handler

        return register


@dataclass
class Context:
    """What a handler gets: the request's parameters and region, and the emulator's parts."""

    params: object
    region: str
    store: object
    timing: object
    runtime: object
    catalog: object
    faults: object
    request_id: str
    product: Product
    now: float = field(default_factory=time.time)

    def visible(self, resource):
        """False while an injected eventual-consistency delay still hides a resource made since it was set."""
        delay, made = self.faults.config.consistency_delay, resource["_created_at"]
        return not delay or made < self.faults.consistency_since or self.now - made >= delay

    def list(self, kind, region=True, **fields):
        """Live, visible resources of a kind in this request's region (region=False: every region)."""
        found = self.store.find(kind, self.region if region else None, **fields)
        return [r for r in found if self.visible(r)]

    def schedule(self, resource, steps):
        """Queue `(timing_key_or_seconds, field, value)` steps on the resource."""
        resolved = [(self.timing.delay(d) if isinstance(d, str) else d, f, v) for d, f, v in steps]
        self.store.schedule(resource, resolved, now=self.now)


# checks every product makes ------------------------------------------------------------------
def dry_run(params, passed=shared_errors.DRY_RUN_OPERATION):
    """DryRun=true after the checks: answer `passed` (ECS and VPC's text; NAS words it its own way), change nothing."""
    if params.bool("DryRun"):
        raise passed()


def resource_group_id(params):
    """ResourceGroupId as sent, else the account's default group."""
    return params.str("ResourceGroupId", default=DEFAULT_RESOURCE_GROUP)


@dataclass(frozen=True)
class TextRule:
    """A product's rule for a name or a description; `check(value)` raises `error(value=value)` when it is broken.

    low..high characters; not starting with http:// or https:// (unless urls); a letter first (letter_first);
    only characters the `allowed` pattern matches (if given). `error` is an entry of the product's error table.
    """

    low: int
    high: int
    error: object
    letter_first: bool = False
    urls: bool = False
    allowed: object = None

    def check(self, value):
        """`value` if it keeps the rule; None (not sent) passes."""
        if value is None:
            return None
        if (
            not self.low <= len(value) <= self.high
            or (not self.urls and value.startswith(("http://", "https://")))
            or (self.letter_first and not value[:1].isalpha())
            or (self.allowed is not None and not self.allowed.match(value))
        ):
            raise self.error(value=value)
        return value


# paging -------------------------------------------------------------------------------------
def page(items, params, default_size=10, max_size=100):
    """PageNumber / PageSize paging; returns (page items, the echo fields for the response)."""
    number = params.int("PageNumber", default=1, minimum=1, maximum=10**6)
    size = params.int("PageSize", default=default_size, minimum=1, maximum=max_size)
    start = (number - 1) * size
    return items[start : start + size], {"TotalCount": len(items), "PageNumber": number, "PageSize": size}


def encode_token(offset):
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def decode_token(token):
    try:
        text = base64.urlsafe_b64decode(token.encode()).decode()
        kind, value = text.split(":", 1)
        if kind != "offset":
            raise ValueError(kind)
        return int(value)
    except (ValueError, UnicodeDecodeError):
        raise invalid_parameter("NextToken", token, "It was not returned by a previous call.") from None


def token_page(items, params, default_size=10, max_size=100, min_size=1):
    """NextToken / MaxResults paging; an empty NextToken in the answer means the last page."""
    size = params.int("MaxResults", default=default_size, minimum=min_size, maximum=max_size)
    token = params.str("NextToken")
    start = decode_token(token) if token else 0
    chunk = items[start : start + size]
    following = start + size
    return chunk, {"NextToken": encode_token(following) if following < len(items) else "", "MaxResults": size}


def uses_token_paging(params):
    return "NextToken" in params or "MaxResults" in params


# tags ---------------------------------------------------------------------------------------
def tags_with_tag_key(resource):
    """ECS and SLB shape: {"Tag": [{"TagKey": k, "TagValue": v}]}."""
    return {"Tag": [{"TagKey": k, "TagValue": v} for k, v in resource["_tags"].items()]}


def tags_with_key(resource):
    """VPC and NAS shape: {"Tag": [{"Key": k, "Value": v}]}."""
    return {"Tag": [{"Key": k, "Value": v} for k, v in resource["_tags"].items()]}


def matches_tags(resource, wanted):
    """Describe-call tag filters: every key must be present; an empty value matches any value."""
    tags = resource["_tags"]
    return all(k in tags and (v in ("", None) or tags[k] == v) for k, v in wanted.items())


def check_tag_limit(tags):
    if len(tags) > 20:
        raise shared_errors.INVALID_TAG_COUNT()


# time formats -------------------------------------------------------------------------------
def iso(timestamp):
    return datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_minutes(timestamp):
    """ECS instances report their times to the minute: 2017-12-10T04:04Z."""
    return datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y-%m-%dT%H:%MZ")
