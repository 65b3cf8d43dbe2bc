"""web-leave (role ha_web.alicloud.web): the host leaves the load balancer gracefully.

It polls the instance metadata item instance/spot/termination-time every poll_interval seconds (hardened mode: a
token first, then the item with the token; without a token, the item alone). While the instance is safe the item
answers 404; once the spot instance is to be reclaimed it answers a UTC time. From that answer on, the flag file
exists and nginx answers the health URI 503 (it keeps answering every other request), so the CLB takes the host out
before it is released.

On an OS shutdown (StopInstance, reboot) systemd stops this service before nginx (After=nginx.service): the flag is
set and the stop waits until the CLB has had hold_seconds to notice, counted from when the health URI began to fail,
then returns, and nginx is stopped. A stop outside a shutdown neither waits nor keeps the flag (unless a notice came).

Hang-proof: each poll is bounded by an interval timer (request_timeout per request, twice that in all), so a
metadata service that does not answer costs at most that; no metadata service (refused, timeout) or any answer
other than a time counts as safe. Each event is one JSON line on stdout (the journal).

Usage: python3 web_leave.py [config.json]
"""

import datetime
import http.client
import json
import os
import signal
import subprocess
import sys
import time
import urllib.parse

CONFIG_PATH = "/etc/ha_web/leave/config.json"
SYSTEMCTL = "/usr/bin/systemctl"
TOKEN_TTL_HEADER = "X-aliyun-ecs-metadata-token-ttl-seconds"  # noqa: S105 - a header name
TOKEN_HEADER = "X-aliyun-ecs-metadata-token"  # noqa: S105 - a header name


class PollTimeout(Exception):
    """A poll took longer than its bound."""


def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds")


def log(event, **fields):
    print(json.dumps({"event": event, "at": now_iso(), **fields}), flush=True)


def request(method, url, headers, timeout):
    """(status, body) of one HTTP request; OSError when the service cannot be reached."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
    try:
        connection.request(method, parts.path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read(256).decode("utf-8", "replace").strip()
    finally:
        connection.close()


SHUTDOWN_TARGET = "shutdown.target"  # every halt, power-off and reboot queues its start


def systemctl(arguments, timeout):
    """systemctl's output, or None when it does not answer within `timeout` or fails (a manager going away)."""
    command = [SYSTEMCTL, *arguments]  # a fixed absolute path and fixed arguments, no user input
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)  # noqa: S603
    except subprocess.TimeoutExpired:
        return None
    if done.returncode != 0 and not done.stdout.strip():
        return None
    return done.stdout.strip()


def system_is_stopping(timeout):
    """True during an OS shutdown or reboot: systemd says "stopping", or the start of shutdown.target is queued (what
    "stopping" means, asked directly: systemd still says "starting" for a shutdown asked for before its boot finished,
    and says "starting" long after a boot with a job that never ends, when a stop is no shutdown). A systemd that does
    not answer within `timeout`, or fails to, is taken for a shutdown: on a loaded host that is when it is slowest,
    and holding a mere restart costs a few seconds where not holding a shutdown costs failed requests. What systemd
    answered is logged as system_state."""
    if not os.path.exists(SYSTEMCTL):
        return False
    deadline = time.monotonic() + timeout  # both questions together
    state = systemctl(["is-system-running"], timeout)
    if state is None or state == "stopping":
        log("system_state", state=state, stopping=True)
        return True
    jobs = systemctl(["list-jobs", "--no-legend", "--no-pager", SHUTDOWN_TARGET], max(0.1, deadline - time.monotonic()))
    stopping = jobs is None or SHUTDOWN_TARGET in jobs
    log("system_state", state=state, shutdown_job=jobs, stopping=stopping)
    return stopping


