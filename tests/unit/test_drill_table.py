"""tools/drill_table.py: a drill's JSON report as the short table `make demo` prints."""

import importlib.util
import json
from pathlib import Path

TOOL = Path(__file__).resolve().parents[2] / "tools" / "drill_table.py"
spec = importlib.util.spec_from_file_location("drill_table", TOOL)
drill_table = importlib.util.module_from_spec(spec)
spec.loader.exec_module(drill_table)

REPORT = {
    "drill": "ecs_stop",
    "url": "http://127.0.0.10/",
    "requests": 185,
    "failed_requests": 5,
    "detect_seconds": 7.95,
    "switch_to_backup_seconds": {"web-1": 1.5, "web-2": 1.7},
    "thresholds": {"max_failed_requests": 10, "max_detect_seconds": 10},
    "requests_file": "reports/drill-requests.json",
    "picture": "reports/drill.svg",
}


def test_measures_thresholds_and_locations(tmp_path, capsys):
    path = tmp_path / "drill.json"
    path.write_text(json.dumps(REPORT))
    assert drill_table.main(["drill_table.py", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"Drill ecs_stop: {path}"
    rows = {
        line.split()[0] if "switch" not in line else " ".join(line.split()[:2]): line.split()[-1] for line in lines[1:]
    }
    assert rows["requests"] == "185" and rows["failed_requests"] == "5" and rows["detect_seconds"] == "7.95"
    assert rows["switch_to_backup_seconds web-2"] == "1.7"
    assert rows["max_failed_requests"] == "10"
    assert "site: http://127.0.0.10/" in lines and "requests: reports/drill-requests.json" in lines
    assert lines[-1] == "picture: reports/drill.svg"  # where make demo's reader finds the timeline
    assert "url" not in rows and "thresholds" not in rows and "picture" not in rows


def test_usage():
    assert drill_table.main(["drill_table.py"]) == 2
