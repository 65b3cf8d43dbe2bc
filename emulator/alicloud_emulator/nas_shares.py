"""The NAS data plane: a file system is a host directory that the instances of its VPC reach.

- Every instance container of VPC V gets `<state-dir>/nas/<V>/` bind-mounted at `/alicloud-nas`.
- A mount target of file system F with domain D in V: the data directory `<state-dir>/nas/<V>/<F>/`
  (made with F's first mount target in V, kept when mount targets go: data survives the re-creation of a
  mount target; removed with the file system) and the relative symlink `<state-dir>/nas/<V>/<D> -> <F>`.
  Inside an instance, `/alicloud-nas/<D>` is therefore the root of F, shared by every instance of V; the
  `nas_mount` role mounts it with `bindfs /alicloud-nas/<D> /nas_master`, where a real host mounts
  `<D>:/` over NFS.
- An outage of F (its mount target deleted, or the admin fault POST /_emulator/runtime/nas/<F>/outage)
  freezes (SIGSTOP) every bindfs process in this emulator's containers whose source is under
  `/alicloud-nas/<D>` for a domain D of F (or `/alicloud-nas/<F>`): every access through such a mount then
  hangs, as a hard NFS mount hangs when its server is gone. While an outage lasts, a poller freezes the
  bindfs processes that start meanwhile. A new mount target of F, or clearing the fault, resumes them
  (SIGCONT) unless the other reason still holds. The host directory itself never hangs.
- The emulator stopping resumes whatever it froze (a frozen process must not outlive its cause).
- A file system's data lives per VPC: one with mount targets in two VPCs has two separate directories.
"""

import contextlib
import json
import os
import shutil
import signal
import threading

MOUNT_PATH = "/alicloud-nas"
POLL_INTERVAL = 0.2  # seconds between scans for bindfs processes while an outage lasts


class NasShares:
    def __init__(self, state_dir, container_ids, log=print):
        """`container_ids()` returns the full IDs of this emulator's containers (to find their processes)."""
        self.root = os.path.join(os.path.realpath(state_dir), "nas")
        self.container_ids = container_ids
        self.log = log
        self.lock = threading.Lock()
        self.domains = self._load_domains()  # mount target domain -> file system id (deleted ones kept)
        self.faults = set()  # file systems with an injected outage
        self.lost_targets = set()  # file systems whose mount target was deleted and not yet re-created
        self.frozen = set()  # pids this emulator stopped
        self.poller = None

    # the runtime's seam -----------------------------------------------------------------------
    def volume_args(self, vpc_id):
        """`docker run` arguments that give an instance of `vpc_id` its VPC's file systems."""
        directory = os.path.join(self.root, vpc_id)
        os.makedirs(directory, exist_ok=True)
        return ["-v", f"{directory}:{MOUNT_PATH}"]

    def changed(self, kind, event, resource, store):
        if kind == "mount_target" and event == "created":
            self._add_target(resource)
        elif kind == "mount_target" and event == "deleted":
            self._remove_target(resource)
        elif kind == "file_system" and event == "deleted":
            self._remove_file_system(resource["FileSystemId"])

    def admin(self, method, path, body):
        """GET nas/outages; POST / DELETE nas/<file system id>/outage."""
        parts = path.strip("/").split("/")
        if parts == ["nas", "outages"] and method == "GET":
            with self.lock:
                return 200, {"faults": sorted(self.faults), "deleted_mount_targets": sorted(self.lost_targets)}
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
        with self.lock:
            self.faults.clear()
            self.lost_targets.clear()
            self.domains = {}
        self.enforce()
        shutil.rmtree(self.root, ignore_errors=True)

    def shutdown(self, remove=False):
        """Resume every frozen process (a freeze must not outlive the emulator); `remove` deletes the data."""
        with self.lock:
            self.faults.clear()
            self.lost_targets.clear()
        self.enforce()
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
            self._save_domains()
            self.lost_targets.discard(file_system_id)
        self.enforce()

    def _remove_target(self, target):
        link = os.path.join(self.root, target["VpcId"], target["MountTargetDomain"])
        if os.path.islink(link):
            os.unlink(link)
        with self.lock:
            self.lost_targets.add(target["FileSystemId"])
        self.enforce()

    def _remove_file_system(self, file_system_id):
        with self.lock:
            self.faults.discard(file_system_id)
            self.lost_targets.discard(file_system_id)
        self.enforce()
        if os.path.isdir(self.root):
            for vpc_id in os.listdir(self.root):
                shutil.rmtree(os.path.join(self.root, vpc_id, file_system_id), ignore_errors=True)

    # freezing ---------------------------------------------------------------------------------
    def enforce(self):
        """Freeze the bindfs processes of file systems that are down, resume the others. Returns #frozen."""
        with self.lock:
            down = self.faults | self.lost_targets
            sources = {f"{MOUNT_PATH}/{d}" for d, f in self.domains.items() if f in down}
            sources |= {f"{MOUNT_PATH}/{f}" for f in down}
        serving = _bindfs_processes(self._our_containers())
        frozen = set()
        for pid, source in serving.items():
            if source.rstrip("/") in sources or any(source.startswith(s + "/") for s in sources):
                frozen.add(pid)
        for pid in frozen:
            _signal(pid, signal.SIGSTOP)
        with self.lock:
            resumed = self.frozen - frozen
            self.frozen = frozen
        for pid in resumed:
            _signal(pid, signal.SIGCONT)
        self._keep_polling(bool(down))
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
                if not (self.faults or self.lost_targets):
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


def _bindfs_processes(container_ids):
    """{pid: source directory} of the bindfs processes running in the given containers."""
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
        except OSError:
            continue
        if not any(container_id in cgroup for container_id in container_ids):
            continue
        sources = [a for a in arguments if a.startswith(MOUNT_PATH + "/")]
        if sources:
            found[int(entry)] = sources[0]
    return found


def _signal(pid, number):
    with contextlib.suppress(OSError):  # it ended meanwhile
        os.kill(pid, number)
