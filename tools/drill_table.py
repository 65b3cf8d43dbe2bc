"""Prints a drill's JSON report (reports/drill_*.json) as a short table: its measures, its thresholds, and where
the site and the files are. The JSON stays the record; this is what a person reads first.

    python tools/drill_table.py reports/drill_ecs_stop-20261201T101500.json
"""

import json
import sys

# Keys shown in the "where" lines, not in the table.
LOCATIONS = {"url": "site", "requests_file": "requests", "picture": "picture"}
LEFT_OUT = {"drill", "thresholds"}
FIRST = ("target", "requests", "failed_requests")  # then the rest, in the report's order


def flatten(report):
    """(name, value) for every measure: scalars as they are, a dictionary of scalars as one row per key."""
    for key, value in sorted(report.items(), key=lambda item: FIRST.index(item[0]) if item[0] in FIRST else len(FIRST)):
        if key in LEFT_OUT or key in LOCATIONS or isinstance(value, list):
            continue
        if isinstance(value, dict):
            for inner, item in value.items():
                if not isinstance(item, (dict, list)):
                    yield f"{key} {inner}", item
        else:
            yield key, value


def table(rows):
    width = max(len(row[0]) for row in rows)
    return [f"  {name:<{width}}  {value}" for name, value in rows]


def render(report, path):
    lines = [f"Drill {report.get('drill', '?')}: {path}"]
    lines += table(list(flatten(report)))
    thresholds = report.get("thresholds") or {}
    if thresholds:
        lines.append("Thresholds (set them with -e, see the drill's page in docs/):")
        lines += table(list(thresholds.items()))
    for key, label in LOCATIONS.items():
        if report.get(key):
            lines.append(f"{label}: {report[key]}")
    return "\n".join(lines)


def main(argv):
    if len(argv) != 2:
        print("usage: drill_table.py REPORT.json", file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as source:
        report = json.load(source)
    print(render(report, argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
