"""`--runtime docker`: every ECS instance is a systemd container on a Docker network of its VPC.

Driven through the `docker` command. Every object it creates carries the label `ha-web.emulator=<owner>`,
the owner being a hash of the state directory, so that `alicloud-emulator down` removes exactly what this
emulator created (`remove_owned`) and nothing else.

- One bridge network per VPC: subnet = the VPC's CIDR, gateway = the VPC's last usable address (inside the
  last three addresses of any vSwitch, which no vSwitch hands out), named `ha-web-<owner>-<vpc id>`.
- One container per instance, named by the instance ID (so `community.docker.docker` reaches it by ID),
  with the instance's host name and private IP (not its MAC address: Docker engines before API 1.44 take
  no `--mac-address` together with a network), from a local ECS image (tools/build-image.sh). The runtime is given
  one or more (`--image`, repeatable), each labelled with its release (`ha-web.os=debian_13`): an instance runs the
  one of its image's release, as its OS on the cloud would be (a `debian_13_*` public image -> the Debian 13 one, a
  `debian_12_*` -> Debian 12; the release is read from the image's OSName, else its ID), a local image's own ID that
  image, and any other image (no local image of its release) the first one given. Each local image is listed by
  DescribeImages under `image_id(reference)`.
- Container operations run on a worker thread per instance, in order, so that the API answers at once and
  keeps its own timing; a failed operation is reported on stderr (the emulator's log).
- Failures are also kept for GET /_emulator/runtime/errors (the latest 100).
- `observe` reports Stopped for an instance the API says is Running when its container is not running
  (crashed: POST /_emulator/runtime/instances/<id>/crash kills it without a graceful shutdown).
- Start (and StartInstance) creates a missing container: an emulator started again on a state directory
  whose containers `down` removed brings back the instances its state says are running.
- Every instance has its metadata service (instance_metadata.py): the runtime writes the instance's items into
  `<state-dir>/metadata/<instance id>/`, mounted read-only in the container, and runs the responder in the
  container on 127.100.100.200:8100 (a loopback address of the container's own network namespace) after every
  start; the real service's address is made unreachable there first (`ip route`, hence NET_ADMIN). A start
  reports Running only once the container runs and its responder answers (observe() says Starting until then).
- Load balancers are served by one HAProxy (clb_haproxy.py), each on a loopback address of its own.
- The emulator stopping leaves the containers and HAProxy as they are (the cloud's machines outlive its
  API); `down` removes them.
"""

import hashlib
import ipaddress
import os
import queue
import re
import subprocess
import sys
import threading
import time

from . import instance_metadata
from .clb_haproxy import DEFAULT_ADDRESSES, HaproxyClb
from .metadata_responder import ALREADY_RUNNING_MESSAGE
from .nas_shares import NasShares

LABEL = "ha-web.emulator"
SYSTEMD_OPTIONS = [
    "--cap-add", "SYS_ADMIN", "--cgroupns=host", "-v", "/sys/fs/cgroup:/sys/fs/cgroup:rw",
    "--tmpfs", "/run", "--tmpfs", "/run/lock", "--stop-signal", "SIGRTMIN+3", "-e", "container=docker",
]  # fmt: skip
# An instance's root manages its own network namespace, as on a VM (and the runtime sets its routes through it).
INSTANCE_CAPABILITIES = ["--cap-add", "NET_ADMIN"]
START_EVENTS = ("created", "started", "restored", "rebooted")
STOP_TIMEOUT = 30  # seconds systemd gets to shut down before docker kills the container
COMMAND_TIMEOUT = 120
MAX_ERRORS = 100
# A local image's creation time and its release label (tools/build-image.sh).
IMAGE_FORMAT = '{{.Created}}|{{index .Config.Labels "ha-web.os"}}'
STATE_TTL = 0.5  # seconds a `docker ps` listing of container states is reused by observe()


def owner_of(state_dir):
    """The label value of everything an emulator with this state directory creates."""
    return hashlib.sha256(os.path.realpath(state_dir).encode()).hexdigest()[:12]


