"""rolling_update_steps: each host's steps of a rolling update (from its variables) and the picture's events."""

from ansible_collections.ha_web.alicloud.plugins.filter.rolling_update_steps import FilterModule, rolling_update_steps


def test_updated_stopped_and_not_reached_hosts():
    hosts = [
        {
            "inventory_hostname": "web-1",
            "rolling_update_t_drained": "100.5",
            "rolling_update_t_updated": "130.0",
            "rolling_update_t_rebooted": "160.25",
            "rolling_update_reboot_reason": "asked",
            "rolling_update_t_back": "170.0",
        },
        {
            "inventory_hostname": "web-2",
            "rolling_update_t_drained": "171.0",
            "rolling_update_stopped": {"task": "Check the host's own health", "message": "404", "drained": True},
        },
        {"inventory_hostname": "web-3"},
    ]
    steps = rolling_update_steps(hosts, 100.0)
    assert steps["hosts"] == [
        {
            "host": "web-1",
            "drained": 0.5,
            "updated": 30.0,
            "rebooted": 60.25,
            "back": 70.0,
            "reboot_reason": "asked",
            "seconds": 69.5,
            "state": "updated",
        },
        {
            "host": "web-2",
            "drained": 71.0,
            "state": "stopped",
            "stopped": {"task": "Check the host's own health", "message": "404", "drained": True},
        },
        {"host": "web-3", "state": "not_reached"},
    ]
    assert list(steps["events"].items()) == [
        ("drained web-1", 0.5),
        ("updated web-1", 30.0),
        ("rebooted web-1", 60.25),
        ("back web-1", 70.0),
        ("drained web-2", 71.0),
    ]


def test_a_host_without_a_reboot_has_no_reboot_step():
    hosts = [{"inventory_hostname": "a", "rolling_update_t_drained": 10, "rolling_update_t_back": 22.5}]
    (row,) = rolling_update_steps(hosts, 10)["hosts"]
    assert row == {"host": "a", "drained": 0.0, "back": 12.5, "seconds": 12.5, "state": "updated"}


def test_the_filter_is_registered():
    assert FilterModule().filters()["rolling_update_steps"] is rolling_update_steps
