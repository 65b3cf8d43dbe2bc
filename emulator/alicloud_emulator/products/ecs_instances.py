"""ECS instances: RunInstances (its request checks: ecs_run_instances.py), the state machine, Describe*,
Start/Stop/Reboot/Delete, ModifyInstanceAttribute, ModifyInstanceMetadataOptions.

Status: RunInstances Pending -> Starting -> Running; Start Stopped -> Starting -> Running; Stop Running ->
Stopping -> Stopped; Reboot Running -> Stopping -> Starting -> Running; Delete: the instance stays visible
(Stopped, or Stopping when a Running one is force-released) with the lock RELEASE_LOCK until it is gone from
Describe, and refuses every action meanwhile, DeleteInstance included.
"""

import ipaddress
import re
import uuid

from .. import ids
from ..errors import ApiError, invalid_parameter, missing
from ..params import Params
from . import ecs_errors
from .base import (
    dry_run,
    iso_minutes,
    matches_tags,
    page,
    resource_group_id,
    tags_with_tag_key,
    token_page,
    uses_token_paging,
)
from .ecs import ECS
from .ecs_run_instances import (
    DESCRIPTION,
    MAX_SECURITY_GROUPS,
    check_host_name,
    check_instance_name,
    check_metadata_options,
    check_one_group_type,
    check_password,
    check_run_request,
    check_user_data,
)

