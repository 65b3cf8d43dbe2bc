"""nas-switch (role ha_web.alicloud.nas_sync): probes the master NAS every interval and points the web root at the
backup while the master is out, then back at the master once it answers again.

A probe writes a per-host file on the master, renames it and reads it back. A prober does it: a process of this
script (`--prober`) that lives across probes and answers each request line with one answer line, so a probe starts no
process (it started four when it was a shell pipeline, and on a loaded host they made probes late and the host switch
for nothing). A probe unanswered after probe_kill_timeout has its prober killed (it may be stuck on a hung share); the
next probe starts another, and sends it nothing before it says it is ready (a prober's start is no part of a probe's
time). Only one probe is in flight at a time.

One not done by its deadline counts as failed, and it counts once more each time it has run another interval (fall 3,
interval 0.5: the host switches once a probe has run 1 s), by its age, not by the ticks that saw it: on a loaded host
ticks run late and then back to back, and two ticks 0.1 s apart must not count a probe twice. A probe that missed its
deadline but has finished by the next tick counts with its own result at that tick (a busy host, not a stuck master),
and the tick after probes anew. Mount presence is read from /proc/self/mountinfo, never from the share. Each event is
one JSON line on stdout (the journal); the state is kept in <state_dir>/state.json, on local disk.

While the file <state_dir>/hold exists (and is less than 10 minutes old) the host serves the backup (it fails over at
once) and does not fail back: a playbook holds it there while it mounts the master anew, so the served path is never
detached.

A switch does first what users see (the read-only fence in read_only mode, the symlink, the nginx reload by SIGHUP
to its master process, as `systemctl reload nginx` does, without the two processes that cost); the bookkeeping
(stopping lsyncd, publishing the state) comes after, but for the state in read_only mode: it is published before the
fence, which would refuse it.
"""

import contextlib
import datetime
import json
import os
import select
import signal
import subprocess
import sys
import time

CONFIG_PATH = "/etc/ha_web/nas_sync/config.json"
PROBER_ARGV = [sys.executable, os.path.abspath(__file__), "--prober"]
PROBER_READY = b"ready\n"  # the prober's first line
AGE_SLACK = 0.1  # of an interval: a probe that has run this much less than N intervals counts as having run N
SWITCHES_KEPT = 50
TIMEOUT = "/usr/bin/timeout"
NGINX_PID_FILE = "/run/nginx.pid"
HOLD_EXPIRES = 600  # seconds after which a hold left behind (a playbook that failed) no longer counts


def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds")


def log(event, **fields):
    print(json.dumps({"event": event, "at": now_iso(), **fields}), flush=True)


def is_mounted(path):
    with open("/proc/self/mountinfo") as mountinfo:
        return any(line.split()[4] == path for line in mountinfo)


def reload_nginx():
    """SIGHUP to nginx's master (new workers; the old ones may be stuck on a hung share), else systemctl."""
    try:
        with open(NGINX_PID_FILE) as file:
            os.kill(int(file.read().strip()), signal.SIGHUP)
        return
    except (OSError, ValueError) as error:
        log("nginx_hup_failed", error=str(error))
    ok, out = run(["systemctl", "reload", "nginx"], 15)
    if not ok:
        log("nginx_reload_failed", output=out)


def run(argv, timeout):
    """Runs argv killed after timeout seconds; returns (ok, output)."""
    command = [TIMEOUT, "-s", "KILL", str(timeout), *argv]
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 - our own commands
    return done.returncode == 0, (done.stdout + done.stderr).strip()


