"""The NAS data plane: a file system is a host directory that the instances of its VPC reach.

- Every instance container of VPC V gets `<state-dir>/nas/<V>/` bind-mounted at `/alicloud-nas`.
- A mount target of file system F with domain D in V: the data directory `<state-dir>/nas/<V>/<F>/`
  (made with F's first mount target in V, kept when mount targets go: data survives the re-creation of a
  mount target; removed with the file system) and the relative symlink `<state-dir>/nas/<V>/<D> -> <F>`.
  Inside an instance, `/alicloud-nas/<D>` is therefore the root of F, shared by every instance of V; the
  `nas_mount` role mounts it with `bindfs /alicloud-nas/<D> /nas_master`, where a real host mounts
  `<D>:/` over NFS.
- A deleted mount target ends its domain for good, as on a real account: its symlink goes (mounting the
  domain again fails, as a domain that no longer resolves does), and every bindfs process of F then running
  in this emulator's containers is cut off: frozen (SIGSTOP) and never resumed, so every access through such
  a mount hangs, as a hard NFS mount hangs when its mount target is gone. A new mount target of F has a new
  domain; only mounts made through it serve. (mount(8) resolves the source symlink, so a bindfs process
  shows `/alicloud-nas/<F>`, not the domain it was mounted through: with several mount targets of F, deleting
  one cuts off every mount of F made before, except those whose process names another domain.) A bindfs of F
  started while F has no mount target (through `/alicloud-nas/<F>`) is cut off too.
- A cut-off bindfs is killed (SIGKILL) once its mount is gone (unmounted, also lazily, or mounted over by a
  newer bindfs at the same path), when its container goes (with it), and when the emulator stops: a frozen
  process never outlives its mount. Processes still inside a killed mount get errors instead of hanging.
- The injected outage (admin POST /_emulator/runtime/nas/<F>/outage, ended by DELETE) models a service
  interruption that recovers: it freezes every bindfs of F while it lasts (also those started meanwhile,
  polled) and resumes them when it ends, unless they are cut off.
- The emulator stopping resumes whatever an injected outage froze.
- A file system's data lives per VPC: one with mount targets in two VPCs has two separate directories.
"""

import contextlib
import json
import os
import shutil
import signal
import threading

MOUNT_PATH = "/alicloud-nas"
POLL_INTERVAL = 0.2  # seconds between scans for bindfs processes while an outage or a cut-off mount lasts