STATUSES = ("Pending", "Running", "Starting", "Stopping", "Stopped")
PUBLIC_IP_POOL = ipaddress.ip_network("47.96.0.0/16")
NEVER_EXPIRES = "2099-12-31T15:59Z"  # what pay-as-you-go instances report as ExpiredTime
# The private fields of an `instance` (beside the store's own, see store.py), what each holds, and who else reads it.
PRIVATE_FIELDS = {
    "instance": {
        "_vpc_id": "its vSwitch's VPC; slb_backends.py (a backend must be in the load balancer's VPC), "
        "docker_runtime.py (the container's network)",
        "_vswitch_id": "its vSwitch; addresses.py (the vSwitch's taken addresses), vpc.py (DeleteVSwitch refuses "
        "while instances use it)",
        "_private_ip": "its primary private address; addresses.py, slb_backends.py and slb_health.py (ServerIp), "
        "slb_load_balancers.py (the DescribeLoadBalancers ServerIntranetAddress filter), "
        "clb_haproxy.py (the HAProxy server lines), docker_runtime.py (the container's address)",
        "_public_ip": "its public address, or '' (no InternetMaxBandwidthOut)",
        "_security_group_ids": "the groups it is in; ecs_security_groups.py (DeleteSecurityGroup refuses while "
        "instances are in the group)",
        "_network_interface_id": "its primary ENI, as DescribeInstances shows it",
        "_mac_address": "its primary ENI's MAC address",
        "_password": "the login password sent (never shown by an API)",
        "_user_data": "the base64 UserData sent (never shown by an API)",
        "_system_disk": "the system disk asked for (category, size): kept in the state, not shown",
        "_data_disks": "the data disks asked for: kept in the state, not shown",
        "_expires_at": "a subscription's end (epoch seconds), None for pay-as-you-go",
        "_started_at": "when it last started (epoch seconds); slb_health.py (a backend is healthy some checks later)",
        "_stopped_mode": "StopInstance's StoppedMode, shown as StoppedMode",
        "_deleting": "True once released (it stays visible with RELEASE_LOCK until gone); docker_runtime.py "
        "(a released instance's container is not restored)",
        "_interruption_ends_at": "the end of a spot interruption's notice (epoch seconds), None when not interrupted; "
        "ecs_spot.py (what happens then), instance_metadata.py (instance/spot/termination-time)",
    },
}
HOURLY_PRICE_PER_VCPU = 0.0825  # an illustrative list price for TradePrice
# Fields every instance reports the same way here (no GPUs, local disks, dedicated hosts or EIPs).
CONSTANT_FIELDS = {
    "InstanceNetworkType": "vpc",
    "OSType": "linux",
    "IoOptimized": True,
    "Recyclable": False,
    "DeviceAvailable": True,
    "CreditSpecification": "",
    "AutoReleaseTime": "",
    "GPUAmount": 0,
    "GPUSpec": "",
    "LocalStorageAmount": 0,
    "LocalStorageCapacity": 0,
    "SaleCycle": "",
    "VlanId": "",
    "ClusterId": "",
    "HpcClusterId": "",
    "DeploymentSetId": "",
    "InnerIpAddress": {"IpAddress": []},
    "RdmaIpAddress": {"IpAddress": []},
    "EipAddress": {"AllocationId": "", "IpAddress": "", "InternetChargeType": "", "IsSupportUnassociate": False},
    "OperationLocks": {"LockReason": []},
    "SpotInterruptionBehavior": "",
    "MetadataOptions": {"HttpEndpoint": "enabled", "HttpTokens": "optional", "HttpPutResponseHopLimit": 1},
    "HibernationOptions": {"Configured": False},
    "DedicatedHostAttribute": {"DedicatedHostId": "", "DedicatedHostName": "", "DedicatedHostClusterId": ""},
    "DedicatedInstanceAttribute": {"Affinity": "", "Tenancy": ""},
    "EcsCapacityReservationAttr": {"CapacityReservationId": "", "CapacityReservationPreference": ""},
    "SecurityOptions": {"EnableSecureBoot": False},
    "ImageOptions": {"LoginAsNonRoot": False},
}
# The OperationLocks entry of an instance being released. The API documents `Recycling` as "locked and pending
# release" (for spot instances); what a released on-demand instance shows is not documented, and the harsher
# guess is that it shows the same, so that a client must recognise it (see emulator/README.md).
RELEASE_LOCK = {"LockReason": "Recycling"}
# What DescribeInstanceAttribute shows of the DescribeInstances view.
ATTRIBUTE_FIELDS = (
    "InstanceId", "InstanceName", "HostName", "Description", "Status", "ImageId", "InstanceType", "Cpu", "Memory",
    "RegionId", "ZoneId", "InstanceNetworkType", "VpcAttributes", "PublicIpAddress", "InnerIpAddress",
    "SecurityGroupIds", "InternetChargeType", "InternetMaxBandwidthIn", "InternetMaxBandwidthOut",
    "InstanceChargeType", "CreationTime", "ExpiredTime", "StoppedMode", "SerialNumber", "CreditSpecification",
    "OperationLocks", "ClusterId", "VlanId", "SecurityOptions",
)  # fmt: skip


# errors ---------------------------------------------------------------------------------------
# reading instances ----------------------------------------------------------------------------
def _instance(ctx, instance_id):
    """An instance by ID in any region (the single-instance actions take no RegionId)."""
    instance = ctx.store.get("instance", instance_id)
    if instance is None:
        raise ecs_errors.INVALID_INSTANCE_ID_NOT_FOUND()
    return instance


def _regional_instance(ctx, instance_id):
    instance = ctx.store.get("instance", instance_id)
    return instance if instance is not None and instance["_region"] == ctx.region else None


def _view(ctx, instance):
    """The stored instance with what the data plane observes merged over it (e.g. a crashed one is Stopped)."""
    return {**instance, **ctx.runtime.observe("instance", instance)}


def observed_status(ctx, instance):
    return _view(ctx, instance)["Status"]


def is_locked(instance):
    """Being released, or interrupted (a spot instance in its notice): every state change is refused."""
    return bool(instance.get("_deleting")) or instance.get("_interruption_ends_at") is not None


def _require_status(ctx, instance, allowed):
    if is_locked(instance) or observed_status(ctx, instance) not in allowed:
        raise ecs_errors.INCORRECT_INSTANCE_STATUS()