class Switch:
    def __init__(self, config):
        self.config = config
        self.host = config["host"]
        self.master_site = os.path.join(config["master_path"], config["site_dir"])
        self.backup_site = os.path.join(config["backup_path"], config["site_dir"])
        self.probe_file = os.path.join(config["master_path"], ".nas_sync", f"probe.{self.host}")
        self.backup_state_file = os.path.join(config["backup_path"], ".nas_sync", f"state.{self.host}")
        self.state_path = os.path.join(config["state_dir"], "state.json")
        self.failover_flag = os.path.join(config["state_dir"], "failover")
        self.hold_flag = os.path.join(config["state_dir"], "hold")
        self.prober = None  # the prober process (started on the first probe, and again after it was killed)
        self.probe_token = None  # the token of the probe in flight; None: no probe in flight
        self.killed_probers = []  # killed, not yet reaped
        self.probe_started, self.probe_failures = 0.0, 0  # when the probe in flight began, the failures it counted
        self.fails = 0
        self.successes = 0
        self.last_success = time.monotonic()
        self.state = self.load_state()

    def load_state(self):
        try:
            with open(self.state_path) as file:
                state = json.load(file)
        except (OSError, ValueError):
            state = {"state": "normal", "serving": "master", "since": now_iso(), "switches": []}
        state.update(host=self.host, mode=self.config["mode"], lsyncd_pending=state.get("lsyncd_pending", False))
        return state

    def save_state(self):
        self.state.update(updated=now_iso(), fails=self.fails, successes=self.successes)
        tmp = self.state_path + ".tmp"
        with open(tmp, "w") as file:
            json.dump(self.state, file, indent=2)
        os.replace(tmp, self.state_path)

    # Probing.
    def probe_once(self):
        """One tick: (ok, reason); ok None: the probe in flight counts no further failure yet."""
        if self.probe_token is not None:
            if self.prober_answered(0):
                ok, reason = self.probe_result()
                return ok, "late probe: " + reason
            age = time.monotonic() - self.probe_started
            if age >= self.config["probe_kill_timeout"]:
                self.kill_prober()
                return False, f"probe not answered in {self.config['probe_kill_timeout']} s, its prober killed"
            interval = self.config["probe_interval"]
            # A tenth of an interval short still counts: the probe began a little after its tick, and the ticks after
            # come a whole number of intervals after that tick, so an exact count fell short and came one tick late.
            if age < self.probe_failures * interval - interval * AGE_SLACK:
                return None, "previous probe still running, not yet another interval"
            self.probe_failures += 1
            return False, "previous probe still running"
        for path in (self.config["master_path"], self.config["backup_path"]):
            if not is_mounted(path):
                return False, f"{path} is not mounted"
        token = f"{self.host} {time.time_ns()}"
        sentinel = os.path.join(self.master_site, self.config["sentinel"])
        request = {"token": token, "probe_file": self.probe_file, "sentinel": sentinel}
        if not self.send_probe(request):
            return False, "the prober could not be started or asked"
        self.probe_token = token
        self.probe_started, self.probe_failures = time.monotonic(), 1
        if not self.prober_answered(self.config["probe_deadline"]):
            return False, f"probe not done within {self.config['probe_deadline']} s"
        return self.probe_result()

    def send_probe(self, request):
        """The request to the prober, started first when there is none (or it has exited)."""
        self.killed_probers = [p for p in self.killed_probers if p.poll() is None]  # reaped once they have ended
        if self.prober is not None and self.prober.poll() is not None:
            self.kill_prober()
        if self.prober is None and not self.start_prober():
            return False
        try:
            self.prober.stdin.write(json.dumps(request).encode() + b"\n")
            self.prober.stdin.flush()
            return True
        except OSError as error:
            log("prober_failed", error=str(error))
            self.kill_prober()
            return False

    def start_prober(self):
        """A new prober, once it has said it is ready (its start is no part of a probe's time); False when it is not
        ready within probe_kill_timeout."""
        try:
            self.prober = subprocess.Popen(  # noqa: S603 - this script, as the prober
                PROBER_ARGV, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
            )
        except OSError as error:
            log("prober_failed", error=str(error))
            return False
        if self.prober_answered(self.config["probe_kill_timeout"]) and self.prober.stdout.readline() == PROBER_READY:
            return True
        log("prober_failed", error=f"not ready within {self.config['probe_kill_timeout']} s")
        self.kill_prober()
        return False

    def prober_answered(self, timeout):
        """True once the prober's answer line (or its end) can be read, waiting `timeout` seconds at most."""
        return bool(select.select([self.prober.stdout], [], [], timeout)[0])

    def probe_result(self):
        """(ok, reason) of the probe in flight, whose answer is there; none is in flight after."""
        line, token, self.probe_token = self.prober.stdout.readline(), self.probe_token, None
        if not line:
            self.kill_prober()
            return False, "the prober exited"
        try:
            answer = json.loads(line)
            if "error" in answer:
                return False, f"probe failed: {answer['error'][:200]}"
            read = answer["read"]
        except (ValueError, KeyError, TypeError):  # a line cut short when the prober died while writing it
            self.kill_prober()
            return False, "the prober answered something else than an answer"
        if read != token:
            return False, "probe read back something else"
        return True, "ok"

    def kill_prober(self):
        """SIGKILL; it is not waited for (stuck on a hung share, it ends when the share answers), only reaped."""
        prober, self.prober, self.probe_token = self.prober, None, None
        if prober is None:
            return
        prober.kill()
        for pipe in (prober.stdin, prober.stdout):
            with contextlib.suppress(OSError):  # a closed pipe to a dead process
                pipe.close()
        self.killed_probers.append(prober)

    # Switching.
    def point_docroot_at(self, target):
        link = self.config["docroot_link"]
        tmp = link + ".nas_sync.tmp"
        if os.path.lexists(tmp):
            os.unlink(tmp)
        os.symlink(target, tmp)
        os.replace(tmp, link)
        reload_nginx()

    def remount_backup(self, access):
        ok, out = run(["mount", "-o", f"remount,bind,{access}", self.config["backup_path"]], 10)
        if not ok:
            log("backup_remount_failed", access=access, output=out)
        return ok

    def publish(self, state):
        """The host's state on the backup (reachable while the master is out), read by the other hosts' guards."""
        ok, out = run(["sh", "-c", 'printf "%s\\n" "$1" > "$2"', "publish", state, self.backup_state_file], 5)
        if not ok:
            log("publish_failed", state=state, output=out)

    def record_switch(self, to, reason):
        switch = {"at": now_iso(), "to": to, "reason": reason}
        self.state["switches"] = (self.state["switches"] + [switch])[-SWITCHES_KEPT:]
        log("switch", to=to, reason=reason, mode=self.config["mode"])

    def fail_over(self, reason):
        self.state.update(state="failover", serving="backup", since=now_iso(), lsyncd_pending=False)
        open(self.failover_flag, "w").close()
        read_only = self.config["mode"] == "read_only"
        if read_only:
            self.publish("failover")  # first: the fence makes the backup read-only to this host's writes too
            self.remount_backup("ro")
        self.point_docroot_at(self.backup_site)
        self.record_switch("backup", reason)
        self.save_state()
        run(["systemctl", "stop", "--no-block", "nas-sync.service"], 10)
        if not read_only:
            self.publish("failover")

    def copy_back(self, what):
        ok, out = run(
            ["rsync", "-a", "--update", f"{self.backup_site}/", f"{self.master_site}/"],
            self.config["copy_back_timeout"],
        )
        log("copy_back", what=what, ok=ok, output=out[-500:])
        return ok

    def master_ready(self):
        """The master is mounted and its document root is there (checked again just before serving it)."""
        if not is_mounted(self.config["master_path"]):
            return False
        sentinel = os.path.join(self.master_site, self.config["sentinel"])
        return run(["/usr/bin/test", "-f", sentinel], self.config["probe_kill_timeout"])[0]

    def fail_back(self):
        if not self.master_ready():
            return self.abort_fail_back("the master is not mounted, or its document root is missing")
        if self.config["mode"] == "read_write":
            self.state["state"] = "failing_back"
            self.save_state()
            if not self.copy_back("bulk"):
                return self.abort_fail_back("bulk copy back failed")
            if not self.remount_backup("ro"):
                return self.abort_fail_back("could not fence the backup")
            if not self.copy_back("final, fenced"):
                self.remount_backup("rw")
                return self.abort_fail_back("final copy back failed")
        self.point_docroot_at(self.master_site)
        self.remount_backup("rw")
        self.publish("normal")
        if os.path.exists(self.failover_flag):
            os.unlink(self.failover_flag)
        self.state.update(state="normal", serving="master", since=now_iso(), lsyncd_pending=True)
        self.record_switch("master", f"{self.config['rise']} probes in a row succeeded")
        self.save_state()

    def abort_fail_back(self, reason):
        log("failback_aborted", reason=reason)
        self.state["state"] = "failover"
        self.successes = 0
        self.save_state()

    def restart_lsyncd_when_all_back(self):
        """lsyncd starts again only when no host of the group still serves the backup."""
        files = [os.path.join(self.config["backup_path"], ".nas_sync", f"state.{h}") for h in self.config["hosts"]]
        ok, out = run(["sh", "-c", 'cat "$@" 2>/dev/null; true', "states", *files], 5)
        if not ok or "failover" in out.split():
            return
        run(["systemctl", "start", "--no-block", "nas-sync.service"], 10)
        self.state["lsyncd_pending"] = False
        log("lsyncd_restarted")
        self.save_state()

    def resume(self):
        """After a restart of the service: re-apply a failover in progress."""
        log("started", state=self.state["state"], mode=self.config["mode"])
        if self.state["state"] != "normal":
            self.state["state"] = "failover"
            # read_write: a failback cut short may have left the fence (read-only backup) in place.
            self.remount_backup("ro" if self.config["mode"] == "read_only" else "rw")
            self.point_docroot_at(self.backup_site)
        self.save_state()

    def held(self):
        try:
            return time.time() - os.stat(self.hold_flag).st_mtime < HOLD_EXPIRES
        except OSError:
            return False

    def tick(self):
        ok, reason = self.probe_once()
        if ok:
            self.successes, self.fails = self.successes + 1, 0
            self.last_success = time.monotonic()
        elif ok is False:
            self.fails, self.successes = self.fails + 1, 0
            log("probe_failed", reason=reason, fails=self.fails)
        held = self.held()
        if self.state["state"] == "normal" and held:
            self.fail_over("held: the master is being mounted anew")
        elif self.state["state"] == "normal" and self.fails >= self.config["fall"]:
            self.fail_over(f"{self.fails} probes in a row failed, last: {reason}")
        elif self.state["state"] != "normal" and self.successes >= self.config["rise"] and not held:
            self.fail_back()
        elif self.state["state"] == "normal" and self.state["lsyncd_pending"]:
            self.restart_lsyncd_when_all_back()

    def loop(self):
        self.resume()
        interval = self.config["probe_interval"]
        next_tick = time.monotonic()
        while True:
            self.tick()
            next_tick += interval
            delay = next_tick - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            else:
                next_tick = time.monotonic()


def probe_files(token, probe_file, sentinel):
    """One probe on the master: its sentinel is there, a file is written, renamed into place and read back."""
    if not os.path.isfile(sentinel):
        raise OSError(f"no sentinel {sentinel}")
    with open(probe_file + ".tmp", "w") as file:
        file.write(token)
    os.replace(probe_file + ".tmp", probe_file)
    with open(probe_file) as file:
        return file.read()


def prober_answer(line):
    """The answer line to one request line of the switch."""
    try:
        answer = {"read": probe_files(**json.loads(line))}
    except OSError as error:
        answer = {"error": str(error)}
    return json.dumps(answer) + "\n"


def prober():
    """`--prober`: says it is ready, then answers the switch's requests on stdin, one line each, until stdin closes."""
    sys.stdout.write(PROBER_READY.decode())
    sys.stdout.flush()
    for line in sys.stdin:
        sys.stdout.write(prober_answer(line))
        sys.stdout.flush()


def main():
    if sys.argv[1:] == ["--prober"]:
        return prober()
    with open(sys.argv[1] if len(sys.argv) > 1 else CONFIG_PATH) as file:
        config = json.load(file)
    Switch(config).loop()


if __name__ == "__main__":
    main()
