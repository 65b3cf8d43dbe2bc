"""What an emulated instance's metadata service answers: the files the Docker runtime writes for it.

Each instance has a directory `<state-dir>/metadata/<instance id>/`, mounted read-only at
`/run/alicloud-metadata` in its container:

    responder.py                       the responder (metadata_responder.py), run in the instance
    http-tokens                        optional | required (the instance's MetadataOptions.HttpTokens)
    meta-data/instance-id, region-id, zone-id, private-ipv4, hostname
    meta-data/instance/spot/termination-time   only once the spot instance is interrupted

The emulator only writes files; the responder in the instance reads them at every request. Its address is a
loopback address of the instance's own network namespace (metadata_url()): nothing leaves the instance. The
real service's address is made unreachable in every instance (BLOCKED_ROUTE), so that a request meant for the
real cloud fails at once instead of leaving the machine.
"""

import os
import shutil
import time

from . import metadata_responder

MOUNT_POINT = metadata_responder.ROOT
RESPONDER = f"{MOUNT_POINT}/responder.py"
# The real metadata service's address: made unreachable inside every instance container, never contacted.
REAL_SERVICE_ADDRESS = "100.100.100.200"
BLOCKED_ROUTE = ["ip", "route", "replace", "unreachable", f"{REAL_SERVICE_ADDRESS}/32"]


def metadata_url():
    """The `meta-data` base URL inside an instance (inventories/local sets alicloud_metadata_url to it)."""
    return f"http://{metadata_responder.ADDRESS}:{metadata_responder.PORT}/latest/meta-data"


def termination_time(epoch):
    """A UTC time as the real item gives it: 2015-01-05T18:02:00Z."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def items(instance):
    """{path below meta-data: content} of an instance (an API instance as the store keeps it)."""
    found = {
        "instance-id": instance["InstanceId"],
        "region-id": instance["RegionId"],
        "zone-id": instance["ZoneId"],
        "private-ipv4": instance["_private_ip"],
        "hostname": instance["HostName"],
    }
    ends_at = instance.get("_interruption_ends_at")
    if ends_at is not None:
        found["instance/spot/termination-time"] = termination_time(ends_at)
    return found


def instance_directory(state_dir, instance_id):
    return os.path.join(os.path.realpath(state_dir), "metadata", instance_id)


def _write(path, text):
    """Replace the file at once (a reader sees the old content or the new, never a part)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    temporary = f"{path}.new"
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(temporary, path)


def write(directory, instance):
    """Bring the directory to what the instance's metadata answers now (an item no longer there is removed)."""
    os.makedirs(directory, exist_ok=True)
    _write(os.path.join(directory, "responder.py"), _responder_source())
    _write(os.path.join(directory, "http-tokens"), instance["MetadataOptions"]["HttpTokens"])
    meta_data = os.path.join(directory, "meta-data")
    wanted = {os.path.join(meta_data, path): content for path, content in items(instance).items()}
    for path, content in wanted.items():
        _write(path, content)
    for parent, _, names in os.walk(meta_data, topdown=False):
        for name in names:
            if os.path.join(parent, name) not in wanted:
                os.remove(os.path.join(parent, name))
        if parent != meta_data and not os.listdir(parent):
            os.rmdir(parent)  # a directory with no item left is not listed


def remove(directory):
    shutil.rmtree(directory, ignore_errors=True)


def _responder_source():
    with open(metadata_responder.__file__, encoding="utf-8") as handle:
        return handle.read()
