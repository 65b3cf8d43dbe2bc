"""CMS event rules and their targets: PutEventRule, DescribeEventRuleList, DeleteEventRules, PutEventRuleTargets,
DescribeEventRuleTargetList, DeleteEventRuleTargets.

An event rule matches the cloud's system events by product, event name and level (`EventPattern.N`); its targets
(contact groups, webhooks) are set apart, by rule name. `alarms.py` records an event that a rule matches (the
emulator raises one: a spot instance's interruption notice) and posts it to the rule's loopback webhooks.
"""

import re

from .cms import CMS, contact_group, invalid, not_found, page_numbered, succeeded
from .cms_metric_rules import DEFAULT_SILENCE

PRIVATE_FIELDS = {
    "event_rule": {
        "_webhooks": "PutEventRuleTargets' webhook targets [{Id, Protocol, Url, Method}]; alarms.py posts to them",
        "_contacts": "PutEventRuleTargets' contact targets [{Id, ContactGroupName, Level}]",
        "_patterns": "EventPattern.N as sent: [{Product, NameList, EventTypeList, LevelList, StatusList, SQLFilter}]",
    },
}
RULE_NAME = re.compile(r"^[A-Za-z0-9_\-.]{1,64}$")
EVENT_TYPES = ("SYSTEM", "CUSTOM")
STATES = ("ENABLED", "DISABLED")
PATTERN_LISTS = ("NameList", "EventTypeList", "LevelList", "StatusList")


def event_rule(ctx, name):
    rule = ctx.store.get("event_rule", name)
    if rule is None:
        raise not_found(f"event rule {name}")
    return rule


def _patterns(params):
    """EventPattern.N.Product, .NameList.N, .EventTypeList.N, .LevelList.N, .StatusList.N, .SQLFilter."""
    patterns = []
    for sent in params.objects("EventPattern"):
        if not sent.get("Product"):
            raise invalid("EventPattern.N.Product is required")
        pattern = {"Product": sent["Product"], "SQLFilter": sent.get("SQLFilter", "")}
        for name in PATTERN_LISTS:
            indexed = sorted(
                (int(key.split(".")[1]), value)
                for key, value in sent.items()
                if key.startswith(name + ".") and key.split(".")[1].isdigit() and value
            )
            pattern[name] = [value for _, value in indexed]
        patterns.append(pattern)
    if not patterns:
        raise invalid("EventPattern is required")
    return patterns


@CMS.action("PutEventRule")
def put_event_rule(ctx):
    """Creates the rule of RuleName, or replaces its pattern, description, state and silence time."""
    p = ctx.params
    name = p.str("RuleName", required=True)
    if not RULE_NAME.match(name):
        raise invalid("RuleName: 1 to 64 letters, digits, '_', '-' or '.'")
    fields = {
        "Description": p.str("Description", default=""),
        "EventType": p.str("EventType", default="SYSTEM", choices=EVENT_TYPES),
        "State": p.str("State", default="ENABLED", choices=STATES),
        "SilenceTime": p.int("SilenceTime", default=DEFAULT_SILENCE, minimum=0, maximum=86400),
        "GroupId": p.str("GroupId", default=""),
    }
    patterns = _patterns(p)
    rule = ctx.store.get("event_rule", name)
    if rule is None:
        ctx.store.add(
            "event_rule",
            name,
            {"Name": name, **fields, "_patterns": patterns, "_webhooks": [], "_contacts": []},
            region=ctx.region,
        )
    else:
        rule.update(fields, _patterns=patterns)
    return succeeded(Data=f"acs:cms:{ctx.region}::rule/{name}")


