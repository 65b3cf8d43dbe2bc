#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: http_probe
short_description: Request a URL at a fixed rate for a while and report what users would have seen
version_added: 1.0.0
description:
  - Sends C(GET) requests to O(url) at O(rate) requests per second, for O(duration) seconds or until
    O(stop_file) exists, each with its own O(timeout), and records every request (when it was sent, the
    status, the backend that answered by its O(backend_header), the error).
  - A request fails when it gets no answer within O(timeout), or an answer with a status of 500 or more.
  - Meant for drills, where it runs in the background while something is broken on purpose (C(async)
    with C(poll=0), then C(async_status)); the whole record is written to O(output) as JSON.
  - Requests are sent one after the other from one thread, on schedule; a request that takes longer than
    the interval delays the next ones, which are then sent at once (the rate is kept on average).
author: ha_web.alicloud developers (@ha-web)
options:
  url:
    description:
      - The URL to request (http or https).
    type: str
    required: true
  rate:
    description:
      - Requests per second, more than 0 and at most 100.
    type: float
    default: 10
  duration:
    description:
      - Seconds to keep probing, at most 3600.
    type: float
    required: true
  stop_file:
    description:
      - Stop early once this file exists (the drill creates it when it is done).
    type: path
  timeout:
    description:
      - Seconds each request may take before it counts as failed.
    type: float
    default: 2
  backend_header:
    description:
      - The response header that names the backend which answered.
    type: str
    default: X-Backend-Server
  output:
    description:
      - Write the summary and every request to this file, as JSON.
    type: path
attributes:
  check_mode:
    description: Runs in check mode too, since it only reads.
    support: full
  diff_mode:
    description: Changes nothing.
    support: none
notes:
  - The requests go from the machine the module runs on (usually the controller, C(delegate_to=localhost)).
"""

EXAMPLES = r"""
- name: Probe the site through the load balancer during the drill, in the background
  ha_web.alicloud.http_probe:
    url: "http://{{ clb_address }}/"
    rate: 10
    duration: 300
    stop_file: /tmp/drill.done
    output: reports/probe.json
  async: 400
  poll: 0
  register: prober

- name: Collect the prober's report
  ansible.builtin.async_status:
    jid: "{{ prober.ansible_job_id }}"
  register: probe
  until: probe.finished
  retries: 60
  delay: 1
"""

RETURN = r"""
requests:
  description: How many requests were sent.
  returned: always
  type: int
  sample: 600
failures:
  description: How many requests failed (no answer within the timeout, or a status of 500 or more).
  returned: always
  type: int
  sample: 3
first_failure:
  description: Seconds after the start when the first failed request was sent; null when none failed.
  returned: always
  type: float
  sample: 12.3
last_failure:
  description: Seconds after the start when the last failed request was sent; null when none failed.
  returned: always
  type: float
  sample: 14.1
backends:
  description: How many requests each backend answered (by O(backend_header); C(unknown) without it).
  returned: always
  type: dict
  sample: {"ha-web-web-1": 300, "ha-web-web-2": 297}
statuses:
  description: How many answers had each HTTP status (C(error) for requests without an answer).
  returned: always
  type: dict
  sample: {"200": 597, "error": 3}
started_at:
  description: When probing began, in seconds since the epoch.
  returned: always
  type: float
seconds:
  description: How long probing lasted.
  returned: always
  type: float
"""

import json
import os
import socket
import time

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.six.moves.urllib.error import HTTPError, URLError
from ansible.module_utils.six.moves.urllib.request import Request, build_opener, ProxyHandler


def probe_once(opener, url, timeout, backend_header):
    """One request: (status or None, backend or None, error or None)."""
    try:
        answer = opener.open(Request(url, headers={"User-Agent": "ha-web-drill-probe"}), timeout=timeout)
        try:
            answer.read()
            return answer.getcode(), answer.headers.get(backend_header), None
        finally:
            answer.close()
    except HTTPError as error:
        return error.code, error.headers.get(backend_header) if error.headers else None, None
    except (URLError, socket.timeout, OSError) as error:
        return None, None, str(getattr(error, "reason", error))


def summarize(records, started_at, seconds):
    failed = [r for r in records if r["failed"]]
    backends, statuses = {}, {}
    for record in records:
        if record["status"] is not None:
            name = record["backend"] or "unknown"
            backends[name] = backends.get(name, 0) + 1
        status = str(record["status"]) if record["status"] is not None else "error"
        statuses[status] = statuses.get(status, 0) + 1
    return {
        "requests": len(records),
        "failures": len(failed),
        "first_failure": failed[0]["at"] if failed else None,
        "last_failure": failed[-1]["at"] if failed else None,
        "backends": backends,
        "statuses": statuses,
        "started_at": started_at,
        "seconds": round(seconds, 3),
    }


def run(url, rate, duration, timeout, backend_header, stop_file=None, clock=time.monotonic, sleep=time.sleep):
    """Probe on schedule; returns (summary, records)."""
    opener = build_opener(ProxyHandler({}))  # straight to the site, whatever proxy the environment names
    interval = 1.0 / rate
    started_at, began = time.time(), clock()
    records = []
    sent = 0
    while True:
        now = clock() - began
        if now >= duration or (stop_file and os.path.exists(stop_file)):
            break
        due = sent * interval
        if due > now:
            sleep(min(due - now, duration - now))
            continue
        status, backend, error = probe_once(opener, url, timeout, backend_header)
        failed = status is None or status >= 500
        records.append(
            {
                "at": round(due, 3),
                "took": round(clock() - began - now, 3),
                "status": status,
                "backend": backend,
                "error": error,
                "failed": failed,
            }
        )
        sent += 1
    return summarize(records, started_at, clock() - began), records


def main():
    module = AnsibleModule(
        argument_spec=dict(
            url=dict(type="str", required=True),
            rate=dict(type="float", default=10.0),
            duration=dict(type="float", required=True),
            stop_file=dict(type="path"),
            timeout=dict(type="float", default=2.0),
            backend_header=dict(type="str", default="X-Backend-Server"),
            output=dict(type="path"),
        ),
        supports_check_mode=True,
    )
    params = module.params
    if not params["url"].startswith(("http://", "https://")):
        module.fail_json(msg="url: %s must start with http:// or https://" % params["url"])
    if not 0 < params["rate"] <= 100:
        module.fail_json(msg="rate: %s must be more than 0 and at most 100 requests per second" % params["rate"])
    if not 0 < params["duration"] <= 3600:
        module.fail_json(msg="duration: %s must be more than 0 and at most 3600 seconds" % params["duration"])
    if params["timeout"] <= 0:
        module.fail_json(msg="timeout: %s must be more than 0 seconds" % params["timeout"])
    summary, records = run(
        params["url"],
        params["rate"],
        params["duration"],
        params["timeout"],
        params["backend_header"],
        params["stop_file"],
    )
    if params["output"]:
        directory = os.path.dirname(params["output"])
        if directory and not os.path.isdir(directory):
            os.makedirs(directory)
        with open(params["output"], "w") as handle:
            json.dump(dict(summary, url=params["url"], rate=params["rate"], records=records), handle, indent=1)
    module.exit_json(changed=False, **summary)


if __name__ == "__main__":
    main()
