# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tags: the API's shapes to and from a plain dict, and what to change to reach the wanted set."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


def tags_from_api(tags_field):
    """`{"Tag": [{"TagKey": k, "TagValue": v}]}` (ECS, SLB) or `{"Tag": [{"Key": k, "Value": v}]}`
    (VPC, NAS), or a bare list of either (SLB listeners) -> {k: v}."""
    if not tags_field:
        return {}
    items = tags_field.get("Tag", []) if isinstance(tags_field, dict) else tags_field
    result = {}
    for item in items or []:
        key = item.get("TagKey", item.get("Key"))
        if key is not None:
            result[key] = item.get("TagValue", item.get("Value", "")) or ""
    return result


def tags_match(resource, wanted, tags_field="Tags"):
    """Whether the API object has every wanted tag; an empty wanted value matches any value of its key."""
    tags = tags_from_api(resource.get(tags_field))
    return all(k in tags and (v in (None, "") or tags[k] == str(v)) for k, v in (wanted or {}).items())


def tags_to_api(tags):
    """{k: v} -> [{"Key": k, "Value": v}] (the request shape of every product, `Tag.N.Key`)."""
    return [{"Key": k, "Value": "" if v is None else str(v)} for k, v in sorted((tags or {}).items())]


def compare_tags(current, wanted, purge):
    """Returns (to_set: dict, to_remove: list). `wanted` None means "leave tags alone"."""
    if wanted is None:
        return {}, []
    wanted = {k: "" if v is None else str(v) for k, v in wanted.items()}
    to_set = {k: v for k, v in wanted.items() if current.get(k) != v}
    to_remove = sorted(k for k in current if k not in wanted) if purge else []
    return to_set, to_remove


def planned_tags(current, wanted, purge):
    """The tags {k: v} a resource has after compare_tags' changes: what check mode reports."""
    if wanted is None:
        return dict(current)
    return dict(current if not purge else {}, **wanted)


def validate_tags(tags):
    """Problems with wanted tags, as messages (checked before any call)."""
    problems = []
    for key, value in (tags or {}).items():
        if not key or len(key) > 128:
            problems.append("tag key %r must be 1 to 128 characters" % key)
        elif key.startswith(("aliyun", "acs:")) or "http://" in key or "https://" in key:
            problems.append("tag key %r must not start with aliyun or acs: nor contain http(s)://" % key)
        if value is not None and len(str(value)) > 128:
            problems.append("tag value of %r must be at most 128 characters" % key)
    if len(tags or {}) > 20:
        problems.append("at most 20 tags per resource, got %d" % len(tags))
    return problems