def _rule_view(rule):
    view = {k: v for k, v in rule.items() if not k.startswith("_")}
    view["EventPattern"] = {
        "EventPattern": [
            {
                "Product": pattern["Product"],
                "SQLFilter": pattern["SQLFilter"],
                "CustomFilters": "",
                "NameList": {"NameList": pattern["NameList"]},
                "EventTypeList": {"EventTypeList": pattern["EventTypeList"]},
                "LevelList": {"LevelList": pattern["LevelList"]},
                "KeywordFilter": {"Keywords": {"Keywords": []}, "Relation": ""},
            }
            for pattern in rule["_patterns"]
        ]
    }
    return view


@CMS.action("DescribeEventRuleList")
def describe_event_rule_list(ctx):
    prefix = ctx.params.str("NamePrefix", default="")
    rules = [r for r in ctx.list("event_rule", region=False) if r["Name"].startswith(prefix)]
    chunk, total = page_numbered(rules, ctx.params)
    return succeeded(Total=total, EventRules={"EventRule": [_rule_view(r) for r in chunk]})


@CMS.action("DeleteEventRules")
def delete_event_rules(ctx):
    """Every rule named must exist (the harsher reading), else nothing is deleted; their targets go with them."""
    names = ctx.params.list("RuleNames")
    if not names:
        raise invalid("RuleNames is required")
    for name in names:
        event_rule(ctx, name)
    for name in names:
        ctx.store.remove("event_rule", name)
    return succeeded()


@CMS.action("PutEventRuleTargets")
def put_event_rule_targets(ctx):
    """Adds targets, or replaces the target of the same Id."""
    p = ctx.params
    rule = event_rule(ctx, p.str("RuleName", required=True))
    webhooks = p.objects("WebhookParameters")
    contacts = p.objects("ContactParameters")
    if not webhooks and not contacts:
        raise invalid("at least one of WebhookParameters or ContactParameters is required")
    for webhook in webhooks:
        if not webhook.get("Id") or not webhook.get("Url", "").startswith(("http://", "https://")):
            raise invalid("WebhookParameters.N needs an Id and an http:// or https:// Url")
        if webhook.get("Protocol", "http").lower() not in ("http", "https"):
            raise invalid("WebhookParameters.N.Protocol must be http or https")
    for contact in contacts:
        if not contact.get("Id") or contact_group(ctx, contact.get("ContactGroupName", "")) is None:
            raise not_found(f"contact group {contact.get('ContactGroupName', '')}")
    for field, added, keys in (
        ("_webhooks", webhooks, ("Id", "Protocol", "Url", "Method")),
        ("_contacts", contacts, ("Id", "ContactGroupName", "Level")),
    ):
        kept = {target["Id"]: target for target in rule[field]}
        for target in added:
            kept[target["Id"]] = {key: target.get(key, "") for key in keys}
        rule[field] = list(kept.values())
    return succeeded(
        FailedParameterCount="0",
        FailedContactParameters={"ContactParameter": []},
        FailedMnsParameters={"MnsParameter": []},
    )


@CMS.action("DescribeEventRuleTargetList")
def describe_event_rule_target_list(ctx):
    rule = event_rule(ctx, ctx.params.str("RuleName", required=True))
    return {  # this answer has no Success field
        "Code": "200",
        "Message": "",
        "WebhookParameters": {"WebhookParameter": list(rule["_webhooks"])},
        "ContactParameters": {"ContactParameter": list(rule["_contacts"])},
        "FcParameters": {"FCParameter": []},
        "MnsParameters": {"MnsParameter": []},
        "SlsParameters": {"SlsParameter": []},
        "OpenApiParameters": {"OpenApiParameters": []},
    }


@CMS.action("DeleteEventRuleTargets")
def delete_event_rule_targets(ctx):
    p = ctx.params
    rule = event_rule(ctx, p.str("RuleName", required=True))
    ids = set(p.list("Ids"))
    if not ids:
        raise invalid("Ids is required")
    rule["_webhooks"] = [t for t in rule["_webhooks"] if t["Id"] not in ids]
    rule["_contacts"] = [t for t in rule["_contacts"] if t["Id"] not in ids]
    return succeeded()
