"""The site's rules for its web instances (module_utils/site_web.py): names, which one is lost and why, the names a
site misses and the ones above its count. Placement and surplus are tested through their filters
(tests/unit/plugins/filter/test_web_scale.py)."""

import pytest
from ansible_collections.ha_web.alicloud.plugins.module_utils import site_web


def instance(name, status="Running", locks=(), spot="NoSpot", behavior="Terminate", stopped_mode=""):
    return {
        "instance_name": name,
        "status": status,
        "spot_strategy": spot,
        "spot_interruption_behavior": behavior,
        "stopped_mode": stopped_mode,
        "operation_locks": {"lock_reason": [{"lock_reason": lock} for lock in locks]},
    }


def test_names_and_numbers():
    assert site_web.web_names("shop", 3) == ["shop-web-1", "shop-web-2", "shop-web-3"]
    assert site_web.web_names("shop", 0) == []
    assert site_web.web_number("shop-web-12") == 12
    assert site_web.web_number("my-web-site-web-2") == 2
    assert site_web.web_number("shop-web-") is None
    assert site_web.web_number("shop-db-1") is None
    assert site_web.web_number(None) is None


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        (instance("s-web-1"), None),
        (instance("s-web-1", locks=["Recycling"]), site_web.RECYCLING),
        (instance("s-web-1", locks=["financial", "Recycling"]), site_web.RECYCLING),
        (instance("s-web-1", locks=["financial"]), None),  # an overdue account stops it; it is not lost
        (
            instance("s-web-1", "Stopped", spot="SpotAsPriceGo", behavior="Stop", stopped_mode="StopCharging"),
            site_web.STOPPED_BY_INTERRUPTION,
        ),
        (instance("s-web-1", "Stopped", spot="SpotAsPriceGo", behavior="Stop", stopped_mode="KeepCharging"), None),
        (instance("s-web-1", "Stopped", spot="NoSpot", behavior="Stop", stopped_mode="StopCharging"), None),
        (instance("s-web-1", "Stopped"), None),  # stopped by an operator: it comes back when started
        ({"instance_name": "s-web-1", "status": "Running"}, None),  # fields the API left out
    ],
)
def test_the_lost_reason(record, reason):
    assert site_web.lost_reason(record) == reason


def test_names_missing_and_surplus_are_sorted_by_number():
    instances = [instance(n) for n in ("s-web-10", "s-web-1", "s-web-3", "s-web-12", "other-name")]
    missing, surplus = site_web.names_missing_and_surplus("s", 3, instances)
    assert missing == ["s-web-2"]
    assert surplus == ["s-web-10", "s-web-12"]
    assert site_web.names_missing_and_surplus("s", 0, []) == ([], [])


def test_a_name_that_is_not_a_web_name_stops_the_placement():
    with pytest.raises(ValueError, match="not a web instance name"):
        site_web.web_placement([instance("s-db-1")], 2, ["a", "b"])