class Leave:
    def __init__(self, config):
        self.config = config
        self.flag = config["flag"]
        self.token = None
        self.token_expires = 0.0
        self.notice = None  # the termination time once the metadata service announced it
        self.failing_since = None  # monotonic time the health URI began to fail
        self.stopping = False

    # The metadata service.
    def fetch_token(self):
        """A token (hardened mode), or None when the service gives none (then the item is asked without one)."""
        if self.token and time.monotonic() < self.token_expires:
            return self.token
        ttl = self.config["token_ttl"]
        status, body = request("PUT", self.config["token_url"], {TOKEN_TTL_HEADER: str(ttl)}, self.timeout())
        if status != 200 or not body:
            return None
        self.token, self.token_expires = body, time.monotonic() + ttl / 2
        return self.token

    def timeout(self):
        return self.config["request_timeout"]

    def termination_time(self):
        """The termination time, or None while safe (404, no metadata service, any other answer)."""
        try:
            token = self.fetch_token()
            headers = {TOKEN_HEADER: token} if token else {}
            status, body = request("GET", self.config["termination_time_url"], headers, self.timeout())
        except (OSError, http.client.HTTPException, PollTimeout) as error:
            return None, f"no answer: {type(error).__name__}"
        if status in (401, 403):
            self.token = None
        if status == 200 and body:
            return body, "termination time"
        return None, f"HTTP {status}"

    def poll(self):
        """One bounded poll: (termination time or None, what was answered)."""
        signal.setitimer(signal.ITIMER_REAL, 2 * self.timeout() + 0.1)
        try:
            return self.termination_time()
        except PollTimeout:
            return None, "no answer: poll timed out"
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)

    # The flag nginx reads.
    def fail_health(self, reason):
        if self.failing_since is None:
            self.failing_since = time.monotonic()
        if not os.path.exists(self.flag):
            os.makedirs(os.path.dirname(self.flag), exist_ok=True)
            with open(self.flag, "w") as file:
                file.write(f"{reason} {now_iso()}\n")
            log("health_fails", reason=reason)

    def pass_health(self, reason):
        self.failing_since = None
        if os.path.exists(self.flag):
            os.unlink(self.flag)
            log("health_passes", reason=reason)

    # Events.
    def tick(self):
        if self.notice:
            return
        notice, answer = self.poll()
        if notice:
            self.notice = notice
            log("termination_notice", termination_time=notice)
            self.fail_health(f"spot termination at {notice}")
        else:
            self.pass_health(f"no termination notice ({answer})")

    def on_stop(self, _signum, _frame):
        """SIGTERM from systemd: on a shutdown, hold until the CLB had time to notice (bounded); then exit."""
        if self.stopping:
            return
        self.stopping = True
        signal.setitimer(signal.ITIMER_REAL, 0)
        if system_is_stopping(self.config["system_state_timeout"]):
            self.fail_health("the host shuts down")
            waited = time.monotonic() - self.failing_since
            hold = max(0.0, self.config["hold_seconds"] - waited)
            log("shutdown_hold", hold_seconds=round(hold, 2), failing_for=round(waited, 2))
            time.sleep(hold)
            log("shutdown_released")
        elif not self.notice:
            self.pass_health("stopped outside a shutdown")
        sys.exit(0)

    def run(self):
        signal.signal(signal.SIGALRM, raise_poll_timeout)
        signal.signal(signal.SIGTERM, self.on_stop)
        log("started", termination_time_url=self.config["termination_time_url"], hold=self.config["hold_seconds"])
        while True:
            started = time.monotonic()
            self.tick()
            time.sleep(max(0.05, self.config["poll_interval"] - (time.monotonic() - started)))


def raise_poll_timeout(_signum, _frame):
    raise PollTimeout


def main():
    if len(sys.argv) > 2:
        sys.exit("usage: python3 web_leave.py [config.json]")
    with open(sys.argv[1] if len(sys.argv) == 2 else CONFIG_PATH) as file:
        Leave(json.load(file)).run()


if __name__ == "__main__":
    main()
