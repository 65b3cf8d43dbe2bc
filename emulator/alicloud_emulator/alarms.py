"""CloudMonitor's alarms on the emulator: the metric rules evaluated once a period, the events the event rules match.

GET /_emulator/runtime/alarms lists what fired, oldest first (admin.py).

Metric rules (products/cms_metric_rules.py): each (rule, resource) is sampled once a period, the rule's `Period`
taken as real-cloud seconds and scaled by the timing profile (`Timing.scaled`: 60 s is 6 s on `fast`; at least
MIN_PERIOD), the first sample one period after the watch began. The values:
- acs_slb_dashboard `UnhealthyServerCount` / `HeathyServerCount`: the load balancer's live backends whose health
  (products/slb_health.backend_health: the Docker runtime's HAProxy checks, else the computed rules) is
  `abnormal` / `normal` on at least one running listener; no data without a running listener;
- acs_ecs_dashboard `CPUUtilization`: a constant CPU_UTILIZATION_RUNNING for a Running instance, no data
  otherwise (the emulator does not measure its containers' CPU: a rule on it never fires unless its threshold is
  below that constant).
The statistic is the sample itself (one sample per period: Average = Minimum = Maximum). A level is breached
when its comparison holds; after `Times` breaches in a row the alarm fires (state ALERT) at the most severe level
breached, once per episode (no re-notification after SilenceTime); the first sample that breaches no level ends
it (state OK, recorded, not posted). The comparisons with yesterday, last week or the last period are kept but
never breached. The rule's AlertState follows (INSUFFICIENT_DATA, ALARM, OK).

Events: `event(...)` records an event (a spot interruption notice, from spot_interruptions.py) once for each
enabled event rule whose pattern matches it, and posts it to that rule's webhook targets.

A webhook is posted to only when its host is a loopback address (never anything else, whatever the rule says);
otherwise the record says it was not posted. Metric alarms are posted form-encoded (the fields CloudMonitor's
alarm callback sends), events as JSON. Records are kept in memory: a restart or the admin reset forgets them.
"""

import ipaddress
import json
import threading
import time
import urllib.parse
import urllib.request

from .products.base import iso
from .products.slb import listeners_of
from .products.slb_backends import live_backends
from .products.slb_health import backend_health

MIN_PERIOD = 0.5  # seconds: the shortest period, whatever the timing profile
TICK = 0.2  # seconds between two looks at the rules
CPU_UTILIZATION_RUNNING = 5.0  # percent, for every Running instance
WEBHOOK_TIMEOUT = 3.0
LEVELS = (("Critical", "CRITICAL"), ("Warn", "WARN"), ("Info", "INFO"))
COMPARE = {
    "GreaterThanOrEqualToThreshold": lambda value, threshold: value >= threshold,
    "GreaterThanThreshold": lambda value, threshold: value > threshold,
    "LessThanOrEqualToThreshold": lambda value, threshold: value <= threshold,
    "LessThanThreshold": lambda value, threshold: value < threshold,
    "NotEqualToThreshold": lambda value, threshold: value != threshold,
    "EqualToThreshold": lambda value, threshold: value == threshold,
}


def is_loopback_url(url):
    host = urllib.parse.urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _server_count(ctx, lb_id, wanted):
    lb = ctx.store.get("load_balancer", lb_id)
    if lb is None:
        return None
    listeners = [x for x in listeners_of(ctx, lb) if x["Status"] == "running"]
    if not listeners:
        return None
    return float(
        sum(
            any(backend_health(ctx, lb, listener, backend) == wanted for listener in listeners)
            for backend in live_backends(ctx, lb)
        )
    )


def _cpu_utilization(ctx, instance_id):
    instance = ctx.store.get("instance", instance_id)
    if instance is None:
        return None
    running = {**instance, **ctx.runtime.observe("instance", instance)}["Status"] == "Running"
    return CPU_UTILIZATION_RUNNING if running else None


METRIC_VALUES = {
    ("acs_slb_dashboard", "UnhealthyServerCount"): lambda ctx, rid: _server_count(ctx, rid, "abnormal"),
    ("acs_slb_dashboard", "HeathyServerCount"): lambda ctx, rid: _server_count(ctx, rid, "normal"),
    ("acs_ecs_dashboard", "CPUUtilization"): _cpu_utilization,
}


def breached_level(escalations, value):
    """(level name, its escalation) of the most severe level the value breaches, or (None, None)."""
    for level, name in LEVELS:
        escalation = escalations.get(level) or {}
        compare = COMPARE.get(escalation.get("ComparisonOperator"))
        if compare and compare(value, float(escalation["Threshold"])):
            return name, escalation
    return None, None


def matches(pattern, product, name, level, event_type):
    def allows(values, value):
        return not values or "*" in values or value in values

    return (
        pattern["Product"].lower() == product.lower()
        and allows(pattern["NameList"], name)
        and allows(pattern["LevelList"], level)
        and allows(pattern["EventTypeList"], event_type)
    )