def image_id(reference):
    """A custom-image-looking ID (m-...) for the local image, stable across restarts."""
    return "m-" + hashlib.sha256(reference.encode()).hexdigest()[:20]


def image_release(image):
    """`debian_13` for an image or instance record (DescribeImages or DescribeInstances fields) of Debian 13: from its
    OSNameEn or OSName ("Debian  13.2 64 bit"), else from an ID or name in the public images' form
    (debian_13_2_x64_20G_alibase_...); None when neither says."""
    for field in ("OSNameEn", "OSName"):
        found = re.match(r"\s*(debian)\s+([0-9]+)", image.get(field) or "", re.IGNORECASE)
        if found:
            return f"{found.group(1).lower()}_{found.group(2)}"
    for field in ("ImageId", "ImageName"):
        found = re.match(r"(debian)_([0-9]+)_", image.get(field) or "", re.IGNORECASE)
        if found:
            return f"{found.group(1).lower()}_{found.group(2)}"
    return None


def reference_release(reference, label):
    """The release of a local image: its label `ha-web.os` (tools/build-image.sh sets it), else what its name says
    (ha-web/debian13-ecs:... -> debian_13); None when neither says."""
    if label and label != "<no value>":
        return label
    found = re.search(r"debian[_-]?([0-9]+)", reference.rsplit(":", 1)[0])
    return f"debian_{found.group(1)}" if found else None


def choose_image(references, instance):
    """The local image an instance runs: its own (ImageId is a local image's ID), else the first of its image's
    release, else the first given. `references`: [(reference, release)] in the order given."""
    for reference, _release in references:
        if instance.get("ImageId") == image_id(reference):
            return reference
    wanted = image_release(instance)
    for reference, release in references:
        if wanted is not None and release == wanted:
            return reference
    return references[0][0]


