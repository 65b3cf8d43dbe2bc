"""serving_window: from each backend's answers (the release id it served), how long backends served different
releases after the switch."""

from ansible_collections.ha_web.alicloud.plugins.filter.serving_window import FilterModule, serving_window


def _answer(at, backend, body, failed=False):
    return {"at": at, "backend": backend, "body": body, "failed": failed}


def test_one_switch_for_every_host_leaves_no_mixed_window():
    records = [_answer(0.0, "web-1", "a"), _answer(0.1, "web-2", "a"), _answer(0.2, "web-1", "b")]
    records += [_answer(0.3, "web-2", "b")]
    window = serving_window(records, "a", "b")
    assert window["mixed_seconds"] == 0.0 and window["other_answers"] == 0
    assert window["hosts"] == {
        "web-1": {"last_old": 0.0, "first_new": 0.2},
        "web-2": {"last_old": 0.1, "first_new": 0.3},
    }


def test_a_host_still_serving_the_old_release_after_another_served_the_new_one():
    records = [_answer(1.0, "web-1", "b"), _answer(1.1, "web-2", "a"), _answer(1.6, "web-2", "a")]
    records += [_answer(1.7, "web-2", "b"), _answer(1.8, "web-1", "a", failed=True)]
    assert serving_window(records, "a", "b")["mixed_seconds"] == 0.6


def test_the_first_release_has_no_old_one_and_other_answers_are_counted():
    records = [_answer(0.0, "web-1", "<html>"), _answer(0.1, "web-1", "b"), _answer(0.2, "web-2", "b")]
    window = serving_window(records, None, "b")
    assert window["mixed_seconds"] == 0.0 and window["other_answers"] == 1
    assert window["hosts"]["web-2"] == {"last_old": None, "first_new": 0.2}


def test_the_filter_is_registered_by_its_name():
    assert FilterModule().filters() == {"serving_window": serving_window}


def test_serving_the_same_release_again_mixes_nothing():
    records = [_answer(0.0, "web-1", "b"), _answer(5.0, "web-2", "b"), _answer(9.0, "web-1", "b")]
    assert serving_window(records, "b", "b")["mixed_seconds"] == 0.0
