"""Run on a web host by playbooks/status.yml (ansible.builtin.script): its NAS state as JSON on one line.

The host's OS release (/etc/os-release), the switch's state file (role nas_sync), where the host serves from and
which release, whether its sync to the backup runs, and how many files an rsync dry run would still copy to the
backup. Reads only; every read that touches a share is bounded (a hung NFS share answers "unknown", it does not hold
the play).
Arguments: state_dir docroot_link master_site backup_site
"""

import json
import subprocess
import sys


def bounded(argv, seconds):
    """(ok, stdout) of argv killed after `seconds`."""
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=seconds, check=False)  # noqa: S603
    except (OSError, subprocess.TimeoutExpired):
        return False, ""
    return done.returncode == 0, done.stdout.strip()


def os_release(path="/etc/os-release"):
    """The OS as /etc/os-release names it: its PRETTY_NAME (Debian GNU/Linux 13 (trixie)), else NAME VERSION_ID;
    "unknown" without the file."""
    fields = {}
    try:
        with open(path) as text:
            for line in text:
                key, sep, value = line.strip().partition("=")
                if sep:
                    fields[key] = value.strip().strip("\"'")
    except OSError:
        return "unknown"
    named = " ".join(value for value in (fields.get("NAME"), fields.get("VERSION_ID")) if value)
    return fields.get("PRETTY_NAME") or named or "unknown"


def main(state_dir, docroot_link, master_site, backup_site):
    ok, text = bounded(["cat", state_dir + "/state.json"], 5)
    try:
        state = json.loads(text) if ok else None
    except ValueError:
        state = None
    serving = bounded(["readlink", docroot_link], 5)[1]
    release = bounded(["readlink", serving + "/current"], 5)[1] if serving else ""
    sync = bounded(["systemctl", "is-active", "nas-sync.service"], 5)[1] or "unknown"
    rsync = ["rsync", "-a", "--dry-run", "--delete", "--out-format=%n", master_site + "/", backup_site + "/"]
    ok, changes = bounded(rsync, 20)
    pending = len([line for line in changes.splitlines() if line and not line.endswith("/")]) if ok else -1
    answer = {"os": os_release(), "state": state, "serving_path": serving, "release": release, "sync_service": sync}
    answer["sync_pending_files"] = pending
    print(json.dumps(answer))


if __name__ == "__main__":
    main(*sys.argv[1:5])