def docker(*args, timeout=COMMAND_TIMEOUT):
    """Run `docker args...`; returns its stdout; raises RuntimeError with docker's message on failure."""
    try:
        done = subprocess.run(  # noqa: S603 - arguments we built
            ["docker", *args],  # noqa: S607 - docker from PATH
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise RuntimeError(f"docker {args[0]}: {error}") from None
    if done.returncode != 0:
        raise RuntimeError(f"docker {' '.join(args[:2])}: {done.stderr.strip() or done.returncode}")
    return done.stdout


def remove_owned(owner):
    """Remove the containers, then the networks, labelled with this owner. Returns (containers, networks)."""
    label = f"label={LABEL}={owner}"
    containers = docker("ps", "-aq", "--filter", label).split()
    if containers:
        docker("rm", "-f", "-v", *containers)
    networks = docker("network", "ls", "-q", "--filter", label).split()
    if networks:
        docker("network", "rm", *networks)
    return len(containers), len(networks)


def _local_image(reference, release, created):
    """How DescribeImages lists a local image (a custom image of the account)."""
    number = (release or "").rpartition("_")[2]
    family = (release or "local").replace("_", "")
    return {
        "ImageId": image_id(reference),
        "ImageName": f"ha-web-{family}-ecs-" + reference.rsplit(":", 1)[-1],
        "ImageFamily": f"ha-web-{family}-ecs",
        "OSName": f"Debian  {number} 64位" if number.isdigit() else "Linux 64位",
        "OSNameEn": f"Debian  {number} 64 bit" if number.isdigit() else "Linux 64 bit",
        "Platform": "Debian" if number.isdigit() else "Others Linux",
        "CreationTime": created[:19] + "Z",
        "Size": 20,
        "ImageOwnerAlias": "self",
        "IsPublic": False,
        "Description": f"local ECS image {reference} (tools/build-image.sh)",
    }


def _network_name(owner, vpc_id):
    return f"ha-web-{owner}-{vpc_id}"


def _gateway(cidr):
    network = ipaddress.ip_network(cidr)
    return str(network.broadcast_address - 1)


class _Worker:
    """Runs one instance's container operations in order, on its own thread."""

    def __init__(self, runtime, instance_id):
        self.runtime = runtime
        self.instance_id = instance_id
        self.jobs = queue.Queue()
        self.pending = 0  # queued or running jobs (read by observe)
        self.starting = 0  # of them, starts: the instance is not Running before they are done
        self.thread = threading.Thread(target=self._loop, name=f"docker-{instance_id}", daemon=True)
        self.thread.start()

    def put(self, job, start=False):
        with self.runtime.lock:
            self.pending += 1
            self.starting += start
        self.jobs.put((*job, start))

    def _loop(self):
        while True:
            job = self.jobs.get()
            if job is None:
                return
            name, function, args, start = job
            try:
                function(*args)
            except RuntimeError as error:
                self.runtime.log(f"instance {self.instance_id} {name} failed: {error}")
            finally:
                with self.runtime.lock:
                    self.pending -= 1
                    self.starting -= start
                    self.runtime.states_at = 0.0  # the next observe() lists the containers again

    def close(self):
        self.jobs.put(None)
        self.thread.join()


class DockerRuntime:
    name = "docker"

    def __init__(self, images, state_dir, log=None, lb_addresses=DEFAULT_ADDRESSES):
        self.images = [images] if isinstance(images, str) else list(images)
        if not self.images:
            raise ValueError("--runtime docker needs at least one --image (tools/build-image.sh prints it)")
        self.references = [(reference, None) for reference in self.images]  # (reference, release), set by start()
        self.state_dir = state_dir
        self.owner = owner_of(state_dir)
        self.write_log = log or (lambda message: print(f"docker runtime: {message}", file=sys.stderr, flush=True))
        self.errors = []  # the latest failures, for GET /_emulator/runtime/errors
        self.lock = threading.Lock()
        self.network_lock = threading.Lock()
        self.workers = {}
        self.states = {}  # container name -> docker state (running, exited, created, ...)
        self.states_at = 0.0
        self.clb = HaproxyClb(state_dir, lb_addresses, log=self.log)
        self.nas = NasShares(state_dir, self._container_ids, log=self.log)

    # the seam --------------------------------------------------------------------------------
    def start(self, emulator):
        references = []
        for reference in self.images:
            # fails early, with docker's message, if the image is not built
            answer = docker("image", "inspect", "--format", IMAGE_FORMAT, reference)
            created, _bar, label = answer.strip().partition("|")
            release = reference_release(reference, label)
            references.append((reference, release))
            emulator.catalog.add_image(_local_image(reference, release, created))
        self.references = references
        with emulator.store.lock:
            for instance in emulator.store.all("instance"):
                if not instance["_deleting"] and instance["Status"] in ("Pending", "Starting", "Running"):
                    self.changed("instance", "restored", instance, emulator.store)
            self.clb.update(emulator.store)
            self.nas.restore(emulator.store.all("file_system"), emulator.store.all("mount_target"))

    def changed(self, kind, event, resource, store):
        if kind == "load_balancer":
            if event == "created" and resource.get("AddressType") == "internet":
                resource["Address"] = self.clb.allocate_address(store)
            self.clb.update(store)
            return
        if kind in ("mount_target", "file_system"):
            self.nas.changed(kind, event, resource, store)
            return
        if kind == "vpc" and event == "deleted":
            name = _network_name(self.owner, resource["VpcId"])
            threading.Thread(target=self._remove_network, args=(name,), daemon=True).start()
            return
        if kind != "instance":
            return
        instance_id = resource["InstanceId"]
        if event in (*START_EVENTS, "interrupted", "metadata_options"):
            instance_metadata.write(self._metadata_directory(instance_id), resource)
        serve = resource.get("MetadataOptions", {}).get("HttpEndpoint", "enabled") == "enabled"
        if event in ("created", "started", "restored"):
            vpc = store.get("vpc", resource["_vpc_id"])
            image = choose_image(self.references, resource)
            wanted = image_release(resource)
            if event == "created" and wanted and wanted not in {release for _ref, release in self.references}:
                self.write_log(f"instance {instance_id}: no local image of {wanted} (--image); it runs {image}")
            spec = (resource["_vpc_id"], vpc["CidrBlock"], resource["HostName"], resource["_private_ip"], serve, image)
            self._worker(instance_id).put((event, self._run, (instance_id, *spec)), start=True)
        elif event == "metadata_options" and self._container_states(fresh=True).get(instance_id) == "running":
            self._worker(instance_id).put(("metadata options", self._switch_metadata, (instance_id, serve)))
        elif event == "stopped":
            self._worker(instance_id).put(("stop", docker, ("stop", "-t", str(STOP_TIMEOUT), instance_id)))
        elif event == "force_stopped":
            self._worker(instance_id).put(("force stop", docker, ("kill", instance_id)))
        elif event == "rebooted":
            self._worker(instance_id).put(("reboot", self._reboot, (instance_id, serve)), start=True)
        elif event == "deleted":
            worker = self._worker(instance_id)
            worker.put(("delete", self._remove, (instance_id,)))
            with self.lock:
                self.workers.pop(instance_id, None)
            worker.jobs.put(None)  # the thread ends once the container is removed
            self.clb.update(store)  # its backend entries go with it

    def observe(self, kind, resource):
        if kind != "instance" or resource.get("Status") != "Running":
            return {}
        instance_id = resource["InstanceId"]
        with self.lock:
            worker = self.workers.get(instance_id)
            if worker is not None and worker.starting:
                return {"Status": "Starting"}  # Running once the container runs and its metadata service answers
            if worker is not None and worker.pending:
                return {}  # the container is being changed: the API's own timeline holds
        if self._container_states().get(instance_id) != "running":
            return {"Status": "Stopped"}
        return {}

    def backend_health(self, load_balancer, listener, server):
        if listener.get("Status") != "running" or listener.get("HealthCheck") != "on":
            return None  # the control plane's rules: unavailable
        return self.clb.health(load_balancer["LoadBalancerId"], listener["ListenerPort"], server["ServerId"])

    def reset(self, store):
        """The admin reset: every container, network and load balancer of this emulator goes."""
        self._close_workers()
        self.nas.reset()
        remove_owned(self.owner)
        instance_metadata.remove(os.path.join(os.path.realpath(self.state_dir), "metadata"))
        self.clb.update(store)

    def admin(self, method, path, body):
        parts = path.strip("/").split("/")
        if method == "POST" and len(parts) == 3 and parts[0] == "instances" and parts[2] == "crash":
            instance_id = parts[1]
            if self._container_states(fresh=True).get(instance_id) != "running":
                return 409, {"error": f"no running container for instance {instance_id}"}
            try:
                docker("kill", instance_id)
            except RuntimeError as error:
                return 500, {"error": str(error)}
            with self.lock:
                self.states_at = 0.0
            return 200, {"instance": instance_id, "crashed": True}
        if parts[0] == "nas":
            return self.nas.admin(method, path, body)
        if method == "GET" and parts == ["errors"]:
            with self.lock:
                return 200, {"errors": list(self.errors)}
        return None

    def shutdown(self, remove=False):
        """Let queued container operations finish; with `remove`, remove every container, network and HAProxy."""
        self._close_workers()
        self.nas.shutdown(remove=remove)
        self.clb.close(remove=remove)
        if remove:
            remove_owned(self.owner)

    def _close_workers(self):
        with self.lock:
            workers, self.workers = list(self.workers.values()), {}
        for worker in workers:
            worker.close()

    # helpers ---------------------------------------------------------------------------------
    def log(self, message):
        """A failure: to the emulator's log, and kept for GET /_emulator/runtime/errors."""
        with self.lock:
            self.errors = [*self.errors[-(MAX_ERRORS - 1) :], {"at": time.time(), "error": message}]
        self.write_log(message)

    def _worker(self, instance_id):
        with self.lock:
            worker = self.workers.get(instance_id)
            if worker is None:
                worker = self.workers[instance_id] = _Worker(self, instance_id)
            return worker

    def _container_states(self, fresh=False):
        with self.lock:
            if not fresh and time.monotonic() - self.states_at < STATE_TTL:
                return self.states
        try:
            listing = docker("ps", "-a", "--filter", f"label={LABEL}={self.owner}", "--format", "{{.Names}} {{.State}}")
        except RuntimeError as error:
            self.log(f"listing containers failed: {error}")
            return self.states
        states = dict(line.split(" ", 1) for line in listing.splitlines() if " " in line)
        with self.lock:
            self.states, self.states_at = states, time.monotonic()
        return states

    def _network(self, vpc_id, cidr):
        name = _network_name(self.owner, vpc_id)
        with self.network_lock:
            found = docker("network", "ls", "-q", "--filter", f"name=^{name}$")
            if not found.strip():
                docker(
                    "network", "create", "--driver", "bridge", "--subnet", cidr, "--gateway", _gateway(cidr),
                    "--label", f"{LABEL}={self.owner}", "--label", f"ha-web.vpc={vpc_id}", name,
                )  # fmt: skip
        return name

    def _container_ids(self):
        return docker("ps", "-q", "--no-trunc", "--filter", f"label={LABEL}={self.owner}").split()

    def _remove_network(self, name):
        with self.network_lock:
            try:
                if docker("network", "ls", "-q", "--filter", f"name=^{name}$").strip():
                    docker("network", "rm", name)
            except RuntimeError as error:
                self.log(f"removing network {name} failed: {error}")

    def _metadata_directory(self, instance_id):
        return instance_metadata.instance_directory(self.state_dir, instance_id)

    def _run(self, instance_id, vpc_id, cidr, host_name, private_ip, serve, image):
        """Start the instance's container, creating it from `image` when there is none (new, or removed by `down`);
        then its metadata service."""
        state = self._container_states(fresh=True).get(instance_id)
        if state is None:
            self._create(instance_id, vpc_id, cidr, host_name, private_ip, image)
        elif state != "running":
            docker("start", instance_id)
        self._start_metadata(instance_id, serve)

    def _reboot(self, instance_id, serve):
        docker("restart", "-t", str(STOP_TIMEOUT), instance_id)
        self._start_metadata(instance_id, serve)

    def _remove(self, instance_id):
        docker("rm", "-f", "-v", instance_id)
        instance_metadata.remove(self._metadata_directory(instance_id))

    def _start_metadata(self, instance_id, serve):
        """The real service's address unreachable, then (HttpEndpoint enabled) the responder, listening."""
        docker("exec", instance_id, *instance_metadata.BLOCKED_ROUTE)
        if not serve:
            return
        try:
            docker("exec", instance_id, "python3", instance_metadata.RESPONDER, "--daemon")
        except RuntimeError as error:
            if ALREADY_RUNNING_MESSAGE not in str(error):  # a responder listens already (a restored instance)
                raise

    def _switch_metadata(self, instance_id, serve):
        """HttpEndpoint changed on a running instance: its responder started, or stopped."""
        if serve:
            self._start_metadata(instance_id, serve)
        else:
            docker("exec", instance_id, "sh", "-c", f"pkill -f {instance_metadata.RESPONDER} || true")  # none: done

    def _create(self, instance_id, vpc_id, cidr, host_name, private_ip, image):
        network = self._network(vpc_id, cidr)
        fuse = ["--device", "/dev/fuse"] if os.path.exists("/dev/fuse") else []
        metadata = ["-v", f"{self._metadata_directory(instance_id)}:{instance_metadata.MOUNT_POINT}:ro"]
        docker(
            "run", "-d", "--name", instance_id, "--hostname", host_name, "--network", network, "--ip", private_ip,
            "--label", f"{LABEL}={self.owner}", "--label", f"ha-web.instance={instance_id}",
            *SYSTEMD_OPTIONS, *INSTANCE_CAPABILITIES, *fuse, *self.nas.volume_args(vpc_id), *metadata,
            image, "/sbin/init",
        )  # fmt: skip
