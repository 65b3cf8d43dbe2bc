"""Helpers for tests and benchmarks of `--runtime docker`: the local image, an emulator process that
cleans up after itself, waiting for an API status and for systemd in a container."""

import fcntl
import ipaddress
import os
import random
import subprocess
import tempfile
import time
from pathlib import Path

from .clb_haproxy import stop_haproxy
from .cli import main as cli_main
from .docker_runtime import docker, owner_of, remove_owned
from .testing import EmulatorProcess, sdk_models

REGION = "cn-hangzhou"
# The newest public image of each release in the shipped catalog (catalog.IMAGES).
DEBIAN_13 = "debian_13_2_x64_20G_alibase_20251121.vhd"
DEBIAN_12 = "debian_12_9_x64_20G_alibase_20250117.vhd"
BUILD_IMAGE = Path(__file__).resolve().parents[2] / "tools" / "build-image.sh"
FRESH_APT_IMAGE = BUILD_IMAGE.with_name("fresh-apt-image.sh")
# free_block's reservations: long enough for a chosen block's network to exist (a test's first instance), after which
# Docker's own list shows it taken.
BLOCK_RESERVATIONS = Path(tempfile.gettempdir()) / "ha-web-network-blocks"
BLOCK_RESERVATION_SECONDS = 1800


def _image_from(script, *args):
    """The image reference a tools/ script prints last (it builds or derives the image first if needed)."""
    done = subprocess.run([str(script), *args], capture_output=True, text=True, check=True)  # noqa: S603
    return done.stdout.strip().splitlines()[-1]


def local_image(release=None):
    """The reference of the local ECS image of a Debian release (trixie or 13, the default; bookworm or 12), built by
    tools/build-image.sh if needed (cached)."""
    return _image_from(BUILD_IMAGE, *([release] if release else []))


def fresh_apt_image(release=None):
    """The local ECS image with the apt state of a freshly built one (tools/fresh-apt-image.sh [RELEASE]): hosts made
    from it are what a fresh machine meets, whatever the age of the cached image."""
    return _image_from(FRESH_APT_IMAGE, *([release] if release else []))


class DockerEmulator(EmulatorProcess):
    """`alicloud-emulator serve --runtime docker`; `down()` stops it and removes what it created."""

    def __init__(self, state_dir, image, timing="fast"):
        """`image`: a local image's reference, or several (one per release; the first for any other image)."""
        images = [image] if isinstance(image, str) else list(image)
        options = [option for reference in images for option in ("--image", reference)]
        super().__init__(state_dir=state_dir, extra_args=["--runtime", "docker", *options, "--timing", timing])
        self.owner = owner_of(state_dir)

    def down(self):
        """What `alicloud-emulator down` does; returns its exit status."""
        self.stop()
        return cli_main(["down", "--state-dir", self.state_dir])

    def __enter__(self):
        return self.start()

    def __exit__(self, exc_type, exc, traceback):
        if exc_type is not None and self.process and self.process.poll() is None:
            self.process.terminate()  # a test failed: show the emulator's log (pytest prints captured output)
            print(self.output())
        self.stop()
        stop_haproxy(os.path.join(os.path.realpath(self.state_dir), "haproxy"))
        remove_owned(self.owner)  # even when the test failed half-way