class NasShares:
    def __init__(self, state_dir, container_ids, log=print):
        """`container_ids()` returns the full IDs of this emulator's containers (to find their processes)."""
        self.root = os.path.join(os.path.realpath(state_dir), "nas")
        self.container_ids = container_ids
        self.log = log
        self.lock = threading.Lock()
        self.domains = self._load_domains()  # mount target domain -> file system id (deleted ones kept)
        self.live_domains = set()  # domains whose mount target exists
        self.faults = set()  # file systems with an injected outage
        self.cut_off = set()  # (pid, start time) of bindfs processes whose mount target was deleted
        self.frozen = set()  # (pid, start time) of the processes this emulator stopped
        self.poller = None
        self.closed = False  # stopped: nothing is frozen any more

    # the runtime's seam -----------------------------------------------------------------------
    def volume_args(self, vpc_id):
        """`docker run` arguments that give an instance of `vpc_id` its VPC's file systems."""
        directory = os.path.join(self.root, vpc_id)
        os.makedirs(directory, exist_ok=True)
        return ["-v", f"{directory}:{MOUNT_PATH}"]

    def changed(self, kind, event, resource, store):
        if kind == "mount_target" and event == "created":
            self._add_target(resource)
            self.enforce()
        elif kind == "mount_target" and event == "deleted":
            self._remove_target(resource)
        elif kind == "file_system" and event == "deleted":
            self._remove_file_system(resource["FileSystemId"])

    def restore(self, file_systems, mount_targets):
        """At start: the domains of file systems the state no longer has are forgotten (a dead domain keeps the
        scan for its mounts going); the mount targets of the state are live (the others' domains stay dead)."""
        existing = {f["FileSystemId"] for f in file_systems}
        with self.lock:
            self.domains = {d: f for d, f in self.domains.items() if f in existing}
            self._save_domains()
        for target in mount_targets:
            self._add_target(target)
        self.enforce()

    def admin(self, method, path, body):
        """GET nas/outages; POST / DELETE nas/<file system id>/outage."""
        parts = path.strip("/").split("/")
        if parts == ["nas", "outages"] and method == "GET":
            with self.lock:
                dead = sorted(d for d in self.domains if d not in self.live_domains)
                cut_off = len(self.cut_off)
                return 200, {"faults": sorted(self.faults), "dead_domains": dead, "cut_off_processes": cut_off}
        if len(parts) == 3 and parts[0] == "nas" and parts[2] == "outage" and method in ("POST", "DELETE"):
            file_system_id = parts[1]
            with self.lock:
                if method == "POST":
                    self.faults.add(file_system_id)
                else:
                    self.faults.discard(file_system_id)
            frozen = self.enforce()
            return 200, {"file_system": file_system_id, "outage": method == "POST", "frozen_processes": frozen}
        return None

    def reset(self):
        self.shutdown()
        with self.lock:
            self.domains = {}
            self.live_domains.clear()
            self.closed = False
        shutil.rmtree(self.root, ignore_errors=True)

    def shutdown(self, remove=False):
        """Kill the cut-off processes and resume the others it froze (a freeze must not outlive the emulator);
        `remove` deletes the data."""
        with self.lock:
            self.closed = True
            self.faults.clear()
            cut_off, frozen = self.cut_off, self.frozen
            self.cut_off, self.frozen = set(), set()
        for process in cut_off:
            _signal(process, signal.SIGKILL)
        for process in frozen - cut_off:
            _signal(process, signal.SIGCONT)
        if remove:
            shutil.rmtree(self.root, ignore_errors=True)

    # mount targets and file systems -----------------------------------------------------------
    def _add_target(self, target):
        vpc_id, file_system_id, domain = target["VpcId"], target["FileSystemId"], target["MountTargetDomain"]
        directory = os.path.join(self.root, vpc_id)
        os.makedirs(os.path.join(directory, file_system_id), exist_ok=True)
        link = os.path.join(directory, domain)
        if not os.path.islink(link):
            os.symlink(file_system_id, link)
        with self.lock:
            self.domains[domain] = file_system_id
            self.live_domains.add(domain)
            self._save_domains()

    def _remove_target(self, target):
        file_system_id, domain = target["FileSystemId"], target["MountTargetDomain"]
        link = os.path.join(self.root, target["VpcId"], domain)
        if os.path.islink(link):
            os.unlink(link)
        with self.lock:
            self.domains[domain] = file_system_id
            self.live_domains.discard(domain)
            others = {d for d, f in self.domains.items() if f == file_system_id and d in self.live_domains}
        gone = {f"{MOUNT_PATH}/{domain}", f"{MOUNT_PATH}/{file_system_id}"}
        self._cut_off(lambda source: _under(source, gone) and not _under(source, {f"{MOUNT_PATH}/{d}" for d in others}))

    def _remove_file_system(self, file_system_id):
        with self.lock:
            self.faults.discard(file_system_id)
            self.domains = {d: f for d, f in self.domains.items() if f != file_system_id}
            self._save_domains()
        self.enforce()
        if os.path.isdir(self.root):
            for vpc_id in os.listdir(self.root):
                shutil.rmtree(os.path.join(self.root, vpc_id, file_system_id), ignore_errors=True)

    # freezing ---------------------------------------------------------------------------------
    def _cut_off(self, matches):
        """Cut off for good the running bindfs processes whose source `matches`."""
        running = _bindfs_processes(self._our_containers())
        with self.lock:
            if self.closed:
                return
            self.cut_off |= {process for process, mount in running.items() if matches(mount["source"])}
        self.enforce(running)

    def enforce(self, running=None):
        """Freeze the cut-off bindfs processes and those of file systems with an outage, resume the others, kill
        the cut-off ones whose mount is gone. Returns the number of processes frozen. `running`: a fresh scan."""
        if running is None:
            running = _bindfs_processes(self._our_containers())
        with self.lock:
            if self.closed:
                return 0
            unmounted = set(self.domains.values()) - {self.domains[d] for d in self.live_domains}
            self.cut_off |= {p for p, m in running.items() if _under(m["source"], _paths(unmounted, self.domains))}
            self.cut_off &= set(running)  # the ended ones (their container went, or they were killed)
            released = {p for p in self.cut_off if _superseded(p, running)}
            self.cut_off -= released
            down = _paths(self.faults, self.domains)
            frozen = self.cut_off | {p for p, m in running.items() if _under(m["source"], down) and p not in released}
            resumed = self.frozen - frozen - released
            self.frozen = frozen
            polling = bool(self.faults or self.cut_off or unmounted)
        for process in frozen:
            _signal(process, signal.SIGSTOP)
        for process in released:
            self.log(f"nas: killing the cut-off bindfs {process[0]} (its mount is gone)")
            _signal(process, signal.SIGKILL)
        for process in resumed:
            _signal(process, signal.SIGCONT)
        self._keep_polling(polling)
        return len(frozen)

    def _keep_polling(self, wanted):
        with self.lock:
            if wanted and self.poller is None:
                self.poller = threading.Thread(target=self._poll, name="nas-outages", daemon=True)
                self.poller.start()

    def _poll(self):
        event = threading.Event()
        while True:
            event.wait(POLL_INTERVAL)
            with self.lock:
                unmounted = set(self.domains.values()) - {self.domains[d] for d in self.live_domains}
                if self.closed or not (self.faults or self.cut_off or unmounted):
                    self.poller = None
                    return
            self.enforce()

    def _our_containers(self):
        try:
            return set(self.container_ids())
        except RuntimeError as error:
            self.log(f"listing containers failed: {error}")
            return set()

    def _load_domains(self):
        try:
            with open(os.path.join(self.root, "domains.json")) as handle:
                return json.load(handle)
        except (OSError, ValueError):
            return {}

    def _save_domains(self):
        os.makedirs(self.root, exist_ok=True)
        with open(os.path.join(self.root, "domains.json"), "w") as handle:
            json.dump(self.domains, handle)