def _public_ips(ctx, count):
    used = {i["_public_ip"] for i in ctx.store.all("instance") if i.get("_public_ip")}
    free = []
    for address in PUBLIC_IP_POOL.hosts():
        if len(free) == count:
            break
        if str(address) not in used:
            free.append(str(address))
    return free


def _mac_address():
    return "00:16:3e:" + ":".join(f"{b:02x}" for b in uuid.uuid4().bytes[:3])


# RunInstances ---------------------------------------------------------------------------------
@ECS.action("RunInstances", client_token=True)
def run_instances(ctx):
    p = ctx.params
    request = check_run_request(ctx)
    dry_run(p)
    if request.settings["InternetMaxBandwidthOut"] > 0:
        public_ips = _public_ips(ctx, len(request.instance_ids))
    else:
        public_ips = [""] * len(request.instance_ids)
    for index, instance_id in enumerate(request.instance_ids):
        instance = ctx.store.add(
            "instance",
            instance_id,
            {
                "InstanceId": instance_id,
                "InstanceName": request.names[index],
                "HostName": request.host_names[index],
                "Description": request.description,
                "Status": "Pending",
                "ImageId": request.image["ImageId"],
                "OSName": request.image.get("OSName", ""),
                "OSNameEn": request.image.get("OSNameEn", ""),
                **request.instance_type,
                "RegionId": ctx.region,
                "ZoneId": request.vswitch["ZoneId"],
                "KeyPairName": request.key_pair_name,
                **request.settings,
                "DeletionProtection": p.bool("DeletionProtection"),
                "ResourceGroupId": resource_group_id(p),
                "SerialNumber": str(uuid.uuid4()),
                "_vpc_id": request.vswitch["VpcId"],
                "_vswitch_id": request.vswitch["VSwitchId"],
                "_private_ip": request.private_ips[index],
                "_public_ip": public_ips[index],
                "_security_group_ids": list(request.group_ids),
                "_network_interface_id": ids.resource_id("eni", 20),
                "_mac_address": _mac_address(),
                "_password": request.password,
                "_user_data": request.user_data,
                "_system_disk": dict(request.system_disk),
                "_data_disks": [dict(disk) for disk in request.data_disks],
                "_expires_at": request.expires_at,
                "_started_at": ctx.now,
                "_stopped_mode": "KeepCharging",
                "_deleting": False,
                "_interruption_ends_at": None,
                "_tags": dict(request.tags),
            },
            region=ctx.region,
        )
        ctx.schedule(instance, [("instance.pending", "Status", "Starting"), ("instance.start", "Status", "Running")])
        ctx.runtime.changed("instance", "created", instance, ctx.store)
    answer = {
        "InstanceIdSets": {"InstanceIdSet": request.instance_ids},
        "TradePrice": round(HOURLY_PRICE_PER_VCPU * request.instance_type["Cpu"] * len(request.instance_ids), 3),
    }
    if request.charge_type == "PrePaid":
        answer["OrderId"] = ids.numeric_id(15)
    return answer