def wait_for(check, timeout, interval=0.2, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def free_block():
    """A random 10.x.0.0/16 (x in 64-250, not 70 or 90: fixed ones of other tests) that no Docker network overlaps and
    no other test has just chosen. A block is chosen well before its network exists (the emulator creates it at the
    first RunInstances), so concurrent choosers (xdist workers, the test lanes of `make test`) once picked the same
    block and the second network failed with `Pool overlaps`. The choice is made under a lock and reserved for
    BLOCK_RESERVATION_SECONDS while its process lives (a file in BLOCK_RESERVATIONS named by x)."""
    BLOCK_RESERVATIONS.mkdir(parents=True, exist_ok=True)
    with open(BLOCK_RESERVATIONS / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        ids = docker("network", "ls", "-q").split()
        subnets = docker("network", "inspect", "--format", "{{range .IPAM.Config}}{{.Subnet}} {{end}}", *ids).split()
        taken = [ipaddress.ip_network(subnet) for subnet in subnets if "." in subnet]
        reserved = _reserved_blocks()
        free = [
            x
            for x in range(64, 251)
            if x not in (70, 90)
            and x not in reserved
            and not any(ipaddress.ip_network(f"10.{x}.0.0/16").overlaps(t) for t in taken)
        ]
        x = random.choice(free)  # noqa: S311 - not for secrets
        (BLOCK_RESERVATIONS / str(x)).write_text(str(os.getpid()))
    return f"10.{x}.0.0/16"


def _reserved_blocks():
    """The x of every reservation still held (its process alive, younger than BLOCK_RESERVATION_SECONDS); the others
    are removed."""
    held = set()
    for path in BLOCK_RESERVATIONS.iterdir():
        if not path.name.isdigit():
            continue
        try:
            pid, age = int(path.read_text() or 0), time.time() - path.stat().st_mtime
        except (OSError, ValueError):
            continue
        if age < BLOCK_RESERVATION_SECONDS and _alive(pid):
            held.add(int(path.name))
        else:
            path.unlink(missing_ok=True)
    return held


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return pid > 0


def network(cloud, cidr=None):
    """A VPC (`cidr`, else a random 10.x.0.0/16 so that concurrent runs do not collide) with two vSwitches."""
    vpc, m = cloud.client("vpc"), sdk_models("vpc")
    block = ipaddress.ip_network(cidr or free_block())
    vpc_id = vpc.create_vpc(m.CreateVpcRequest(region_id=REGION, cidr_block=str(block))).body.vpc_id
    wait_for(
        lambda: vpc.describe_vpcs(m.DescribeVpcsRequest(region_id=REGION, vpc_id=vpc_id)).body.vpcs.vpc[0].status
        == "Available",
        30,
        what="the VPC",
    )
    subnets = list(block.subnets(new_prefix=24))
    ecs, em = cloud.client("ecs"), sdk_models("ecs")
    group_id = ecs.create_security_group(
        em.CreateSecurityGroupRequest(region_id=REGION, vpc_id=vpc_id, security_group_name="web")
    ).body.security_group_id

    def available(vswitch_id):
        found = vpc.describe_vswitches(m.DescribeVSwitchesRequest(region_id=REGION, v_switch_id=vswitch_id)).body
        return found.v_switches.v_switch[0].status == "Available"

    vswitch_ids = []
    for zone, subnet in (("cn-hangzhou-j", subnets[1]), ("cn-hangzhou-k", subnets[2])):
        request = m.CreateVSwitchRequest(region_id=REGION, vpc_id=vpc_id, zone_id=zone, cidr_block=str(subnet))
        vswitch_ids.append(vpc.create_vswitch(request).body.v_switch_id)
        wait_for(lambda: available(vswitch_ids[-1]), 30, what="the vSwitch")  # the cloud makes them one at a time
    return {"vpc_id": vpc_id, "cidr": str(block), "vswitch_ids": vswitch_ids, "group_id": group_id}


def run_instance(cloud, net, zone_index=0, host_name=None, image_id=DEBIAN_13, metadata=True):
    """An instance; `metadata=False` runs it without its metadata service (RunInstances HttpEndpoint=disabled)."""
    ecs, m = cloud.client("ecs"), sdk_models("ecs")
    request = m.RunInstancesRequest(
        region_id=REGION,
        image_id=image_id,
        instance_type="ecs.g7.large",
        v_switch_id=net["vswitch_ids"][zone_index],
        security_group_id=net["group_id"],
        host_name=host_name,
        http_endpoint=None if metadata else "disabled",
    )
    return ecs.run_instances(request).body.instance_id_sets.instance_id_set[0]


def describe(cloud, instance_id):
    ecs, m = cloud.client("ecs"), sdk_models("ecs")
    request = m.DescribeInstancesRequest(region_id=REGION, instance_ids=f'["{instance_id}"]')
    return ecs.describe_instances(request).body.instances.instance[0]


def wait_status(cloud, instance_id, status, timeout=60):
    wait_for(lambda: describe(cloud, instance_id).status == status, timeout, what=f"{instance_id} {status}")


def container_state(name):
    """`running`, `exited`, ... or None when there is no such container."""
    try:
        return docker("inspect", "--format", "{{.State.Status}}", name).strip()
    except RuntimeError:
        return None


def systemd_state(name):
    """What `systemctl is-system-running` says in the container (running, degraded, starting, ...)."""
    command = ["docker", "exec", name, "systemctl", "is-system-running"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 - docker from PATH
    return done.stdout.strip()


def wait_systemd(name, timeout=120):
    """Until systemd in the container finished booting (running, or degraded: some unit failed)."""
    return wait_for(lambda: systemd_state(name) in ("running", "degraded"), timeout, what=f"systemd in {name}")


def foreign_objects(image):
    """A network and a container labelled as another emulator's: what `down` must leave alone."""
    label = f"ha-web.emulator=other{os.getpid()}"
    name = f"ha-web-foreign-{os.getpid()}"
    docker("network", "create", "--label", label, name)
    try:
        docker("create", "--name", name, "--label", label, image, "/sbin/init")
    except RuntimeError:
        docker("network", "rm", name)
        raise
    return name


WEB_SERVER = (
    "mkdir -p /srv/www && hostname > /srv/www/index.html && echo ok > /srv/www/health && "
    "systemd-run --unit=web python3 -m http.server 80 --directory /srv/www"
)


def start_web_server(instance_id):
    """A small web server in the instance: / answers its host name, /health answers ok."""
    command = ["docker", "exec", instance_id, "sh", "-c", WEB_SERVER]
    subprocess.run(command, check=True, capture_output=True)  # noqa: S603


def load_balancer(cloud, instances, interval=2, healthy=3, unhealthy=3, timeout=5):
    """A load balancer with a running HTTP listener 80 -> 80 (health check /health) and `instances` at weight 100."""
    slb, m = cloud.client("slb"), sdk_models("slb")
    request = m.CreateLoadBalancerRequest(region_id=REGION, load_balancer_name="web", instance_charge_type="PayByCLCU")
    lb = slb.create_load_balancer(request).body
    slb.create_load_balancer_httplistener(
        m.CreateLoadBalancerHTTPListenerRequest(
            region_id=REGION,
            load_balancer_id=lb.load_balancer_id,
            listener_port=80,
            backend_server_port=80,
            bandwidth=-1,
            health_check="on",
            health_check_uri="/health",
            health_check_interval=interval,
            healthy_threshold=healthy,
            unhealthy_threshold=unhealthy,
            health_check_timeout=timeout,
            sticky_session="off",
        )
    )
    slb.start_load_balancer_listener(
        m.StartLoadBalancerListenerRequest(region_id=REGION, load_balancer_id=lb.load_balancer_id, listener_port=80)
    )
    set_backends(cloud, lb.load_balancer_id, dict.fromkeys(instances, 100))
    return {"lb_id": lb.load_balancer_id, "address": lb.address, "instances": list(instances)}


def set_backends(cloud, lb_id, weights):
    slb, m = cloud.client("slb"), sdk_models("slb")
    servers = "[" + ",".join(f'{{"ServerId":"{i}","Weight":"{w}"}}' for i, w in weights.items()) + "]"
    request = m.AddBackendServersRequest(region_id=REGION, load_balancer_id=lb_id, backend_servers=servers)
    slb.add_backend_servers(request)


def health(cloud, lb_id, listener_port=None):
    """{instance id: normal | abnormal | unavailable} as DescribeHealthStatus reports it (for one listener)."""
    slb, m = cloud.client("slb"), sdk_models("slb")
    request = m.DescribeHealthStatusRequest(region_id=REGION, load_balancer_id=lb_id, listener_port=listener_port)
    rows = slb.describe_health_status(request).body.backend_servers.backend_server
    return {row.server_id: row.server_health_status for row in rows}