class Alarms:
    def __init__(self, emulator):
        self.emulator = emulator
        self.lock = threading.Lock()
        self.fired = []  # the records, oldest first
        self.watches = {}  # (rule id, resource id) -> {"next": time, "breaches": n, "alerting": bool}
        self.stopping = threading.Event()
        self.thread = None

    # the evaluator's thread ---------------------------------------------------------------------
    def start(self):
        self.thread = threading.Thread(target=self._run, name="cms-alarms", daemon=True)
        self.thread.start()

    def stop(self):
        self.stopping.set()
        if self.thread is not None and self.thread is not threading.current_thread():
            self.thread.join(timeout=5)

    def reset(self):
        with self.lock:
            self.fired = []
            self.watches = {}

    def records(self):
        with self.lock:
            return [dict(record) for record in self.fired]

    def _run(self):
        while not self.stopping.wait(TICK):
            self.evaluate(time.time())

    # metric rules ----------------------------------------------------------------------------
    def evaluate(self, now):
        """Sample every (rule, resource) whose period has come; record and post what fires."""
        store = self.emulator.store
        posts = []
        with store.lock:
            rules = [rule for rule in store.all("metric_rule") if rule["EnableState"]]
            wanted = set()
            for rule in rules:
                period = max(self.emulator.timing.scaled(int(rule["Period"])), MIN_PERIOD)
                ctx = self.emulator.context(rule["_region"])
                for resource in json.loads(rule["Resources"]):
                    key = (rule["RuleId"], resource["instanceId"])
                    wanted.add(key)
                    with self.lock:
                        watch = self.watches.setdefault(key, {"next": now + period, "breaches": 0, "alerting": False})
                    if now < watch["next"]:
                        continue
                    watch["next"] = now + period
                    record = self._sample(ctx, rule, resource["instanceId"], watch, now)
                    if record is not None:
                        posts.append(record)
            with self.lock:
                self.watches = {key: watch for key, watch in self.watches.items() if key in wanted}
        for record in posts:
            self._post(record)

    def _sample(self, ctx, rule, resource_id, watch, now):
        """One sample: the record to post when the alarm fires, else None."""
        measure = METRIC_VALUES.get((rule["Namespace"], rule["MetricName"]))
        value = measure(ctx, resource_id) if measure else None
        if value is None:
            return None
        level, escalation = breached_level(rule["Escalations"], value)
        if level is None:
            watch["breaches"] = 0
            rule["AlertState"] = "OK"
            if watch["alerting"]:
                watch["alerting"] = False
                self._record(self._metric_record(rule, resource_id, value, "OK", None, {}, now))
            return None
        watch["breaches"] += 1
        if watch["alerting"] or watch["breaches"] < int(escalation["Times"]):
            return None
        watch["alerting"] = True
        rule["AlertState"] = "ALARM"
        return self._record(self._metric_record(rule, resource_id, value, "ALERT", level, escalation, now))

    @staticmethod
    def _metric_record(rule, resource_id, value, state, level, escalation, now):
        return {
            "kind": "metric",
            "state": state,
            "level": level,
            "rule_id": rule["RuleId"],
            "rule_name": rule["RuleName"],
            "namespace": rule["Namespace"],
            "metric": rule["MetricName"],
            "resource": resource_id,
            "value": value,
            "comparison": escalation.get("ComparisonOperator"),
            "threshold": escalation.get("Threshold"),
            "times": escalation.get("Times"),
            "period": int(rule["Period"]),
            "time": now,
            "time_iso": iso(now),
            "webhooks": [rule["Webhook"]] if rule["Webhook"] and state == "ALERT" else [],
            "posted": {},
        }

    # events ----------------------------------------------------------------------------------
    def event(self, product, name, level, resource_id, content, event_type="StatusNotification"):
        """Record an event once for each enabled event rule matching it, and post it. Call under the store lock."""
        now = time.time()
        records = []
        for rule in self.emulator.store.all("event_rule"):
            if rule["State"] != "ENABLED":
                continue
            if not any(matches(p, product, name, level, event_type) for p in rule["_patterns"]):
                continue
            records.append(
                self._record(
                    {
                        "kind": "event",
                        "state": "ALERT",
                        "level": level,
                        "rule_name": rule["Name"],
                        "product": product,
                        "event": name,
                        "resource": resource_id,
                        "content": content,
                        "time": now,
                        "time_iso": iso(now),
                        "webhooks": [target["Url"] for target in rule["_webhooks"]],
                        "posted": {},
                    }
                )
            )
        for record in records:
            threading.Thread(target=self._post, args=(record,), daemon=True).start()

    # records and webhooks --------------------------------------------------------------------
    def _record(self, record):
        with self.lock:
            self.fired.append(record)
        return record

    def _post(self, record):
        """Post the record to each of its webhooks that is a loopback URL; note the outcome on the record."""
        for url in record["webhooks"]:
            outcome = _send(url, record) if is_loopback_url(url) else "not posted: not a loopback address"
            with self.lock:
                record["posted"][url] = outcome


def _send(url, record):
    if record["kind"] == "metric":
        body = urllib.parse.urlencode(
            {
                "alertName": record["rule_name"],
                "alertState": record["state"],
                "curValue": record["value"],
                "dimensions": "{instanceId=%s}" % record["resource"],
                "expression": "$%s %s %s" % (record["metric"], record["comparison"], record["threshold"]),
                "metricName": record["metric"],
                "namespace": record["namespace"],
                "ruleId": record["rule_id"],
                "triggerLevel": record["level"],
                "timestamp": int(record["time"] * 1000),
            }
        ).encode()
        content_type = "application/x-www-form-urlencoded"
    else:
        body = json.dumps(
            {
                "product": record["product"],
                "name": record["event"],
                "level": record["level"],
                "resourceId": record["resource"],
                "ruleName": record["rule_name"],
                "time": int(record["time"] * 1000),
                "content": record["content"],
            }
        ).encode()
        content_type = "application/json"
    request = urllib.request.Request(  # noqa: S310 - an http(s) loopback URL (checked by the caller)
        url, data=body, method="POST", headers={"Content-Type": content_type}
    )
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT) as answer:  # noqa: S310 - loopback only, above
            return f"posted: HTTP {answer.status}"
    except (OSError, ValueError) as error:
        return f"post failed: {error}"
