# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""NAS: the reads and calls several modules share, the product's not-found codes and its waiters.

Every function takes the AlicloudModule first and sends its request through module.call, so retries,
check mode and errors behave as in any module.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.ha_web.alicloud.plugins.module_utils.calls import dig
from ansible_collections.ha_web.alicloud.plugins.module_utils.errors import AlicloudApiError, is_code
from ansible_collections.ha_web.alicloud.plugins.module_utils.module import snake_resource
from ansible_collections.ha_web.alicloud.plugins.module_utils.waiters import Waiter

FILE_SYSTEM_NOT_FOUND = ("InvalidFileSystem.NotFound",)
MOUNT_TARGET_NOT_FOUND = ("InvalidMountTarget.NotFound", "InvalidParam.MountTargetDomain")
ACCESS_GROUP_NOT_FOUND = ("InvalidAccessGroup.NotFound",)
ACCESS_RULE_NOT_FOUND = ("InvalidAccessRule.NotFound",)

FILE_SYSTEM_RUNNING = Waiter(
    "file system to be Running",
    success=["Running"],
    waiting=["Pending", "Extending"],
    failure=["Stopped", "Stopping", "Deleting"],
    gone="wait",
)
# Before a mount target is added to it: the file system must exist.
FILE_SYSTEM_RUNNING_FOR_MOUNT = Waiter(
    "the file system to be Running", success=["Running"], waiting=["Pending", "Extending"], gone="fail"
)
# DeleteFileSystem refuses a file system that is still being created.
FILE_SYSTEM_READY_TO_DELETE = Waiter(
    "file system to be Running before deleting it",
    success=["Running"],
    waiting=["Pending", "Extending"],
    gone="success",
)
FILE_SYSTEM_DELETED = Waiter(
    "file system to be deleted", success=[], waiting=["Running", "Pending", "Extending", "Deleting"], gone="success"
)
MOUNT_TARGET_READY = Waiter(
    "mount target to be Active or Inactive", success=["Active", "Inactive"], waiting=["Pending"], gone="wait"
)
# DeleteMountTarget refuses a mount target that is still being created.
MOUNT_TARGET_READY_OR_GONE = Waiter(
    "mount target to be Active or Inactive", success=["Active", "Inactive"], waiting=["Pending"], gone="success"
)
MOUNT_TARGET_DELETED = Waiter(
    "mount target to be deleted", success=[], waiting=["Active", "Inactive", "Pending", "Deleting"], gone="success"
)


def read_file_system(module, file_system_id):
    """The file system (DescribeFileSystems), or None."""
    try:
        body = module.call("nas", "DescribeFileSystems", {"FileSystemId": file_system_id})
    except AlicloudApiError as error:
        if is_code(error, *FILE_SYSTEM_NOT_FOUND):
            return None
        raise
    found = [f for f in dig(body, "FileSystems", "FileSystem") or [] if f.get("FileSystemId") == file_system_id]
    return found[0] if found else None


def list_file_systems(module, query=None):
    """Every file system of the region (all pages), optionally filtered by the API (e.g. {"VpcId": ...})."""
    return module.paginate("nas", "DescribeFileSystems", query or {}, ("FileSystems", "FileSystem"), page_size=100)


def list_mount_targets(module, file_system_id):
    """The file system's mount targets (every page); None when the file system does not exist."""
    try:
        return module.paginate(
            "nas", "DescribeMountTargets", {"FileSystemId": file_system_id}, ("MountTargets", "MountTarget"), 100
        )
    except AlicloudApiError as error:
        if is_code(error, *FILE_SYSTEM_NOT_FOUND):
            return None
        raise


def read_mount_target(module, file_system_id, domain):
    """The mount target, or None (also when its file system is gone)."""
    try:
        body = module.call("nas", "DescribeMountTargets", {"FileSystemId": file_system_id, "MountTargetDomain": domain})
    except AlicloudApiError as error:
        if is_code(error, *(FILE_SYSTEM_NOT_FOUND + MOUNT_TARGET_NOT_FOUND)):
            return None
        raise
    found = [m for m in dig(body, "MountTargets", "MountTarget") or [] if m.get("MountTargetDomain") == domain]
    return found[0] if found else None


def delete_mount_target(module, file_system_id, domain):
    """DeleteMountTarget, once: an answer lost on the way is checked by reading (Deleting or gone is done);
    a mount target, or file system, already gone is no error."""

    def lost_but_done():
        current = read_mount_target(module, file_system_id, domain)
        return {} if current is None or current.get("Status") == "Deleting" else None

    try:
        module.call(
            "nas",
            "DeleteMountTarget",
            {"FileSystemId": file_system_id, "MountTargetDomain": domain},
            verify_lost=lost_but_done,
        )
    except AlicloudApiError as error:
        if not is_code(error, *(FILE_SYSTEM_NOT_FOUND + MOUNT_TARGET_NOT_FOUND)):
            raise


def list_zones(module, file_system_type="standard"):
    """The region's NAS zones (DescribeZones): per zone the storage types and protocols it offers."""
    body = module.call("nas", "DescribeZones", {"RegionId": module.region_id, "FileSystemType": file_system_type})
    return dig(body, "Zones", "Zone") or []


def zone_offers(zone):
    """[(storage type, protocol)] a NAS zone offers, protocols upper case (the API writes `nfs`)."""
    offers = []
    for entry in dig(zone, "InstanceTypes", "InstanceType") or []:
        offers.append((entry.get("StorageType") or "", (entry.get("ProtocolType") or "").upper()))
    return offers


def render_file_system(file_system):
    """The file system as the module returns it: snake_case, wrapped lists unwrapped, tags as dicts."""
    if not file_system:
        return {}
    body = dict(file_system)
    mount_targets = dig(body, "MountTargets", "MountTarget") or []
    packages = dig(body, "Packages", "Package") or []
    features = dig(body, "SupportedFeatures", "SupportedFeature") or []
    for key in ("MountTargets", "Packages", "SupportedFeatures"):
        body.pop(key, None)
    result = snake_resource(body)
    result["mount_targets"] = [render_mount_target(m) for m in mount_targets]
    result["packages"] = [snake_resource(p, tags_field=None) for p in packages]
    result["supported_features"] = features
    return result


def render_mount_target(mount_target):
    body = dict(mount_target)
    nodes = dig(body, "ClientMasterNodes", "ClientMasterNode") or []
    body.pop("ClientMasterNodes", None)
    result = snake_resource(body)
    result["client_master_nodes"] = [snake_resource(n, tags_field=None) for n in nodes]
    return result
