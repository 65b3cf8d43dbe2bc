#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: drill_timeline
short_description: Draw a drill's prober record as a timeline picture, with the drill's events marked
version_added: 1.1.0
description:
  - Reads the record that M(ha_web.alicloud.http_probe) wrote to its O(ha_web.alicloud.http_probe#module:output)
    file and draws every request on the prober's clock (seconds after it started), as an SVG or PNG picture.
  - The upper panel shows each answered request's latency (on a logarithmic scale), coloured by O(colour_by)
    (the backend that answered, by default); failed requests are red crosses. The lower panel has one lane per
    backend (and one for requests without an answer), each request a tick, green when it succeeded and red when
    it failed.
  - Each of O(events) is a dashed vertical line across both panels with its name, so that what the drill did
    (stop, detected, switched, back...) stands beside what users saw.
  - The picture is made on the machine the module runs on (the controller, C(delegate_to=localhost)) with
    matplotlib; the JSON record stays the record, the picture is for people.
author: ha_web.alicloud developers (@ha-web)
options:
  requests_file:
    description:
      - The prober's JSON record (its C(records), each with C(at), C(took), C(status), C(outcome), C(backend) and
        C(failed)).
    type: path
    required: true
  events:
    description:
      - The drill's events, each a name and the seconds after the prober started when it happened; an event
        whose time is null is left out. Underscores in a name are drawn as spaces.
    type: dict
    default: {}
  output:
    description:
      - Where to write the picture; its extension, C(.svg) or C(.png), chooses the format.
    type: path
    required: true
  title:
    description:
      - The picture's title; by default the record's URL.
    type: str
  colour_by:
    description:
      - Which field of each record colours the latency points, V(backend) (which backend answered) or V(body)
        (what it answered, when the prober recorded the body with
        O(ha_web.alicloud.http_probe#module:body_bytes)).
    type: str
    choices: [backend, body]
    default: backend
attributes:
  check_mode:
    description: In check mode the record is read and the marks computed, nothing is written.
    support: full
  diff_mode:
    description: No diff; the picture is drawn anew every time.
    support: none
requirements:
  - matplotlib >= 3.8 (on the machine the module runs on)
"""

EXAMPLES = r"""
- name: Draw the drill's timeline beside its report
  ha_web.alicloud.drill_timeline:
    requests_file: reports/drill_ecs_stop-20261201T101500Z-requests.json
    events:
      stop_asked: 1.2
      detected: 7.9
      recovered: 21.4
    output: reports/drill_ecs_stop-20261201T101500Z.svg
    title: ECS stop drill
  delegate_to: localhost
"""

RETURN = r"""
path:
  description: The picture's path (written unless in check mode).
  returned: always
  type: str
  sample: reports/drill_ecs_stop-20261201T101500Z.svg
requests:
  description: How many requests the picture shows.
  returned: always
  type: int
  sample: 239
failed_requests:
  description: How many of them failed (named so that Ansible does not take the count for the task's own failure).
  returned: always
  type: int
  sample: 4
marks:
  description: The events drawn, in time order, each with its C(label) and C(seconds).
  returned: always
  type: list
  elements: dict
  sample: [{"label": "stop asked", "seconds": 1.2}, {"label": "detected", "seconds": 7.9}]
"""

import json
import os

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

FORMATS = {".svg": "svg", ".png": "png"}
NO_ANSWER = "no answer"
OK_COLOUR = "#2ca02c"
FAILED_COLOUR = "#d62728"
EVENT_COLOUR = "#555555"


def _milliseconds(record):
    """The request's latency in ms, at least 0.1 (the latency axis is logarithmic)."""
    return max(round(record.get("took", 0) * 1000, 1), 0.1)


def marks(events):
    """The events as [{"label", "seconds"}] in time order; one without a time is left out."""
    drawn = [
        {"label": str(name).replace("_", " "), "seconds": float(seconds)}
        for name, seconds in (events or {}).items()
        if seconds is not None and str(seconds) != ""
    ]
    return sorted(drawn, key=lambda mark: (mark["seconds"], mark["label"]))


def latency_series(records, colour_by="backend"):
    """{name: {"at": [...], "ms": [...]}} of the requests that succeeded, grouped by the record's colour_by field."""
    series = {}
    for record in records:
        if record.get("failed"):
            continue
        name = record.get(colour_by) or "unknown"
        points = series.setdefault(str(name), {"at": [], "ms": []})
        points["at"].append(record["at"])
        points["ms"].append(_milliseconds(record))
    return series


def failures(records):
    """{"at", "ms", "outcome"} lists of the failed requests (a timeout is drawn at the time it waited)."""
    failed = [record for record in records if record.get("failed")]
    return {
        "at": [record["at"] for record in failed],
        "ms": [_milliseconds(record) for record in failed],
        "outcome": [record.get("outcome") for record in failed],
    }


def lanes(records):
    """{lane: {"ok": [at...], "failed": [at...]}}: one lane per backend that answered, then NO_ANSWER."""
    found = {}
    for record in records:
        lane = (record.get("backend") or "unknown") if record.get("status") is not None else NO_ANSWER
        ticks = found.setdefault(lane, {"ok": [], "failed": []})
        ticks["failed" if record.get("failed") else "ok"].append(record["at"])
    ordered = sorted(name for name in found if name != NO_ANSWER)
    if NO_ANSWER in found:
        ordered.append(NO_ANSWER)
    return {name: found[name] for name in ordered}


def picture_format(path):
    """ "svg" or "png" by the path's extension; ValueError for any other."""
    extension = os.path.splitext(path)[1].lower()
    if extension not in FORMATS:
        raise ValueError("output: %s must end with .svg or .png" % path)
    return FORMATS[extension]


def render(records, events_marks, title, output, colour_by="backend"):
    """Draws the picture into output with matplotlib (imported here: only this needs it)."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(12, 6.5), layout="constrained")
    latency, lane_axes = figure.subplots(2, 1, sharex=True, height_ratios=[3, 1])
    for name, points in sorted(latency_series(records, colour_by).items()):
        latency.scatter(points["at"], points["ms"], s=8, label=name if len(name) <= 40 else name[:37] + "...")
    failed = failures(records)
    if failed["at"]:
        latency.scatter(failed["at"], failed["ms"], s=28, marker="x", color=FAILED_COLOUR, label="failed")
    latency.set_yscale("log")  # milliseconds of a healthy answer and seconds of a timeout, both readable
    latency.set_ylabel("latency (ms)")
    latency.set_title(title)
    latency.grid(True, alpha=0.3)

    drawn_lanes = lanes(records)
    for row, ticks in enumerate(drawn_lanes.values()):
        lane_axes.scatter(ticks["ok"], [row] * len(ticks["ok"]), marker="|", s=60, color=OK_COLOUR)
        lane_axes.scatter(ticks["failed"], [row] * len(ticks["failed"]), marker="|", s=60, color=FAILED_COLOUR)
    lane_axes.set_yticks(range(len(drawn_lanes)), list(drawn_lanes))
    lane_axes.set_ylim(-0.6, max(len(drawn_lanes), 1) - 0.4)
    lane_axes.set_xlabel("seconds after the prober started")
    lane_axes.set_ylabel("answered by")

    for mark in events_marks:
        for axes in (latency, lane_axes):
            axes.axvline(mark["seconds"], color=EVENT_COLOUR, linestyle="--", linewidth=1)
        latency.annotate(
            "%s %.1f s" % (mark["label"], mark["seconds"]),
            xy=(mark["seconds"], 1),
            xycoords=("data", "axes fraction"),
            xytext=(2, -4),
            textcoords="offset points",
            rotation=90,
            va="top",
            fontsize=8,
            color=EVENT_COLOUR,
        )
    if latency.get_legend_handles_labels()[0]:
        latency.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    figure.savefig(output, format=picture_format(output))


def main():
    module = AnsibleModule(
        argument_spec=dict(
            requests_file=dict(type="path", required=True),
            events=dict(type="dict", default={}),
            output=dict(type="path", required=True),
            title=dict(type="str"),
            colour_by=dict(type="str", choices=["backend", "body"], default="backend"),
        ),
        supports_check_mode=True,
    )
    params = module.params
    try:
        picture_format(params["output"])
        events_marks = marks(params["events"])
    except ValueError as error:
        module.fail_json(msg=str(error))
    try:
        with open(params["requests_file"]) as handle:
            record = json.load(handle)
    except (OSError, ValueError) as error:
        module.fail_json(msg="requests_file: cannot read %s: %s" % (params["requests_file"], error))
    records = record.get("records", [])
    result = dict(
        changed=not module.check_mode,
        path=params["output"],
        requests=len(records),
        failed_requests=len([r for r in records if r.get("failed")]),
        marks=events_marks,
    )
    if module.check_mode:
        module.exit_json(**result)
    try:
        import matplotlib  # noqa: F401  (the library the picture needs; reported when missing)
    except ImportError as error:
        module.fail_json(msg=missing_required_lib("matplotlib"), exception=str(error))
    directory = os.path.dirname(params["output"])
    if directory and not os.path.isdir(directory):
        os.makedirs(directory)
    title = params["title"] or record.get("url") or params["requests_file"]
    render(records, events_marks, title, params["output"], params["colour_by"])
    module.exit_json(**result)


if __name__ == "__main__":
    main()
