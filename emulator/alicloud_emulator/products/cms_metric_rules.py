"""CMS metric alarm rules: PutResourceMetricRule, DescribeMetricRuleList, DeleteMetricRules.

A rule watches one metric of the resources it names (`Resources`, a JSON array of {"instanceId": ...}) and has
up to three levels (`Escalations.Critical|Warn|Info`), each a statistic compared with a threshold for `Times`
consecutive periods. The emulator knows the metrics it can compute (METRICS); a rule on another metric is
refused (the real service knows many more: the harsher choice, see emulator/README.md). `alarms.py` evaluates
the rules.
"""

import json
import time
from urllib.parse import urlsplit

from .cms import CMS, contact_group, invalid, milliseconds, not_found, page_numbered, succeeded

# namespace -> metric -> the statistics it offers
METRICS = {
    "acs_slb_dashboard": {
        "UnhealthyServerCount": ("Average", "Minimum", "Maximum"),
        "HeathyServerCount": ("Average", "Minimum", "Maximum"),  # sic: the official name has the typo
    },
    "acs_ecs_dashboard": {"CPUUtilization": ("Average", "Minimum", "Maximum")},
}
PRODUCT_CATEGORIES = {"acs_slb_dashboard": "slb", "acs_ecs_dashboard": "ecs"}
LEVELS = ("Critical", "Warn", "Info")
COMPARISONS = (
    "GreaterThanOrEqualToThreshold",
    "GreaterThanThreshold",
    "LessThanOrEqualToThreshold",
    "LessThanThreshold",
    "NotEqualToThreshold",
    "EqualToThreshold",
    "GreaterThanYesterday",
    "LessThanYesterday",
    "GreaterThanLastWeek",
    "LessThanLastWeek",
    "GreaterThanLastPeriod",
    "LessThanLastPeriod",
)
DEFAULT_PERIOD = 60
DEFAULT_SILENCE = 86400
NO_DATA_POLICIES = ("KEEP_LAST_STATE", "INSUFFICIENT_DATA", "OK")


def _resources(params):
    try:
        resources = json.loads(params.str("Resources", default="[]"))
    except ValueError:
        resources = None
    if not isinstance(resources, list) or not all(
        isinstance(r, dict) and isinstance(r.get("instanceId"), str) and r["instanceId"] for r in resources
    ):
        raise invalid('Resources must be a JSON array of objects such as {"instanceId": "lb-..."}')
    return resources


def _escalations(params, statistics):
    """{"Critical": {...}, "Warn": {...}, "Info": {...}}: the levels sent, the others empty."""
    levels = {}
    for level in LEVELS:
        sent = params.object(f"Escalations.{level}")
        if not sent:
            levels[level] = {}
            continue
        statistic = sent.get("Statistics", "")
        operator = sent.get("ComparisonOperator", "")
        if statistic not in statistics:
            raise invalid(f"Escalations.{level}.Statistics must be one of {', '.join(statistics)}")
        if operator not in COMPARISONS:
            raise invalid(f"Escalations.{level}.ComparisonOperator {operator!r} is not valid")
        try:
            float(sent.get("Threshold", ""))
            times = int(sent.get("Times", "1"))
        except ValueError:
            raise invalid(f"Escalations.{level}: Threshold must be a number and Times an integer") from None
        if times < 1:
            raise invalid(f"Escalations.{level}.Times must be at least 1")
        levels[level] = {
            "Statistics": statistic,
            "ComparisonOperator": operator,
            "Threshold": sent["Threshold"],
            "Times": times,
            "PreCondition": "",
        }
    if not any(levels.values()):
        raise invalid("at least one of Escalations.Critical, Warn or Info is required")
    return levels


def _webhook(params):
    url = params.str("Webhook", default="")
    parts = urlsplit(url)
    if url and (parts.scheme not in ("http", "https") or not parts.netloc):
        raise invalid("Webhook must be an http:// or https:// URL")
    return url


