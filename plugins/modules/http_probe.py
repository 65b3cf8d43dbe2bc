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
  - A request fails when it gets no answer within O(timeout), a connection error, or an answer whose status is
    not in O(expected_statuses). A home page that answers C(404) is a failed request to its user.
  - Redirects are not followed. A C(3xx) answer is recorded with its own status and judged like any other,
    so it is expected by default and fails when O(expected_statuses) is V(["200"]).
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
      - Write the summary, O(url), O(rate), O(expected_statuses) and every request to this file, as JSON; each
        request under C(records) with C(at) (seconds after the start it was due), C(took) (seconds the request
        took), C(status) (null without an answer), C(outcome) (a key of RV(statuses)), C(backend), C(error),
        C(failed), and C(body) when O(body_bytes) is more than 0.
    type: path
  expected_statuses:
    description:
      - The answers that count as success; any other status is a failed request.
      - Each element is a status such as V(200) or a class such as V(2xx), from 100 to 599.
    type: list
    elements: str
    default: ["2xx", "3xx"]
  validate_certs:
    description:
      - For an https O(url), whether the server's certificate must chain to a trusted CA (the system's, or
        O(ca_path)) and name the URL's host. Ignored with O(certificate_fingerprints), which checks more
        narrowly.
    type: bool
    default: true
  ca_path:
    description:
      - A PEM file of the CA certificates to trust for an https O(url) instead of the system's; for a
        self-signed site certificate, the certificate itself.
    type: path
  certificate_fingerprints:
    description:
      - For an https O(url), pin the server's certificate - its SHA-1 fingerprint (hex pairs, colons optional,
        any case, as M(ha_web.alicloud.clb_server_certificate) returns it) must be one of these - instead of
        checking a CA and the host name. A request answered with another certificate fails (outcome
        C(error)). Give the old and the new fingerprint while a certificate is being rotated.
    type: list
    elements: str
  body_bytes:
    description:
      - Record the first this many bytes of each answer's body (as text, surrounding white space stripped) in its
        record's C(body), for example a release id that tells which content a backend served; V(0) records none
        and leaves C(body) out.
    type: int
    default: 0
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

- name: Probe the site over HTTPS, accepting only the certificate the site uploaded
  ha_web.alicloud.http_probe:
    url: "https://{{ clb_address }}/"
    duration: 10
    certificate_fingerprints: ["{{ site_certificate.certificate.fingerprint }}"]

- name: Probe the home page for a minute, where only a 200 is what a user expects (a redirect fails too)
  ha_web.alicloud.http_probe:
    url: "http://{{ clb_address }}/"
    duration: 60
    expected_statuses: ["200"]
  register: home_page
"""

RETURN = r"""
requests:
  description: How many requests were sent.
  returned: always
  type: int
  sample: 600
failures:
  description: How many requests failed (no answer within the timeout, a connection error, or a status not in
    O(expected_statuses)).
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
  description:
    - How many requests had each outcome, expected or not, by HTTP status; C(timeout) for requests without an
      answer within O(timeout), C(error) for other requests without an answer (connection refused or reset).
  returned: always
  type: dict
  sample: {"200": 587, "404": 10, "timeout": 3}
failures_by_status:
  description:
    - The failed requests by outcome (the keys of RV(statuses) that failed), each with how many and when the
      first and the last of them was sent, in seconds after the start.
  returned: always
  type: dict
  sample: {"404": {"count": 10, "first": 12.3, "last": 13.2}, "timeout": {"count": 3, "first": 2.1, "last": 2.3}}
expected_statuses:
  description: The statuses and classes that counted as success, as given in O(expected_statuses).
  returned: always
  type: list
  elements: str
  sample: ["200"]
started_at:
  description: When probing began, in seconds since the epoch.
  returned: always
  type: float
seconds:
  description: How long probing lasted.
  returned: always
  type: float
