"""A host that leaves gracefully (issue 14): the site on the emulator's Docker runtime, then the ECS drill without
drain (web-leave fails the health URI and holds nginx until the CLB noticed: at most 1 failed request), then the
spot interruption drill (0 failed requests; notice -> abnormal within interval x unhealthy threshold + 2 s), then
teardown. Restoring the released capacity (heal.yml) is not tested here.
"""

import pytest
from fullstack import play, report

pytestmark = pytest.mark.timeout(1800)


def test_site_builds(inventory):
    assert "Answered by fs-web-web-1, fs-web-web-2" in play(inventory, "site.yml")


def test_ecs_drill_without_drain_fails_at_most_one_request(inventory, tmp_path):
    result = report(play(inventory, "drill_ecs_stop.yml", "-e", f"drill_report_dir={tmp_path}"))
    assert result["requests"] > 50
    assert result["failed_requests"] <= 1, result


def test_spot_interruption_drill_fails_no_request(inventory, tmp_path):
    result = report(play(inventory, "drill_spot_interruption.yml", "-e", f"drill_report_dir={tmp_path}"))
    assert result["requests"] > 50
    assert result["failed_requests"] == 0, result
    assert result["notice_to_abnormal_seconds"] <= result["thresholds"]["max_notice_to_abnormal_seconds"] == 8
    assert result["outcome"] == "released"
    assert result["answered_by"].get("fs-web-web-2", 0) > 0


def test_teardown_removes_everything(cloud, inventory):
    play(inventory, "teardown.yml")
    state = cloud.admin.call("GET", "/state")
    left = {kind: list(items) for kind, items in state.items() if isinstance(items, dict) and items}
    assert not {k: v for k, v in left.items() if k not in ("access_group", "access_rule")}, left