@CMS.action("PutResourceMetricRule")
def put_resource_metric_rule(ctx):
    """Creates the rule of RuleId, or replaces every field of it."""
    p = ctx.params
    rule_id = p.str("RuleId", required=True)
    name = p.str("RuleName", required=True)
    namespace = p.str("Namespace", required=True)
    metric = p.str("MetricName", required=True)
    groups = p.str("ContactGroups", required=True)
    if namespace not in METRICS or metric not in METRICS[namespace]:
        raise invalid(f"metric {metric} of namespace {namespace} is not known to this emulator")
    for group in groups.split(","):
        if contact_group(ctx, group.strip()) is None:
            raise not_found(f"contact group {group.strip()}")
    period = p.int("Period", default=DEFAULT_PERIOD, minimum=60, maximum=86400)
    if period % 60:
        raise invalid("Period must be a multiple of 60 seconds")
    fields = {
        "RuleName": name,
        "Namespace": namespace,
        "MetricName": metric,
        "Resources": json.dumps(_resources(p)),
        "ContactGroups": groups,
        "Webhook": _webhook(p),
        "Period": str(period),
        "SilenceTime": p.int("SilenceTime", default=DEFAULT_SILENCE, minimum=60, maximum=86400),
        "EffectiveInterval": p.str("EffectiveInterval", default="00:00-23:59"),
        "NoEffectiveInterval": p.str("NoEffectiveInterval", default=""),
        "MailSubject": p.str("EmailSubject", default=""),
        "NoDataPolicy": p.str("NoDataPolicy", default="KEEP_LAST_STATE", choices=NO_DATA_POLICIES),
        "Escalations": _escalations(p, METRICS[namespace][metric]),
        "SendOK": p.bool("SendOK"),
        "GmtUpdate": str(milliseconds(time.time())),
    }
    rule = ctx.store.get("metric_rule", rule_id)
    if rule is None:
        ctx.store.add(
            "metric_rule",
            rule_id,
            {
                "RuleId": rule_id,
                "EnableState": True,
                "AlertState": "INSUFFICIENT_DATA",
                "SourceType": "METRIC",
                "ProductCategory": PRODUCT_CATEGORIES[namespace],
                "Dimensions": "",
                "GroupId": "",
                "GroupName": "",
                "GmtCreate": milliseconds(time.time()),
                **fields,
            },
            region=ctx.region,
        )
    else:
        rule.update(fields)
    return succeeded()


def _rule_view(rule):
    view = {k: v for k, v in rule.items() if not k.startswith("_")}
    view["Labels"] = {"Labels": []}
    return view


@CMS.action("DescribeMetricRuleList")
def describe_metric_rule_list(ctx):
    """Filters: RuleIds (comma-separated), RuleName (any part of the name, as the console's search), Namespace,
    MetricName, EnableState, AlertState; Page and PageSize."""
    p = ctx.params
    rule_ids = set(p.comma_list("RuleIds"))
    name = p.str("RuleName")
    enabled = p.str("EnableState", choices=("true", "false"))
    rules = [
        rule
        for rule in ctx.list("metric_rule", region=False)
        if (not rule_ids or rule["RuleId"] in rule_ids)
        and (name is None or name in rule["RuleName"])
        and p.str("Namespace", default=rule["Namespace"]) == rule["Namespace"]
        and p.str("MetricName", default=rule["MetricName"]) == rule["MetricName"]
        and p.str("AlertState", default=rule["AlertState"]) == rule["AlertState"]
        and (enabled is None or (enabled == "true") == rule["EnableState"])
    ]
    chunk, total = page_numbered(rules, p, number_name="Page")
    return {"Code": 200, "Success": True, "Total": str(total), "Alarms": {"Alarm": [_rule_view(r) for r in chunk]}}


@CMS.action("DeleteMetricRules")
def delete_metric_rules(ctx):
    """Every rule named must exist (the harsher reading), else nothing is deleted."""
    rule_ids = ctx.params.list("Id")
    if not rule_ids:
        raise invalid("Id is required")
    missing = [rule_id for rule_id in rule_ids if ctx.store.get("metric_rule", rule_id) is None]
    if missing:
        raise not_found(f"alarm rule {', '.join(missing)}")
    for rule_id in rule_ids:
        ctx.store.remove("metric_rule", rule_id)
    return succeeded()