"""

import hashlib
import json
import os
import re
import socket
import ssl
import time

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.six.moves.http_client import HTTPException, HTTPSConnection
from ansible.module_utils.six.moves.urllib.error import HTTPError, URLError
from ansible.module_utils.six.moves.urllib.request import (
    HTTPRedirectHandler,
    HTTPSHandler,
    ProxyHandler,
    Request,
    build_opener,
)

DEFAULT_EXPECTED_STATUSES = ["2xx", "3xx"]
_STATUS = re.compile(r"^[1-5][0-9][0-9]$")
_STATUS_CLASS = re.compile(r"^[1-5]xx$")


class NoRedirects(HTTPRedirectHandler):
    """A 3xx is the answer itself: it is recorded with its status, not followed."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def normal_fingerprint(text):
    """'68:08:1A...' or '68081a...' -> '68081a...' (lower-case hex, no separators)."""
    return re.sub(r"[^0-9a-f]", "", str(text).lower())


class PinnedConnection(HTTPSConnection):
    """An HTTPS connection that accepts only a server certificate whose SHA-1 fingerprint is pinned."""

    pins = frozenset()

    def connect(self):
        HTTPSConnection.connect(self)
        der = self.sock.getpeercert(binary_form=True) or b""
        presented = hashlib.sha1(der).hexdigest()  # noqa: S324 - the fingerprint the SLB API shows
        if presented not in self.pins:
            self.sock.close()
            raise ssl.SSLError("the server's certificate (SHA-1 %s) is not one of the pinned ones" % presented)


class PinnedHTTPSHandler(HTTPSHandler):
    def __init__(self, pins):
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # the pin is the check
        HTTPSHandler.__init__(self, context=context)
        self.connection = type("Pinned", (PinnedConnection,), {"pins": frozenset(pins)})

    def https_open(self, req):
        return self.do_open(self.connection, req, context=self._context)


def https_handler(validate_certs=True, ca_path=None, fingerprints=None):
    """The urllib handler for https URLs: pinned, checked against a CA (the system's or ca_path), or unchecked."""
    if fingerprints:
        return PinnedHTTPSHandler(normal_fingerprint(f) for f in fingerprints)
    if not validate_certs:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return HTTPSHandler(context=context)
    return HTTPSHandler(context=ssl.create_default_context(cafile=ca_path))


def parse_expected_statuses(values):
    """(statuses, classes) as ints, e.g. ["200", "3xx"] -> ({200}, {3}); ValueError names the bad element."""
    if not values:
        raise ValueError("expected_statuses: name at least one status (such as 200) or class (such as 2xx)")
    statuses, classes = set(), set()
    for value in values:
        text = str(value).strip().lower()
        if _STATUS.match(text):
            statuses.add(int(text))
        elif _STATUS_CLASS.match(text):
            classes.add(int(text[0]))
        else:
            raise ValueError(
                "expected_statuses: %r is neither a status from 100 to 599 (such as 200) nor a class (such as 2xx)"
                % (value,)
            )
    return statuses, classes


def is_expected(status, expected):
    statuses, classes = expected
    return status in statuses or status // 100 in classes


def _timed_out(error):
    return isinstance(error, socket.timeout) or isinstance(getattr(error, "reason", None), socket.timeout)


def _body_text(content, body_bytes):
    return content[:body_bytes].decode("utf-8", "replace").strip()


def probe_once(opener, url, timeout, backend_header, body_bytes=0):
    """One request: (status, backend, outcome, error, body); outcome is the status as text, "timeout" or "error";
    body is the first body_bytes of the answer as text (None without an answer)."""
    try:
        answer = opener.open(Request(url, headers={"User-Agent": "ha-web-drill-probe"}), timeout=timeout)
        try:
            body = _body_text(answer.read(), body_bytes)
            return answer.getcode(), answer.headers.get(backend_header), str(answer.getcode()), None, body
        finally:
            answer.close()
    except HTTPError as error:
        backend = error.headers.get(backend_header) if error.headers else None
        content = (error.read() or b"") if body_bytes else b""
        return error.code, backend, str(error.code), None, _body_text(content, body_bytes)
    except (URLError, socket.timeout, OSError, HTTPException) as error:
        outcome = "timeout" if _timed_out(error) else "error"
        return None, None, outcome, str(getattr(error, "reason", error)) or type(error).__name__, None