# describing -----------------------------------------------------------------------------------
def _render_instance(ctx, instance):
    """The DescribeInstances view of an instance: stored fields, what the runtime observes, derived fields."""
    view = _view(ctx, instance)
    private_ip, public_ip = view["_private_ip"], view["_public_ip"]
    expires_at = view.get("_expires_at")
    return {
        **CONSTANT_FIELDS,
        **{k: v for k, v in view.items() if not k.startswith("_")},
        "CreationTime": iso_minutes(view["_created_at"]),
        "StartTime": iso_minutes(view["_started_at"]),
        "ExpiredTime": iso_minutes(expires_at) if expires_at else NEVER_EXPIRES,
        "StoppedMode": view["_stopped_mode"] if view["Status"] == "Stopped" else "Not-applicable",
        "VpcAttributes": {
            "VpcId": view["_vpc_id"],
            "VSwitchId": view["_vswitch_id"],
            "NatIpAddress": "",
            "PrivateIpAddress": {"IpAddress": [private_ip]},
        },
        "PublicIpAddress": {"IpAddress": [public_ip] if public_ip else []},
        "SecurityGroupIds": {"SecurityGroupId": list(view["_security_group_ids"])},
        "NetworkInterfaces": {
            "NetworkInterface": [
                {
                    "NetworkInterfaceId": view["_network_interface_id"],
                    "Type": "Primary",
                    "MacAddress": view["_mac_address"],
                    "PrimaryIpAddress": private_ip,
                    "PrivateIpSets": {"PrivateIpSet": [{"PrivateIpAddress": private_ip, "Primary": True}]},
                }
            ]
        },
        "CpuOptions": {"CoreCount": max(1, view["Cpu"] // 2), "ThreadsPerCore": 2 if view["Cpu"] > 1 else 1},
        "Tags": tags_with_tag_key(view),
    }


def _json_list(params, name):
    """A filter given as a JSON array of strings (None when not given)."""
    values = params.json(name)
    if values is None:
        return None
    if not isinstance(values, list) or len(values) > 100 or not all(isinstance(v, str) for v in values):
        raise invalid_parameter(name, params.str(name), "A JSON array of at most 100 strings.")
    return values


def _wildcard(pattern):
    """A name filter where `*` matches any text."""
    return re.compile("^" + ".*".join(re.escape(part) for part in pattern.split("*")) + "$")


def _instance_filter(params):
    """DescribeInstances filters as one predicate over an instance view; every filter given must match."""
    status = params.str("Status")
    if status is not None and status not in STATUSES:
        raise ecs_errors.INVALID_STATUS_NOT_FOUND()
    exact = {
        "Status": status,
        "ZoneId": params.str("ZoneId"),
        "InstanceType": params.str("InstanceType"),
        "InstanceTypeFamily": params.str("InstanceTypeFamily"),
        "ImageId": params.str("ImageId"),
        "KeyPairName": params.str("KeyPairName"),
        "InstanceChargeType": params.str("InstanceChargeType"),
        "ResourceGroupId": params.str("ResourceGroupId"),
        "_vpc_id": params.str("VpcId"),
        "_vswitch_id": params.str("VSwitchId"),
    }
    exact = {field: value for field, value in exact.items() if value is not None}
    instance_ids = _json_list(params, "InstanceIds")
    private_ips = _json_list(params, "PrivateIpAddresses")
    public_ips = _json_list(params, "PublicIpAddresses")
    group_id = params.str("SecurityGroupId")
    name = params.str("InstanceName")
    name_pattern = _wildcard(name) if name is not None else None
    tags = params.tags()

    def matches(view):
        return (
            all(view.get(field) == value for field, value in exact.items())
            and (instance_ids is None or view["InstanceId"] in instance_ids)
            and (private_ips is None or view["_private_ip"] in private_ips)
            and (public_ips is None or view["_public_ip"] in public_ips)
            and (group_id is None or group_id in view["_security_group_ids"])
            and (name_pattern is None or name_pattern.match(view["InstanceName"]))
            and matches_tags(view, tags)
        )

    return matches


def _token_params(params):
    """MaxResults below 10 counts as 10 and above 100 as 100, as the real API does."""
    given = params.int("MaxResults", default=10)
    return Params({**params.flat, "MaxResults": str(min(max(given, 10), 100))})


@ECS.action("DescribeInstances")
def describe_instances(ctx):
    p = ctx.params
    p.str("RegionId", required=True)
    matches = _instance_filter(p)
    instances = [i for i in ctx.list("instance") if matches(_view(ctx, i))]
    if uses_token_paging(p):
        chunk, meta = token_page(instances, _token_params(p), max_size=100)
        paging = {"NextToken": meta["NextToken"], "TotalCount": len(instances)}
    else:
        chunk, paging = page(instances, p, max_size=100)
    return {**paging, "Instances": {"Instance": [_render_instance(ctx, i) for i in chunk]}}


@ECS.action("DescribeInstanceStatus")
def describe_instance_status(ctx):
    p = ctx.params
    p.str("RegionId", required=True)
    wanted = p.list("InstanceId")
    if len(wanted) > 100:
        raise ecs_errors.INVALID_PARAMETER_TOO_MANY_INSTANCE_IDS()
    zone = p.str("ZoneId")
    if zone is not None and not ctx.catalog.has_zone(ctx.region, zone):
        raise ecs_errors.INVALID_ZONE_ID_NOT_FOUND()
    instances = [
        i
        for i in ctx.list("instance")
        if (not wanted or i["InstanceId"] in wanted) and (zone is None or i["ZoneId"] == zone)
    ]
    chunk, meta = page(instances, p, max_size=50)
    statuses = [{"InstanceId": i["InstanceId"], "Status": observed_status(ctx, i)} for i in chunk]
    return {**meta, "InstanceStatuses": {"InstanceStatus": statuses}}


@ECS.action("DescribeInstanceAttribute")
def describe_instance_attribute(ctx):
    instance = _instance(ctx, ctx.params.str("InstanceId", required=True))
    rendered = _render_instance(ctx, instance)
    attribute = {field: rendered[field] for field in ATTRIBUTE_FIELDS}
    attribute["IoOptimized"] = "optimized"
    attribute["EipAddress"] = {"AllocationId": "", "IpAddress": "", "InternetChargeType": ""}
    return attribute


# state changes --------------------------------------------------------------------------------
def _start(ctx, instance):
    instance["Status"] = "Starting"
    instance["_started_at"] = ctx.now
    ctx.schedule(instance, [("instance.start", "Status", "Running")])
    ctx.runtime.changed("instance", "started", instance, ctx.store)


def stopper(stopped_mode, force=False):
    def stop(ctx, instance):
        instance["Status"] = "Stopping"
        instance["_stopped_mode"] = stopped_mode
        ctx.schedule(instance, [("instance.stop", "Status", "Stopped")])
        ctx.runtime.changed("instance", "force_stopped" if force else "stopped", instance, ctx.store)

    return stop


def _reboot(ctx, instance):
    instance["Status"] = "Stopping"
    instance["_started_at"] = ctx.now
    ctx.schedule(instance, [("instance.stop", "Status", "Starting"), ("instance.start", "Status", "Running")])
    ctx.runtime.changed("instance", "rebooted", instance, ctx.store)


def release(ctx, instance):
    """Release: the instance stays visible (a Running one as Stopping) until it is gone from Describe."""
    if observed_status(ctx, instance) == "Running":
        instance["Status"] = "Stopping"
    instance["_deleting"] = True
    instance["OperationLocks"] = {"LockReason": [dict(RELEASE_LOCK)]}
    ctx.schedule(instance, [("instance.delete", "_gone", True)])
    ctx.runtime.changed("instance", "deleted", instance, ctx.store)


def _stopped_mode(params):
    return params.str("StoppedMode", default="KeepCharging", choices=("KeepCharging", "StopCharging"))


def _check_deletable(ctx, instance, force):
    if is_locked(instance):
        raise ecs_errors.INCORRECT_INSTANCE_STATUS()  # being released already: a second release is refused, not ignored
    if instance["DeletionProtection"]:
        raise ecs_errors.INVALID_OPERATION_DELETION_PROTECTION()
    if instance["InstanceChargeType"] == "PrePaid":
        raise ecs_errors.CHARGE_TYPE_VIOLATION()
    status = observed_status(ctx, instance)
    if status in ("Pending", "Starting"):
        raise ecs_errors.INCORRECT_INSTANCE_STATUS_INITIALIZING()
    if status != "Stopped" and not force:
        raise ecs_errors.INCORRECT_INSTANCE_STATUS()


# single-instance actions (no RegionId: the instance is found by ID in any region) ----------------
@ECS.action("StartInstance")
def start_instance(ctx):
    instance = _instance(ctx, ctx.params.str("InstanceId", required=True))
    _require_status(ctx, instance, ("Stopped",))
    dry_run(ctx.params)
    _start(ctx, instance)
    return {}


@ECS.action("StopInstance")
def stop_instance(ctx):
    p = ctx.params
    instance = _instance(ctx, p.str("InstanceId", required=True))
    force = p.bool("ForceStop", default=False)
    stopped_mode = _stopped_mode(p)
    _require_status(ctx, instance, ("Running",))
    dry_run(p)
    stopper(stopped_mode, force)(ctx, instance)
    return {}


@ECS.action("RebootInstance")
def reboot_instance(ctx):
    p = ctx.params
    instance = _instance(ctx, p.str("InstanceId", required=True))
    p.bool("ForceStop")
    _require_status(ctx, instance, ("Running",))
    dry_run(p)
    _reboot(ctx, instance)
    return {}


@ECS.action("DeleteInstance")
def delete_instance(ctx):
    p = ctx.params
    instance = _instance(ctx, p.str("InstanceId", required=True))
    _check_deletable(ctx, instance, p.bool("Force"))
    dry_run(p)
    release(ctx, instance)
    return {}


# batch actions --------------------------------------------------------------------------------
def _batch_ids(params):
    params.str("RegionId", required=True)
    wanted = list(dict.fromkeys(params.list("InstanceId")))
    if not wanted:
        raise missing("InstanceId")
    if len(wanted) > 100:
        raise ecs_errors.INVALID_PARAMETER_TOO_MANY_INSTANCE_IDS()
    return wanted


def _batch_result(ctx, instance_id, instance, allowed, change):
    """One InstanceResponse of a SuccessFirst (or an all-valid AllTogether) batch."""
    if instance is None:
        error = ecs_errors.INVALID_INSTANCE_ID_NOT_FOUND()
        return {"InstanceId": instance_id, "Code": error.code, "Message": error.message,
                "PreviousStatus": "", "CurrentStatus": ""}  # fmt: skip
    previous = observed_status(ctx, instance)
    try:
        _require_status(ctx, instance, allowed)
    except ApiError as error:
        return {"InstanceId": instance_id, "Code": error.code, "Message": error.message,
                "PreviousStatus": previous, "CurrentStatus": previous}  # fmt: skip
    change(ctx, instance)
    return {"InstanceId": instance_id, "Code": "200", "Message": "success",
            "PreviousStatus": previous, "CurrentStatus": observed_status(ctx, instance)}  # fmt: skip


def _run_batch(ctx, allowed, change):
    """StartInstances / StopInstances: AllTogether fails whole on any invalid instance, SuccessFirst per instance."""
    p = ctx.params
    wanted = _batch_ids(p)
    mode = p.str("BatchOptimization", default="AllTogether", choices=("AllTogether", "SuccessFirst"))
    dry_run = p.bool("DryRun")
    if dry_run and mode == "SuccessFirst":
        raise ecs_errors.DRYRUN_SUCCESS()
    found = {instance_id: _regional_instance(ctx, instance_id) for instance_id in wanted}
    if mode == "AllTogether":
        if any(instance is None for instance in found.values()):
            raise ecs_errors.INVALID_INSTANCE_IDS_NOT_FOUND()
        for instance in found.values():
            _require_status(ctx, instance, allowed)
        if dry_run:
            raise ecs_errors.DRYRUN_SUCCESS()
    responses = [_batch_result(ctx, i, found[i], allowed, change) for i in wanted]
    return {"InstanceResponses": {"InstanceResponse": responses}}


@ECS.action("StartInstances")
def start_instances(ctx):
    return _run_batch(ctx, ("Stopped",), _start)


@ECS.action("StopInstances")
def stop_instances(ctx):
    force = ctx.params.bool("ForceStop")
    return _run_batch(ctx, ("Running",), stopper(_stopped_mode(ctx.params), force))


@ECS.action("DeleteInstances", client_token=True)
def delete_instances(ctx):
    p = ctx.params
    wanted = _batch_ids(p)
    instances = [_regional_instance(ctx, instance_id) for instance_id in wanted]
    if any(instance is None for instance in instances):
        raise ecs_errors.INVALID_INSTANCE_IDS_NOT_FOUND()
    force = p.bool("Force")
    for instance in instances:
        _check_deletable(ctx, instance, force)
    if p.bool("DryRun"):
        raise ecs_errors.DRYRUN_SUCCESS()
    for instance in instances:
        release(ctx, instance)
    return {}


# ModifyInstanceAttribute ----------------------------------------------------------------------
def _new_security_groups(ctx, instance, group_ids):
    if len(set(group_ids)) != len(group_ids):
        raise ecs_errors.INVALID_PARAMETER_SECURITY_GROUP_ID_REPEATED_ON_MODIFY()
    if len(group_ids) > MAX_SECURITY_GROUPS:
        raise ecs_errors.JOINED_GROUP_LIMIT_EXCEED(limit=MAX_SECURITY_GROUPS)
    groups = []
    for group_id in group_ids:
        group = ctx.store.get("security_group", group_id)
        if group is None or group["_region"] != instance["_region"]:
            raise ecs_errors.INVALID_SECURITY_GROUP_ID_NOT_FOUND()
        if group["VpcId"] != instance["_vpc_id"]:
            raise ecs_errors.INVALID_SECURITY_GROUP_VPC_NOT_BELONG_TO_ONE_VPC()
        groups.append(group)
    check_one_group_type(groups)
    return list(group_ids)


def _deletion_protection(params, instance):
    protected = params.bool("DeletionProtection")
    if protected and (instance["InstanceChargeType"] == "PrePaid" or instance["SpotStrategy"] != "NoSpot"):
        raise ecs_errors.INVALID_CHARGE_TYPE_VALUE_NOT_SUPPORTED()
    return protected


@ECS.action("ModifyInstanceAttribute")
def modify_instance_attribute(ctx):
    p = ctx.params
    instance = _instance(ctx, p.str("InstanceId", required=True))
    changes = {}
    if "InstanceName" in p:
        changes["InstanceName"] = check_instance_name(p.str("InstanceName"))
    if "HostName" in p:
        changes["HostName"] = check_host_name(p.str("HostName"))
    if "Description" in p:
        changes["Description"] = DESCRIPTION.check(p.str("Description"))
    if "Password" in p:
        changes["_password"] = check_password(p.str("Password"))
        if observed_status(ctx, instance) == "Starting":
            raise ecs_errors.INCORRECT_INSTANCE_STATUS()
    if "UserData" in p:
        changes["_user_data"] = check_user_data(
            p.str("UserData"), ecs_errors.INVALID_USER_DATA_BASE64_FORMAT_INVALID_ON_MODIFY
        )
    if "DeletionProtection" in p:
        changes["DeletionProtection"] = _deletion_protection(p, instance)
    group_ids = p.list("SecurityGroupIds")
    if group_ids:
        changes["_security_group_ids"] = _new_security_groups(ctx, instance, group_ids)
    instance.update(changes)
    ctx.runtime.changed("instance", "updated", instance, ctx.store)
    return {}


# ModifyInstanceMetadataOptions ----------------------------------------------------------------
@ECS.action("ModifyInstanceMetadataOptions")
def modify_instance_metadata_options(ctx):
    """HttpTokens takes effect at once; HttpEndpoint disabled stops the instance's metadata service, enabled starts
    it (with the Docker runtime)."""
    p = ctx.params
    p.str("RegionId", required=True)
    instance = _regional_instance(ctx, p.str("InstanceId", required=True))
    if instance is None:
        raise ecs_errors.INVALID_INSTANCE_ID_NOT_FOUND()
    options = check_metadata_options(p, instance.get("MetadataOptions"))
    dry_run(p)
    instance["MetadataOptions"] = options
    ctx.runtime.changed("instance", "metadata_options", instance, ctx.store)
    return {}
