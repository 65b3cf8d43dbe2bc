"""backends_left_serving: which backends still serve once some are drained (the rolling update's guard)."""

from ansible_collections.ha_web.alicloud.plugins.filter.backends_left_serving import (
    FilterModule,
    backends_left_serving,
)


def _health(server_id, status, listener_port=80):
    return {"server_id": server_id, "server_health_status": status, "listener_port": listener_port}


def test_the_other_normal_backends_are_left():
    health = [_health("i-1", "normal"), _health("i-2", "normal"), _health("i-3", "normal")]
    assert backends_left_serving(health, ["i-2"]) == ["i-1", "i-3"]


def test_the_last_normal_backend_leaves_none():
    health = [_health("i-1", "normal"), _health("i-2", "abnormal"), _health("i-3", "unavailable")]
    assert backends_left_serving(health, ["i-1"]) == []
    assert backends_left_serving(health, ["i-2"]) == ["i-1"]


def test_a_backend_abnormal_on_one_listener_does_not_serve():
    health = [_health("i-1", "normal"), _health("i-1", "abnormal", 443), _health("i-2", "normal", 443)]
    assert backends_left_serving(health, []) == ["i-2"]


def test_a_drained_backend_does_not_count_when_weights_are_given():
    health = [_health("i-1", "normal"), _health("i-2", "normal")]
    weights = [{"server_id": "i-1", "weight": 100}, {"server_id": "i-2", "weight": 0}]
    assert backends_left_serving(health, ["i-1"], weights) == []
    assert backends_left_serving(health, ["i-1"]) == ["i-2"]
    assert backends_left_serving(health, ["i-2"], weights) == ["i-1"]


def test_nothing_reported_leaves_none():
    assert backends_left_serving([], []) == []


def test_the_filter_is_registered():
    assert FilterModule().filters()["backends_left_serving"] is backends_left_serving
