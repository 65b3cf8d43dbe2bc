"""CloudMonitor alarms on the full stack (issue 16, part 2): the site makes its alarm rules once it is healthy
(and tells a loopback webhook), so its build fires none, and a second run changes nothing; the ECS drill fires the
unhealthy-backend alarm within one period + 5 s of the CLB marking the target abnormal and lists it in its report;
teardown leaves no rule or contact group.
"""

import http.server
import threading
import urllib.parse

import pytest
from fullstack import SITE_NAME, changed, play, report
from site_resources import SITE_ALARMS, resource_counts

pytestmark = pytest.mark.timeout(1800)
PERIOD = 60  # seconds: the period of the site's rules, in real-cloud time
UNHEALTHY_RULE = f"{SITE_NAME}-unhealthy-backends"


@pytest.fixture(scope="module")
def receiver():
    """A webhook on a loopback address of this machine: (its URL, what was posted to it)."""
    posted = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers["Content-Length"])
            posted.append((self.path, dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/alarms", posted
    server.shutdown()
    server.server_close()


def fired(cloud):
    return cloud.admin.call("GET", "/runtime/alarms")["alarms"]


def test_site_builds_with_its_alarms(cloud, inventory, receiver):
    inventory.site_vars["site_alarm_webhook"] = receiver[0]
    play(inventory, "site.yml")
    state = cloud.admin.call("GET", "/state")
    counts = resource_counts(state)
    assert {kind: counts.get(kind, 0) for kind in SITE_ALARMS} == SITE_ALARMS
    rules = {rule["RuleName"]: rule for rule in state["metric_rule"].values()}
    assert set(rules) == {UNHEALTHY_RULE, f"{SITE_NAME}-web-cpu-high"}
    assert rules[UNHEALTHY_RULE]["Webhook"] == receiver[0]
    assert list(state["event_rule"]) == [f"{SITE_NAME}-spot-interruption"]
    assert list(state["contact_group"]) == [f"{SITE_NAME}-ops"]
    assert fired(cloud) == [], "the alarms are made once the site is healthy: its build fires none"
    assert changed(play(inventory, "alarms.yml")) == {"localhost": 0}, "a second run changes nothing"


def test_ecs_drill_fires_the_unhealthy_backend_alarm_within_a_period(cloud, inventory, receiver, tmp_path):
    result = report(play(inventory, "drill_ecs_stop.yml", "-e", f"drill_report_dir={tmp_path}"))
    alerts = [a for a in result["alarms"] if a["rule"] == UNHEALTHY_RULE and a["state"] == "ALERT"]
    assert len(alerts) == 1, result["alarms"]
    assert alerts[0]["what"] == "UnhealthyServerCount" and alerts[0]["value"] == 1.0
    assert alerts[0]["seconds"] >= result["events_seconds"]["stopped"]
    period = PERIOD * cloud.admin.health()["timing"]["given_duration_factor"]
    print(f"alarm delay after the CLB saw the target abnormal: {result['alarm_delay_seconds']} s (period {period} s)")
    assert result["alarm_delay_seconds"] <= period + 5, result
    posts = [form for path, form in receiver[1] if form.get("alertName") == UNHEALTHY_RULE]
    assert posts and posts[0]["alertState"] == "ALERT" and posts[0]["metricName"] == "UnhealthyServerCount"


def test_teardown_leaves_no_rule(cloud, inventory):
    play(inventory, "teardown.yml")
    state = cloud.admin.call("GET", "/state")
    for kind in ("metric_rule", "event_rule", "contact_group", "load_balancer", "instance"):
        assert not state.get(kind), (kind, state.get(kind))