def summarize(records, started_at, seconds):
    failed = [r for r in records if r["failed"]]
    backends, statuses, failures_by_status = {}, {}, {}
    for record in records:
        if record["status"] is not None:
            name = record["backend"] or "unknown"
            backends[name] = backends.get(name, 0) + 1
        outcome = record["outcome"]
        statuses[outcome] = statuses.get(outcome, 0) + 1
        if record["failed"]:
            when = failures_by_status.setdefault(outcome, {"count": 0, "first": record["at"], "last": record["at"]})
            when["count"] += 1
            when["last"] = record["at"]
    return {
        "requests": len(records),
        "failures": len(failed),
        "first_failure": failed[0]["at"] if failed else None,
        "last_failure": failed[-1]["at"] if failed else None,
        "backends": backends,
        "statuses": statuses,
        "failures_by_status": failures_by_status,
        "started_at": started_at,
        "seconds": round(seconds, 3),
    }


def run(
    url,
    rate,
    duration,
    timeout,
    backend_header,
    stop_file=None,
    expected_statuses=None,
    body_bytes=0,
    clock=time.monotonic,
    sleep=time.sleep,
    tls=None,
):
    """Probe on schedule; returns (summary, records). ValueError for a bad expected_statuses, before any request.
    tls: the keyword arguments of https_handler (default: checked against the system's CAs)."""
    expected = parse_expected_statuses(DEFAULT_EXPECTED_STATUSES if expected_statuses is None else expected_statuses)
    # straight to the site, whatever proxy the environment names; redirects are answers, not followed
    opener = build_opener(ProxyHandler({}), NoRedirects(), https_handler(**(tls or {})))
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
        status, backend, outcome, error, body = probe_once(opener, url, timeout, backend_header, body_bytes)
        record = {
            "at": round(due, 3),
            "took": round(clock() - began - now, 3),
            "status": status,
            "outcome": outcome,
            "backend": backend,
            "error": error,
            "failed": status is None or not is_expected(status, expected),
        }
        if body_bytes:
            record["body"] = body
        records.append(record)
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
            expected_statuses=dict(type="list", elements="str", default=DEFAULT_EXPECTED_STATUSES),
            body_bytes=dict(type="int", default=0),
            validate_certs=dict(type="bool", default=True),
            ca_path=dict(type="path"),
            certificate_fingerprints=dict(type="list", elements="str"),
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
    if not 0 <= params["body_bytes"] <= 65536:
        module.fail_json(msg="body_bytes: %s must be from 0 to 65536" % params["body_bytes"])
    try:
        parse_expected_statuses(params["expected_statuses"])
    except ValueError as error:
        module.fail_json(msg=str(error))
    for fingerprint in params["certificate_fingerprints"] or []:
        if len(normal_fingerprint(fingerprint)) != 40:
            module.fail_json(
                msg="certificate_fingerprints: %r is not a SHA-1 fingerprint (40 hex digits)" % fingerprint
            )
    if params["ca_path"] and not os.path.isfile(params["ca_path"]):
        module.fail_json(msg="ca_path: %s is not a file" % params["ca_path"])
    summary, records = run(
        params["url"],
        params["rate"],
        params["duration"],
        params["timeout"],
        params["backend_header"],
        params["stop_file"],
        params["expected_statuses"],
        params["body_bytes"],
        tls=dict(
            validate_certs=params["validate_certs"],
            ca_path=params["ca_path"],
            fingerprints=params["certificate_fingerprints"],
        ),
    )
    summary["expected_statuses"] = params["expected_statuses"]
    if params["output"]:
        directory = os.path.dirname(params["output"])
        if directory and not os.path.isdir(directory):
            os.makedirs(directory)
        with open(params["output"], "w") as handle:
            json.dump(dict(summary, url=params["url"], rate=params["rate"], records=records), handle, indent=1)
    module.exit_json(changed=False, **summary)


if __name__ == "__main__":
    main()