def _paths(file_system_ids, domains):
    """The source paths through which the given file systems are reached: their domains and their directories."""
    return {f"{MOUNT_PATH}/{d}" for d, f in domains.items() if f in file_system_ids} | {
        f"{MOUNT_PATH}/{f}" for f in file_system_ids
    }


def _under(source, paths):
    source = source.rstrip("/")
    return any(source == path or source.startswith(path + "/") for path in paths)


def _superseded(process, running):
    """Whether the mount of a bindfs process is gone: no FUSE mount at its mount point in its container, or a
    newer bindfs process of the same container mounted at the same path."""
    mount = running[process]
    if mount["mount_point"] is None:
        return False
    if mount["mount_point"] not in mount["fuse_mount_points"]:
        return True
    same_place = (mount["container"], mount["mount_point"])
    return any((o["container"], o["mount_point"]) == same_place and k[1] > process[1] for k, o in running.items())


def _bindfs_processes(container_ids):
    """{(pid, start time): {source, mount_point, container, fuse_mount_points}} of the bindfs processes running in
    the given containers. The mount points are as the container sees them."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/comm") as handle:
                if handle.read().strip() != "bindfs":
                    continue
            with open(f"/proc/{entry}/cgroup") as handle:
                cgroup = handle.read()
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                arguments = handle.read().decode(errors="replace").split("\0")
            with open(f"/proc/{entry}/stat") as handle:
                started = int(handle.read().rsplit(")", 1)[1].split()[19])
            with open(f"/proc/{entry}/mountinfo") as handle:
                fuse_mount_points = {line.split()[4] for line in handle if " - fuse" in line}
        except (OSError, IndexError, ValueError):
            continue
        container = next((c for c in container_ids if c in cgroup), None)
        positional = _positional(arguments[1:])
        if container is None or not positional or not positional[0].startswith(MOUNT_PATH + "/"):
            continue
        mount_point = positional[1] if len(positional) > 1 and positional[1].startswith("/") else None
        found[(int(entry), started)] = {
            "source": positional[0],
            "mount_point": mount_point.rstrip("/") or "/" if mount_point else None,
            "container": container,
            "fuse_mount_points": fuse_mount_points,
        }
    return found


def _positional(arguments):
    """The arguments of a bindfs command line that are not options (source, mount point)."""
    positional, skip = [], False
    for argument in arguments:
        if skip:
            skip = False
        elif argument == "-o":
            skip = True
        elif argument and not argument.startswith("-"):
            positional.append(argument)
    return positional


def _signal(process, number):
    with contextlib.suppress(OSError):  # it ended meanwhile
        os.kill(process[0], number)
