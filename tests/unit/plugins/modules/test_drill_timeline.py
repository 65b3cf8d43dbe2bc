"""The drills' timeline picture: events become marks in time order, the prober's records become latency series,
failures and lanes, and a real matplotlib render writes an SVG or PNG that names the events."""

import json

import pytest
from ansible_collections.ha_web.alicloud.plugins.modules import drill_timeline
from ansible_collections.ha_web.alicloud.plugins.modules.drill_timeline import (
    NO_ANSWER,
    failures,
    lanes,
    latency_series,
    marks,
    picture_format,
    render,
)
from ansible_collections.ha_web.alicloud.tests.unit.module_args import patch_module_args


def _record(at, backend="web-1", status=200, took=0.004, failed=False, outcome=None, body=None):
    record = {
        "at": at,
        "took": took,
        "status": status,
        "outcome": outcome or (str(status) if status is not None else "timeout"),
        "backend": backend if status is not None else None,
        "error": None,
        "failed": failed,
    }
    if body is not None:
        record["body"] = body
    return record


RECORDS = [
    _record(0.0, "web-1"),
    _record(0.1, "web-2", took=0.012),
    _record(0.2, "web-1", status=503, failed=True),
    _record(0.3, status=None, took=2.0, failed=True),
    _record(0.4, "web-2"),
]


def test_events_become_marks_in_time_order_without_the_untimed():
    events = {"recovered": 22.68, "stop_asked": -0.09, "detected": "6.53", "never": None}
    assert marks(events) == [
        {"label": "stop asked", "seconds": -0.09},
        {"label": "detected", "seconds": 6.53},
        {"label": "recovered", "seconds": 22.68},
    ]
    assert marks({}) == [] and marks(None) == []


def test_successes_are_grouped_by_backend_with_latency_in_milliseconds():
    assert latency_series(RECORDS) == {
        "web-1": {"at": [0.0], "ms": [4.0]},
        "web-2": {"at": [0.1, 0.4], "ms": [12.0, 4.0]},
    }


def test_successes_can_be_grouped_by_what_was_answered():
    records = [_record(0.0, body="r-1"), _record(0.1, body="r-2"), _record(0.2, body="r-2")]
    assert sorted(latency_series(records, "body")) == ["r-1", "r-2"]
    assert latency_series(records, "body")["r-2"]["at"] == [0.1, 0.2]


def test_failures_keep_their_time_latency_and_outcome():
    assert failures(RECORDS) == {"at": [0.2, 0.3], "ms": [4.0, 2000.0], "outcome": ["503", "timeout"]}


def test_lanes_per_backend_then_the_unanswered():
    drawn = lanes(RECORDS)
    assert list(drawn) == ["web-1", "web-2", NO_ANSWER]
    assert drawn["web-1"] == {"ok": [0.0], "failed": [0.2]}
    assert drawn[NO_ANSWER] == {"ok": [], "failed": [0.3]}


@pytest.mark.parametrize("path, expected", [("a/b.svg", "svg"), ("b.PNG", "png")])
def test_the_extension_chooses_the_format(path, expected):
    assert picture_format(path) == expected


def test_another_extension_is_refused():
    with pytest.raises(ValueError, match=r"^output: b\.pdf must end with \.svg or \.png"):
        picture_format("b.pdf")


def test_a_real_svg_names_the_events_and_the_backends(tmp_path):
    output = tmp_path / "drill.svg"
    render(RECORDS, marks({"stop_asked": 0.15, "back": 0.35}), "ECS stop drill", str(output))
    svg = output.read_text()
    assert svg.startswith("<?xml") and "</svg>" in svg
    for text in ("stop asked", "back", "ECS stop drill", "web-2", NO_ANSWER, "latency (ms)"):
        assert text in svg, text


def test_a_real_png(tmp_path):
    output = tmp_path / "drill.png"
    render(RECORDS, [], "title", str(output))
    assert output.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def _module(capsys, **args):
    with patch_module_args(args), pytest.raises(SystemExit):
        drill_timeline.main()
    return json.loads(capsys.readouterr().out)


def test_the_module_draws_the_record_beside_it(tmp_path, capsys):
    requests_file = tmp_path / "drill-requests.json"
    requests_file.write_text(json.dumps({"url": "http://127.0.0.10/", "records": RECORDS}))
    output = tmp_path / "pictures" / "drill.svg"
    result = _module(capsys, requests_file=str(requests_file), events={"detected": 0.25}, output=str(output))
    assert result["changed"] and result["path"] == str(output)
    assert (result["requests"], result["failed_requests"]) == (5, 2)
    assert not result.get("failed")  # failed requests are a figure, not the task's failure
    assert result["marks"] == [{"label": "detected", "seconds": 0.25}]
    assert "http://127.0.0.10/" in output.read_text()


def test_check_mode_writes_nothing(tmp_path, capsys):
    requests_file = tmp_path / "drill-requests.json"
    requests_file.write_text(json.dumps({"records": RECORDS}))
    output = tmp_path / "drill.png"
    result = _module(capsys, requests_file=str(requests_file), output=str(output), _ansible_check_mode=True)
    assert not result["changed"] and not output.exists()


def test_a_missing_record_is_reported(tmp_path, capsys):
    result = _module(capsys, requests_file=str(tmp_path / "none.json"), output=str(tmp_path / "d.svg"))
    assert result["failed"] and result["msg"].startswith("requests_file: cannot read")
