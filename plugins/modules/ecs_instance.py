#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ecs_instance
short_description: Create, update, start, stop, restart or delete an ECS instance
version_added: 1.0.0
description:
  - Makes sure one named Elastic Compute Service (ECS) instance exists in a VPC and is in the wanted state
    (V(present), V(running), V(stopped), V(restarted)), or that it does not exist (V(absent)).
  - The instance is found by O(instance_id), else by O(name) within the VPC of O(v_switch_id) (or O(vpc_id));
    a name is unique within its VPC, and several instances with that name is an error that names them.
    Instances that are being released (C(OperationLocks) with C(LockReason) V(Recycling)) are not counted,
    by name or by ID; so O(state=absent) run again while the instance is being released changes nothing and
    does not send C(DeleteInstance) again.
  - A new instance is created with C(RunInstances) and a client token, so a retried request never makes a
    second instance.
  - The name, description, host name, release protection and security groups of an existing instance are
    updated in place. Other attributes (image, type, vSwitch, spot settings, bandwidth, charge types, key
    pair) cannot change here. When they differ the module warns and leaves the instance as it is; it never
    deletes and recreates an instance.
  - To create several instances quickly, create them with O(wait=false) in a loop and wait for all of them
    with one M(ha_web.alicloud.ecs_instance_info) task that sets
    O(ha_web.alicloud.ecs_instance_info#module:wait_for_status). Their start-ups then overlap, so two
    instances take about as long as one.
author: ha_web.alicloud developers (@ha-web)
options:
  name:
    description:
      - The instance's name (2 to 128 characters; starts with a letter; letters, digits, C(.), C(_), C(:) and
        C(-)).
      - Required unless O(instance_id) is given. With O(instance_id), a different name renames the instance.
    type: str
    aliases: [instance_name]
  instance_id:
    description:
      - The ID of an existing instance. When given, the instance is found by ID; an unknown ID is an error
        unless O(state=absent).
    type: str
  v_switch_id:
    description:
      - The vSwitch the instance is created in; its zone is the instance's zone.
      - Required to create an instance, unless O(v_switch_ids) is given. Without O(instance_id), the instance
        is looked up by name within the vSwitch's VPC.
      - A vSwitch still V(Pending) (created a moment before) is waited for until it is V(Available), within
        O(wait_timeout), before the instance is created in it (RunInstances refuses a V(Pending) vSwitch).
    type: str
    aliases: [vswitch_id]
  v_switch_ids:
    description:
      - The vSwitches (so the zones) the instance may be created in, in order of preference, all in one VPC.
        When a zone refuses every type of O(instance_types) (sold out, closed, not offered), the next
        vSwitch is tried. Instead of O(v_switch_id).
      - The instance is looked up by name within their VPC first, so an existing instance stays where it is.
    type: list
    elements: str
  vpc_id:
    description:
      - The VPC in which O(name) is looked up, when O(v_switch_id) is not given (for example to delete an
        instance by name). When both are given, the vSwitch must be in this VPC.
    type: str
  image_id:
    description:
      - The image, for example V(debian_12_9_x64_20G_alibase_20250117.vhd). Required to create an instance.
      - M(ha_web.alicloud.ecs_image_info) finds the newest image of a family.
    type: str
  instance_type:
    description:
      - The instance type, for example V(ecs.u1-c1m1.large). Required to create an instance, unless
        O(instance_types) is given.
    type: str
  instance_types:
    description:
      - The instance types the instance may have, in order of preference. At creation, a refusal that is
        about the type in that zone (C(OperationDenied.NoStock), C(Zone.NotOnSale),
        C(InvalidInstanceType.ZoneNotSupported), C(InvalidInstanceType.ValueNotSupported)) moves on to the
        next type, then to the next vSwitch of O(v_switch_ids). Each attempt has its own client token, and
        a refused attempt creates nothing. RV(placement) lists the attempts.
      - An existing instance of another type is left as it is, with a warning when its type is not listed.
      - Instead of O(instance_type).
    type: list
    elements: str
  spot_fallback:
    description:
      - When the account may not buy spot instances (C(InvalidAccount.NotSupportSpot)), or no vSwitch and
        type of the lists has spot stock, create a pay-as-you-go instance (O(spot_strategy=NoSpot)) instead
        of failing. RV(placement.spot_fallback_used) says so.
    type: bool
    default: false
  security_group_ids:
    description:
      - The security groups of the instance (1 to 5, in the vSwitch's VPC). Required to create an instance.
      - The groups of an existing instance are replaced by these (the order does not matter).
    type: list
    elements: str
    aliases: [security_groups]
  key_pair_name:
    description:
      - The SSH key pair to log in with (see M(ha_web.alicloud.ecs_key_pair)); preferred over O(password).
      - Used at creation; a different key pair on an existing instance is reported with a warning.
    type: str
  password:
    description:
      - The root password (8 to 30 characters with at least three of lowercase letters, uppercase letters,
        digits and special characters C(()`~!@#$%^&*-_+=|{}[]:;'<>,.?/)).
      - Used at creation only; the cloud never returns it, so a different password for an existing instance
        is not detected. Prefer O(key_pair_name).
    type: str
  host_name:
    description:
      - The operating system's host name (2 to 64 letters, digits, C(.) and C(-); neither C(.) nor C(-) at
        either end or twice in a row).
      - A change on an existing instance takes effect after a restart; the result then has
        RV(restart_needed=true) and a warning (use O(state=restarted) to apply it).
    type: str
  user_data:
    description:
      - User data (for example a cloud-init script) as plain text, at most 32 KiB; the module encodes it in
        Base64 for the API.
      - Used at creation only; the cloud does not return it to this module, so changes to an existing
        instance are not detected.
    type: str
  description:
    description:
      - The instance's description (2 to 256 characters, not starting with C(http://) or C(https://)).
    type: str
  internet_max_bandwidth_out:
    description:
      - The maximum outbound public bandwidth in Mbit/s, from 0 to 100. A value above 0 gives the instance a
        public IP address.
      - Used at creation; a different value on an existing instance is reported with a warning.
    type: int
  internet_charge_type:
    description:
      - How public traffic is billed. The cloud's default is V(PayByTraffic).
    type: str
    choices: [PayByTraffic, PayByBandwidth]
  instance_charge_type:
    description:
      - V(PostPaid) (pay-as-you-go, the cloud's default) or V(PrePaid) (subscription; needs O(period)).
      - Subscription instances cannot be released before they expire, so O(state=absent) fails on them.
    type: str
    choices: [PostPaid, PrePaid]
  period:
    description:
      - The subscription length of a V(PrePaid) instance, in O(period_unit)s (months 1 to 9, 12, 24, 36, 48,
        60; weeks 1 to 4).
    type: int
  period_unit:
    description:
      - The unit of O(period).
    type: str
    choices: [Month, Week]
    default: Month
  spot_strategy:
    description:
      - V(NoSpot) (the cloud's default), V(SpotWithPriceLimit) (a spot instance with the highest price in
        O(spot_price_limit)) or V(SpotAsPriceGo) (a spot instance at the market price).
      - Spot instances can be reclaimed by the cloud; they need V(PostPaid).
    type: str
    choices: [NoSpot, SpotWithPriceLimit, SpotAsPriceGo]
  spot_price_limit:
    description:
      - The highest hourly price of a V(SpotWithPriceLimit) instance (up to three decimal places).
    type: float
  system_disk:
    description:
      - The system disk. Used at creation only.
    type: dict
    suboptions:
      category:
        description:
          - The disk category. The cloud's default is V(cloud_efficiency).
        type: str
        choices: [cloud, cloud_auto, cloud_efficiency, cloud_essd, cloud_essd_entry, cloud_ssd]
      size:
        description:
          - The size in GiB (20 to 2048; 20 to 500 for V(cloud); 1 to 2048 for V(cloud_auto)), not smaller than
            the image. The cloud's default is the larger of 40 and the image size.
        type: int
  deletion_protection:
    description:
      - Release protection. A protected instance cannot be released; O(state=absent) with
        O(deletion_protection=false) turns the protection off first.
      - Only for V(PostPaid) instances that are not spot instances.
    type: bool
  force:
    description:
      - With O(state=absent), release a running instance at once (C(Force)) instead of stopping it
        gracefully first and waiting for it to be stopped.
      - With O(state=stopped) and O(state=restarted), stop the instance forcibly (C(ForceStop)), like pulling
        the power cord.
    type: bool
    default: false
  state:
    description:
      - V(present) makes sure the instance exists, whatever its status; a new instance is started.
      - V(running) makes sure it exists and runs (starts it when it is stopped).
      - V(stopped) makes sure it exists and is stopped (a new instance is stopped once it has started).
      - V(restarted) reboots a running instance (starts a stopped one); it always reports a change.
      - V(absent) releases the instance, stopping it first unless O(force=true).
    type: str
    choices: [present, running, stopped, restarted, absent]
    default: present
  wait:
    description:
      - Wait until the instance reaches the state the task asks for (V(Running), V(Stopped), released).
      - With O(wait=false) a new instance is returned while it is still V(Pending) or V(Starting); wait for
        it later with M(ha_web.alicloud.ecs_instance_info) and
        O(ha_web.alicloud.ecs_instance_info#module:wait_for_status).
      - Steps that cannot be sent before an earlier state is reached (for example stopping before releasing
        without O(force)) always wait for it.
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds the task may wait in all before failing.
    type: int
    default: 600
extends_documentation_fragment:
  - ha_web.alicloud.alicloud
  - ha_web.alicloud.alicloud.tags
  - ha_web.alicloud.alicloud.attributes
notes:
  - Tags use the ECS resource type C(instance).
seealso:
  - module: ha_web.alicloud.ecs_instance_info
"""

EXAMPLES = r"""
- name: A web server
  ha_web.alicloud.ecs_instance:
    name: web-1
    image_id: debian_12_9_x64_20G_alibase_20250117.vhd
    instance_type: ecs.u1-c1m1.large
    v_switch_id: "{{ vswitch.vswitch.v_switch_id }}"
    security_group_ids:
      - "{{ group.security_group.security_group_id }}"
    key_pair_name: ha-web-admin
    host_name: web-1
    internet_max_bandwidth_out: 5
    system_disk:
      category: cloud_essd
      size: 40
    user_data: |
      #cloud-config
      package_update: true
    tags:
      app: ha-web
  register: web

- name: Its public address
  ansible.builtin.debug:
    msg: "{{ web.instance.public_ip_address }}"

# Several instances in one play: create them without waiting, then wait for all of them in one task,
# so that their start-ups overlap (two instances take about as long as one).
- name: Create the web servers, without waiting for each
  ha_web.alicloud.ecs_instance:
    name: "web-{{ item.zone }}"
    image_id: debian_12_9_x64_20G_alibase_20250117.vhd
    instance_type: ecs.u1-c1m1.large
    v_switch_id: "{{ item.v_switch_id }}"
    security_group_ids: ["{{ group.security_group.security_group_id }}"]
    key_pair_name: ha-web-admin
    wait: false
  loop:
    - {zone: cn-hangzhou-i, v_switch_id: vsw-bp1s5fnvk4gn2tws03624}
    - {zone: cn-hangzhou-j, v_switch_id: vsw-bp1e3es4ziyf2bfqb5cqw}
  register: created

- name: Wait for all of them to run
  ha_web.alicloud.ecs_instance_info:
    instance_ids: "{{ created.results | map(attribute='instance.instance_id') | list }}"
    wait_for_status: Running
    wait_timeout: 600
  register: running

- name: Stop one
  ha_web.alicloud.ecs_instance:
    instance_id: "{{ web.instance.instance_id }}"
    state: stopped

- name: Reboot it by name
  ha_web.alicloud.ecs_instance:
    name: web-1
    v_switch_id: "{{ vswitch.vswitch.v_switch_id }}"
    state: restarted

- name: Release it (stopped gracefully first)
  ha_web.alicloud.ecs_instance:
    name: web-1
    vpc_id: "{{ vpc.vpc.vpc_id }}"
    state: absent
"""

RETURN = r"""
instance:
  description:
    - The instance as DescribeInstances returns it, in snake_case, with two plain addresses added for
      convenience; empty when absent.
    - In check mode, the instance as it would be (a new one has an empty O(instance_id)).
  returned: always
  type: dict
  contains:
    instance_id:
      description: The instance's ID.
      type: str
      sample: i-bp67acfmxazb4ph34wxy
    instance_name:
      description: Its name.
      type: str
      sample: web-1
    status:
      description: V(Pending), V(Starting), V(Running), V(Stopping) or V(Stopped).
      type: str
      sample: Running
    private_ip_address:
      description: Its primary private IP address (added by this module).
      type: str
      sample: 192.168.1.10
    public_ip_address:
      description: Its public IP address (or elastic IP address), empty when it has none (added by this module).
      type: str
      sample: 47.96.0.1
    host_name:
      description: The operating system's host name.
      type: str
    description:
      description: Its description.
      type: str
    image_id:
      description: Its image.
      type: str
    instance_type:
      description: Its instance type.
      type: str
    cpu:
      description: Its number of vCPUs.
      type: int
    memory:
      description: Its memory in MiB.
      type: int
    region_id:
      description: Its region.
      type: str
    zone_id:
      description: Its zone.
      type: str
    vpc_attributes:
      description: Its VPC, vSwitch and private addresses (C(private_ip_address.ip_address)).
      type: dict
      sample: {"vpc_id": "vpc-bp15zckdt37pq72zvw3zp", "v_switch_id": "vsw-bp1s5fnvk4gn2tws03624"}
    security_group_ids:
      description: Its security groups, under the key C(security_group_id).
      type: dict
      sample: {"security_group_id": ["sg-bp1gxw6bznjjvhu3a4f2"]}
    key_pair_name:
      description: Its SSH key pair.
      type: str
    internet_max_bandwidth_out:
      description: Its maximum outbound public bandwidth (Mbit/s).
      type: int
    internet_charge_type:
      description: How its public traffic is billed.
      type: str
    instance_charge_type:
      description: V(PostPaid) or V(PrePaid).
      type: str
    spot_strategy:
      description: Its spot strategy.
      type: str
    deletion_protection:
      description: Whether release protection is on.
      type: bool
    creation_time:
      description: When it was created (UTC, minute precision).
      type: str
    tags:
      description: Its tags.
      type: dict
      sample: {"app": "ha-web"}
placement:
  description:
    - Where and how the instance was created by this task, and the attempts refused on the way; for an
      instance that already existed, its own type, zone and spot strategy with no attempts.
  returned: when O(state) is not V(absent)
  type: dict
  contains:
    instance_type:
      description: The type it has.
      type: str
      sample: ecs.u1-c1m1.large
    zone_id:
      description: Its zone.
      type: str
      sample: cn-hangzhou-k
    v_switch_id:
      description: Its vSwitch.
      type: str
    spot_strategy:
      description: Its spot strategy.
      type: str
      sample: NoSpot
    image_id:
      description: The image it was created from.
      type: str
    spot_fallback_used:
      description: Whether it was created pay-as-you-go because spot could not be had (O(spot_fallback)).
      type: bool
    attempts:
      description: The refused attempts of this task, in order, each with its vSwitch, zone, type, spot
        strategy and the cloud's error code.
      type: list
      elements: dict
      sample: [{"v_switch_id": "vsw-1", "zone_id": "cn-hangzhou-j", "instance_type": "ecs.u1-c1m1.large",
               "spot_strategy": "SpotAsPriceGo", "code": "OperationDenied.NoStock"}]
restart_needed:
  description:
    - Whether a change made by this task (a new host name) takes effect only after the instance restarts.
  returned: when O(state) is not V(absent)
  type: bool
  sample: false
"""

import base64
import re
import time
import uuid

from ansible_collections.ha_web.alicloud.plugins.module_utils.ecs import (
    INSTANCE_NOT_FOUND,
    REFUSED_IN_ZONE,
    SPOT_REFUSED,
    render_instance,
    list_instances,
    read_instance,
)
from ansible_collections.ha_web.alicloud.plugins.module_utils import site_web
from ansible_collections.ha_web.alicloud.plugins.module_utils.calls import dig
from ansible_collections.ha_web.alicloud.plugins.module_utils.errors import AlicloudApiError, is_code
from ansible_collections.ha_web.alicloud.plugins.module_utils.locks import hold_resource_lock
from ansible_collections.ha_web.alicloud.plugins.module_utils.module import AlicloudModule
from ansible_collections.ha_web.alicloud.plugins.module_utils.tags import (
    tags_from_api,
    tags_to_api,
    validate_tags,
)
from ansible_collections.ha_web.alicloud.plugins.module_utils.validation import description_problem, starts_with_url
from ansible_collections.ha_web.alicloud.plugins.module_utils.vpc import available_vswitch, read_vswitch
from ansible_collections.ha_web.alicloud.plugins.module_utils.waiters import Waiter

STATUSES = ("Pending", "Starting", "Running", "Stopping", "Stopped")
CREATED = Waiter("the new instance to be Running", success=["Running"], waiting=["Pending", "Starting"], gone="wait")
RUNNING = Waiter(
    "instance to be Running", success=["Running"], waiting=["Pending", "Starting", "Stopping"], failure=["Stopped"]
)
STOPPED = Waiter(
    "instance to be Stopped", success=["Stopped"], waiting=["Stopping"], failure=["Running", "Starting", "Pending"]
)
SETTLED = Waiter(
    "instance to be Running or Stopped", success=["Running", "Stopped"], waiting=["Pending", "Starting", "Stopping"]
)
DELETED = Waiter("instance to be released", waiting=STATUSES, gone="success")

INSTANCE_NAME = re.compile(r"^[^\W\d_][\w.:-]{1,127}$", re.UNICODE)
HOST_NAME = re.compile(r"^[A-Za-z0-9.-]{2,64}$")
SPECIAL_CHARACTERS = "()`~!@#$%^&*-_+=|{}[]:;'<>,.?/"
MAX_USER_DATA = 32 * 1024
SYSTEM_DISK_SIZES = {
    "cloud": (20, 500),
    "cloud_efficiency": (20, 2048),
    "cloud_ssd": (20, 2048),
    "cloud_essd": (20, 2048),
    "cloud_auto": (1, 2048),
    "cloud_essd_entry": (20, 2048),
}
PERIODS = {"Month": (1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 24, 36, 48, 60), "Week": (1, 2, 3, 4)}
# Options that only RunInstances takes: option -> (how to read it from an instance, what it is called).
IMMUTABLE = (
    ("image_id", lambda i: i.get("ImageId"), "image"),
    ("instance_type", lambda i: i.get("InstanceType"), "instance type"),
    ("v_switch_id", lambda i: dig(i, "VpcAttributes", "VSwitchId"), "vSwitch"),
    ("key_pair_name", lambda i: i.get("KeyPairName") or None, "key pair"),
    ("spot_price_limit", lambda i: i.get("SpotPriceLimit"), "spot price limit"),
    ("internet_max_bandwidth_out", lambda i: i.get("InternetMaxBandwidthOut"), "outbound bandwidth"),
    ("internet_charge_type", lambda i: i.get("InternetChargeType"), "internet charge type"),
    ("instance_charge_type", lambda i: i.get("InstanceChargeType"), "instance charge type"),
)


# input ------------------------------------------------------------------------------------------
def name_problem(option, name):
    if INSTANCE_NAME.match(name) and not starts_with_url(name):
        return None
    return (
        "%s: %r must be 2 to 128 characters, start with a letter and hold only letters, digits, '.', '_', ':' "
        "and '-'" % (option, name)
    )


def host_name_problem(name):
    doubled = any(pair in name for pair in ("..", "--", ".-", "-."))
    if HOST_NAME.match(name) and name[0] not in ".-" and name[-1] not in ".-" and not doubled:
        return None
    return (
        "host_name: %r must be 2 to 64 letters, digits, '.' and '-', with neither '.' nor '-' at either end "
        "or twice in a row" % name
    )


def password_problem(password):
    kinds = (
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c.isdigit() for c in password),
        any(c in SPECIAL_CHARACTERS for c in password),
    )
    allowed = all(ord(c) < 128 and (c.isalnum() or c in SPECIAL_CHARACTERS) for c in password)
    if 8 <= len(password) <= 30 and allowed and sum(kinds) >= 3:
        return None
    return (
        "password: must be 8 to 30 characters with at least three of lowercase letters, uppercase letters, "
        "digits and the special characters %s (or use key_pair_name instead)" % SPECIAL_CHARACTERS
    )


def validate(module):
    params = module.params
    problems = list(validate_tags(params["tags"]))
    if params["name"] is not None:
        problems.append(name_problem("name", params["name"]))
    if params["host_name"] is not None:
        problems.append(host_name_problem(params["host_name"]))
    if params["password"] is not None:
        problems.append(password_problem(params["password"]))
    problems.append(description_problem("description", params["description"], 2, 256))
    if params["user_data"] is not None and len(params["user_data"].encode("utf-8")) > MAX_USER_DATA:
        problems.append(
            "user_data: %d bytes is more than the 32 KiB (32768 bytes) the cloud accepts; fetch larger scripts "
            "from the instance instead" % len(params["user_data"].encode("utf-8"))
        )
    bandwidth = params["internet_max_bandwidth_out"]
    if bandwidth is not None and not 0 <= bandwidth <= 100:
        problems.append("internet_max_bandwidth_out: %s must be from 0 to 100 (Mbit/s)" % bandwidth)
    groups = params["security_group_ids"]
    if groups is not None:
        if not 1 <= len(groups) <= 5:
            problems.append("security_group_ids: an instance belongs to 1 to 5 security groups, got %d" % len(groups))
        if len(set(groups)) != len(groups):
            problems.append("security_group_ids: %s lists a group twice" % ", ".join(groups))
    problems.extend(list_problems(params))
    problems.extend(spot_problems(params))
    problems.extend(disk_problems(params["system_disk"]))
    problems.extend(charge_problems(params))
    if not params["instance_id"] and not (params["v_switch_id"] or params["v_switch_ids"] or params["vpc_id"]):
        problems.append(
            "v_switch_id: give v_switch_id (or vpc_id) to find instance %r by name, names are unique within a "
            "VPC; or give instance_id" % params["name"]
        )
    module.fail_on_problems(problems)


def list_problems(params):
    problems = []
    for option in ("instance_types", "v_switch_ids"):
        values = params[option]
        if values is None:
            continue
        if not values:
            problems.append("%s: give at least one, in order of preference" % option)
        elif len(set(values)) != len(values):
            problems.append("%s: %s lists one twice" % (option, ", ".join(values)))
    if params["spot_fallback"] and params["spot_strategy"] in (None, "NoSpot"):
        problems.append("spot_fallback: only used with a spot_strategy other than NoSpot")
    return problems


def spot_problems(params):
    strategy, limit = params["spot_strategy"], params["spot_price_limit"]
    if limit is None:
        return []
    if strategy != "SpotWithPriceLimit":
        return ["spot_price_limit: only used with spot_strategy: SpotWithPriceLimit"]
    if limit <= 0 or round(limit, 3) != limit:
        return ["spot_price_limit: %s must be above 0 with at most three decimal places" % limit]
    return []


def disk_problems(disk):
    if not disk or disk.get("size") is None:
        return []
    category = disk.get("category") or "cloud_efficiency"
    low, high = SYSTEM_DISK_SIZES[category]
    if not low <= disk["size"] <= high:
        return ["system_disk.size: %s GiB must be from %d to %d for %s" % (disk["size"], low, high, category)]
    return []


def charge_problems(params):
    problems = []
    prepaid = params["instance_charge_type"] == "PrePaid"
    spot = params["spot_strategy"] not in (None, "NoSpot")
    if prepaid and params["period"] is None:
        problems.append("period: required with instance_charge_type: PrePaid (e.g. period: 1, period_unit: Month)")
    if params["period"] is not None:
        if not prepaid:
            problems.append("period: only used with instance_charge_type: PrePaid")
        elif params["period"] not in PERIODS[params["period_unit"]]:
            problems.append(
                "period: %s %s is not offered; choose one of %s"
                % (
                    params["period"],
                    params["period_unit"],
                    ", ".join(str(p) for p in PERIODS[params["period_unit"]]),
                )
            )
    if prepaid and spot:
        problems.append("spot_strategy: spot instances must be PostPaid, not PrePaid")
    if params["deletion_protection"] and (prepaid or spot):
        problems.append("deletion_protection: only for PostPaid instances that are not spot instances")
    return problems


# reading ----------------------------------------------------------------------------------------
def being_released(instance):
    """The cloud is releasing it (Recycling): the site's rule, module_utils/site_web.py."""
    return site_web.is_recycling(render_instance(instance))


def vswitch_candidates(params):
    """The vSwitch IDs the instance may be created in, in order of preference."""
    return params["v_switch_ids"] or ([params["v_switch_id"]] if params["v_switch_id"] else [])


def instance_type_candidates(params):
    return params["instance_types"] or ([params["instance_type"]] if params["instance_type"] else [])


def scope(module):
    """(first vSwitch or None, VPC ID or None): where the instance lives or is created. Only the first
    candidate vSwitch is read here (the others only when creating), so a run that finds the instance sends
    one read whatever the number of candidates."""
    params = module.params
    option = "v_switch_ids" if params["v_switch_ids"] else "v_switch_id"
    candidates = vswitch_candidates(params)
    vswitch = None
    if candidates:
        vswitch = read_vswitch(module, candidates[0])
        if vswitch is None and params["state"] != "absent":
            module.fail("%s: no vSwitch %s in region %s" % (option, candidates[0], module.region_id))
    if vswitch is not None and params["vpc_id"] and vswitch["VpcId"] != params["vpc_id"]:
        module.fail(
            "%s: vSwitch %s is in VPC %s, not in vpc_id %s"
            % (option, candidates[0], vswitch["VpcId"], params["vpc_id"])
        )
    vpc_id = vswitch["VpcId"] if vswitch is not None else params["vpc_id"]
    return vswitch, vpc_id


def read_candidates(module, first):
    """Every candidate vSwitch, in order; each must exist and be in the first one's VPC."""
    vswitches = [first]
    for vswitch_id in vswitch_candidates(module.params)[1:]:
        vswitch = read_vswitch(module, vswitch_id)
        if vswitch is None:
            module.fail("v_switch_ids: no vSwitch %s in region %s" % (vswitch_id, module.region_id))
        if vswitch["VpcId"] != first["VpcId"]:
            module.fail(
                "v_switch_ids: vSwitch %s is in VPC %s, %s in VPC %s; the candidates must share one VPC"
                % (vswitch_id, vswitch["VpcId"], first["VSwitchId"], first["VpcId"])
            )
        vswitches.append(vswitch)
    return vswitches


def named(module, vpc_id, name):
    """The instances (not being released) named `name` in the VPC, from every page."""
    found = list_instances(module, {"VpcId": vpc_id, "InstanceName": name})
    return [i for i in found if i.get("InstanceName") == name and not being_released(i)]


def find(module):
    """The instance, by ID or by name in the VPC of the (first) vSwitch; remembers that vSwitch and VPC."""
    module.vswitch, module.vpc_id = scope(module)
    return find_in(module, module.vpc_id)


def find_in(module, vpc_id):
    params = module.params
    if params["instance_id"]:
        instance = read_instance(module, params["instance_id"])
        if instance is not None and being_released(instance):
            instance = None  # on its way out: nothing to converge, and releasing it again would be refused
        if instance is None and params["state"] != "absent":
            module.fail(
                "instance_id: no instance %s in region %s (or it is being released); leave instance_id out to "
                "create one by name" % (params["instance_id"], module.region_id)
            )
        return instance
    if vpc_id is None:
        return None  # state=absent and the vSwitch is gone: nothing can be in it
    found = named(module, vpc_id, params["name"])
    what = "instances are named %r in VPC %s" % (params["name"], vpc_id)
    return module.at_most_one(found, "InstanceId", "name", what, "instance_id")


# waiting ----------------------------------------------------------------------------------------
class Clock(object):
    """One wait_timeout for every wait of the task."""

    def __init__(self, module):
        self.module = module
        self.deadline = time.monotonic() + module.params["wait_timeout"]

    def wait(self, waiter, instance_id):
        remaining = max(1, int(self.deadline - time.monotonic() + 0.999))
        return self.module.wait(waiter, lambda: read_instance(self.module, instance_id), remaining)


def status_is(module, instance_id, statuses):
    """verify_lost for actions without a ClientToken: did the unanswered request take effect?"""

    def verify():
        instance = read_instance(module, instance_id)
        return {} if instance is not None and instance.get("Status") in statuses else None

    return verify


def start(module, instance_id):
    module.call(
        "ecs",
        "StartInstance",
        {"InstanceId": instance_id},
        verify_lost=status_is(module, instance_id, ("Starting", "Running")),
    )


def stop(module, instance_id, force):
    request = {"InstanceId": instance_id}
    if force:
        request["ForceStop"] = True
    module.call("ecs", "StopInstance", request, verify_lost=status_is(module, instance_id, ("Stopping", "Stopped")))


def reboot(module, instance_id, force):
    request = {"InstanceId": instance_id}
    if force:
        request["ForceStop"] = True
    # A reboot that already ran to Running again cannot be told from one that never happened: then it
    # is sent again, and the instance reboots twice rather than not at all.
    module.call("ecs", "RebootInstance", request, verify_lost=status_is(module, instance_id, ("Stopping", "Starting")))


# creating ---------------------------------------------------------------------------------------
def create(module):
    """A new instance: the first vSwitch and type the cloud accepts; returns (True, instance)."""
    params = module.params
    missing = [
        option
        for option, value in (
            ("image_id", params["image_id"]),
            ("instance_type", instance_type_candidates(params)),
            ("v_switch_id", vswitch_candidates(params)),
            ("security_group_ids", params["security_group_ids"]),
        )
        if not value
    ]
    if missing:
        module.fail("%s: required to create instance %r" % (", ".join(missing), params["name"]))
    vswitches = read_candidates(module, module.vswitch)
    types = instance_type_candidates(params)
    if module.check_mode:
        instance = planned(module, vswitches[0], types[0])
        module.placement = placement_of(instance, False, [])
        return True, instance
    instance_id, fallback_used, attempts = run_first_accepted(module, vswitches, types)
    clock = module.clock
    if params["state"] == "stopped":
        # StopInstance needs a Running instance: this wait is needed whatever `wait` says.
        clock.wait(CREATED, instance_id)
        stop(module, instance_id, params["force"])
        instance = clock.wait(STOPPED, instance_id) if params["wait"] else None
    else:
        instance = clock.wait(CREATED, instance_id) if params["wait"] else None
    instance = (
        instance
        or read_instance(module, instance_id)
        or {
            "InstanceId": instance_id,
            "InstanceName": params["name"],
            "Status": "Pending",
        }
    )
    module.placement = placement_of(instance, fallback_used, attempts)
    return True, instance


def spot_plans(params):
    """The spot strategies to try in order: the one asked for, then NoSpot when spot_fallback allows it."""
    wanted = params["spot_strategy"]
    if params["spot_fallback"] and wanted not in (None, "NoSpot"):
        return [wanted, "NoSpot"]
    return [wanted]


def run_first_accepted(module, vswitches, types):
    """RunInstances for each (vSwitch, type) in order, each attempt with its own ClientToken, until one is
    accepted; refusals about the type in that zone move on, a spot refusal moves on to pay-as-you-go when
    spot_fallback allows it. A vSwitch still Pending is waited for when its turn comes. Returns (instance ID,
    whether the spot fallback was used, refused attempts)."""
    run = uuid.uuid4().hex
    attempts = []
    vswitches = list(vswitches)  # a vSwitch waited for is replaced by what the wait read (the caller's list stays)
    plans = spot_plans(module.params)
    for plan_number, spot_strategy in enumerate(plans):
        for index, vswitch in enumerate(vswitches):
            vswitch = vswitches[index] = available_vswitch(module, vswitch, module.params["wait_timeout"])
            for instance_type in types:
                attempt = {
                    "v_switch_id": vswitch["VSwitchId"],
                    "zone_id": vswitch.get("ZoneId", ""),
                    "instance_type": instance_type,
                    "spot_strategy": spot_strategy or "NoSpot",
                }
                token = "%s-%d" % (run, len(attempts))
                try:
                    request = run_request(module, vswitch, instance_type, spot_strategy, token)
                    body = module.call("ecs", "RunInstances", request)
                except AlicloudApiError as error:
                    if is_code(error, *REFUSED_IN_ZONE):
                        attempts.append(dict(attempt, code=error.code))
                        continue
                    if is_code(error, *SPOT_REFUSED) and plan_number + 1 < len(plans):
                        attempts.append(dict(attempt, code=error.code))
                        break
                    raise
                instance_id = (dig(body, "InstanceIdSets", "InstanceIdSet") or [None])[0]
                if not instance_id:
                    module.fail("RunInstances answered without an instance ID", answer=body)
                return instance_id, plan_number > 0, attempts
            else:
                continue
            break  # spot refused for the account: no other vSwitch will take it either
    module.fail(
        "instance %r: no vSwitch and instance type of the lists could be had: %s. Add instance types or zones "
        "(ecs_zone_info shows which zones have stock)%s"
        % (
            module.params["name"],
            "; ".join("%(zone_id)s %(instance_type)s %(spot_strategy)s: %(code)s" % a for a in attempts),
            ""
            if len(plans) > 1 or module.params["spot_strategy"] in (None, "NoSpot")
            else ", or set spot_fallback: true",
        ),
        attempts=attempts,
    )


def run_request(module, vswitch, instance_type, spot_strategy, client_token):
    """The RunInstances request of one attempt."""
    params = module.params
    spot = spot_strategy not in (None, "NoSpot")
    request = {
        "RegionId": module.region_id,
        "ImageId": params["image_id"],
        "InstanceType": instance_type,
        "VSwitchId": vswitch["VSwitchId"],
        "SecurityGroupIds": params["security_group_ids"],
        "InstanceName": params["name"],
        "Amount": 1,
        "HostName": params["host_name"],
        "Description": params["description"],
        "KeyPairName": params["key_pair_name"],
        "Password": params["password"],
        "InternetMaxBandwidthOut": params["internet_max_bandwidth_out"],
        "InternetChargeType": params["internet_charge_type"],
        "InstanceChargeType": params["instance_charge_type"],
        "SpotStrategy": spot_strategy,
        "SpotPriceLimit": params["spot_price_limit"] if spot else None,
        "DeletionProtection": params["deletion_protection"],
        "ClientToken": client_token,
    }
    if params["instance_charge_type"] == "PrePaid":
        request.update(Period=params["period"], PeriodUnit=params["period_unit"])
    if params["user_data"] is not None:
        request["UserData"] = base64.b64encode(params["user_data"].encode("utf-8")).decode("ascii")
    disk = {k: v for k, v in (params["system_disk"] or {}).items() if v is not None}
    if disk:
        request["SystemDisk"] = {("Category" if k == "category" else "Size"): v for k, v in disk.items()}
    if params["tags"]:
        request["Tag"] = tags_to_api(params["tags"])
    return {k: v for k, v in request.items() if v is not None}


def placement_of(instance, fallback_used, attempts):
    """The result's `placement`: what the instance has, and how this task came to it."""
    return {
        "instance_type": instance.get("InstanceType", ""),
        "zone_id": instance.get("ZoneId", ""),
        "v_switch_id": dig(instance, "VpcAttributes", "VSwitchId") or "",
        "spot_strategy": instance.get("SpotStrategy") or "NoSpot",
        "image_id": instance.get("ImageId", ""),
        "spot_fallback_used": fallback_used,
        "attempts": attempts,
    }


def planned(module, vswitch, instance_type):
    """The instance check mode reports it would create (no ID, no addresses yet)."""
    params = module.params
    return {
        "InstanceId": "",
        "InstanceName": params["name"],
        "Status": "Stopped" if params["state"] == "stopped" else "Running",
        "ImageId": params["image_id"],
        "InstanceType": instance_type,
        "RegionId": module.region_id,
        "ZoneId": vswitch["ZoneId"],
        "VpcAttributes": {
            "VpcId": vswitch["VpcId"],
            "VSwitchId": vswitch["VSwitchId"],
            "PrivateIpAddress": {"IpAddress": []},
        },
        "PublicIpAddress": {"IpAddress": []},
        "SecurityGroupIds": {"SecurityGroupId": list(params["security_group_ids"])},
        "HostName": params["host_name"] or "",
        "Description": params["description"] or "",
        "KeyPairName": params["key_pair_name"] or "",
        "InternetMaxBandwidthOut": params["internet_max_bandwidth_out"] or 0,
        "InternetChargeType": params["internet_charge_type"] or "PayByTraffic",
        "InstanceChargeType": params["instance_charge_type"] or "PostPaid",
        "SpotStrategy": params["spot_strategy"] or "NoSpot",
        "DeletionProtection": bool(params["deletion_protection"]),
        "Tags": tags_to_api(params["tags"]),
    }


# updating ---------------------------------------------------------------------------------------
def warn_immutable(module, instance):
    params = module.params
    differences = []
    for option, current, what in IMMUTABLE:
        wanted = params[option]
        have = current(instance)
        if wanted is not None and wanted != have:
            differences.append((option, what, have, wanted))
    have_spot = instance.get("SpotStrategy") or "NoSpot"
    wanted_spot = params["spot_strategy"]
    fell_back = params["spot_fallback"] and have_spot == "NoSpot"
    if wanted_spot is not None and wanted_spot != have_spot and not fell_back:
        differences.append(("spot_strategy", "spot strategy", have_spot, wanted_spot))
    for option, current, what in (
        ("instance_types", instance.get("InstanceType"), "instance type"),
        ("v_switch_ids", dig(instance, "VpcAttributes", "VSwitchId"), "vSwitch"),
    ):
        if params[option] and current not in params[option]:
            differences.append((option, what, current, "one of " + ", ".join(params[option])))
    for option, what, have, wanted in differences:
        module.warn(
            "%s: instance %s has %s %s, not %s; the %s of an existing instance cannot change here, so it was "
            "left as it is (it is not recreated)" % (option, instance["InstanceId"], what, have, wanted, what)
        )


def compare(module, instance, vpc_id):
    params = module.params
    changes = {}
    if params["name"] is not None and params["name"] != instance.get("InstanceName"):
        others = [i["InstanceId"] for i in named(module, vpc_id, params["name"])]
        if others:
            module.fail(
                "name: instance %s cannot be renamed to %r: %s in VPC %s already has that name"
                % (instance["InstanceId"], params["name"], ", ".join(sorted(others)), vpc_id)
            )
        changes["InstanceName"] = params["name"]
    for option, field in (
        ("description", "Description"),
        ("host_name", "HostName"),
        ("deletion_protection", "DeletionProtection"),
    ):
        if params[option] is not None and params[option] != instance.get(field):
            changes[field] = params[option]
    groups = params["security_group_ids"]
    current_groups = dig(instance, "SecurityGroupIds", "SecurityGroupId") or []
    if groups is not None and set(groups) != set(current_groups):
        changes["SecurityGroupIds"] = groups
    return changes


def update(module, instance):
    """Name, description, host name, release protection, security groups, tags, then the running state;
    returns (changed, instance)."""
    vpc_id = module.vpc_id or dig(instance, "VpcAttributes", "VpcId")
    changed, instance = update_attributes(module, instance, vpc_id)
    state_changed, instance = converge(module, instance, module.clock)
    module.placement = placement_of(instance, False, [])
    return changed or state_changed, instance


def update_attributes(module, instance, vpc_id):
    """Name, description, host name, release protection, security groups and tags; returns (changed, instance)."""
    warn_immutable(module, instance)
    changes = compare(module, instance, vpc_id)
    if changes and not module.check_mode:
        module.call("ecs", "ModifyInstanceAttribute", dict(changes, InstanceId=instance["InstanceId"]))
    current_tags = tags_from_api(instance.get("Tags"))
    tags_changed = module.update_tags("ecs", "instance", instance["InstanceId"], current_tags)
    changed = bool(changes) or tags_changed
    if "HostName" in changes:
        module.restart_needed = True
    if not changed:
        return False, instance
    if module.check_mode:
        return True, planned_update(module, instance, changes)
    return True, read_instance(module, instance["InstanceId"]) or instance


def planned_update(module, instance, changes):
    """The instance as check mode reports it: with the changes it would make (in Describe's shape)."""
    fields = dict(changes)
    if "SecurityGroupIds" in fields:
        fields["SecurityGroupIds"] = {"SecurityGroupId": list(fields["SecurityGroupIds"])}
    return module.planned_update(instance, fields)


# states -----------------------------------------------------------------------------------------
def converge(module, instance, clock):
    """Brings an existing instance to `state` (present, running, stopped, restarted); returns (changed, instance)."""
    state = module.params["state"]
    wait = module.params["wait"]
    force = module.params["force"]
    instance_id = instance["InstanceId"]
    status = instance.get("Status")
    if module.check_mode:
        if state == "restarted" or (state == "running" and status in ("Stopped", "Stopping")):
            module.restart_needed = False
        return planned_state(state, status, instance)
    if state == "present":
        if wait and status in SETTLED.waiting:
            return False, clock.wait(SETTLED, instance_id)
        return False, instance
    if state == "running":
        if status == "Running":
            return False, instance
        if status in ("Pending", "Starting"):
            return False, clock.wait(RUNNING, instance_id) if wait else instance
        if status == "Stopping":
            clock.wait(STOPPED, instance_id)
        start(module, instance_id)
        module.restart_needed = False
        return True, finish(module, clock, RUNNING, instance_id)
    if state == "stopped":
        if status == "Stopped":
            return False, instance
        if status == "Stopping":
            return False, clock.wait(STOPPED, instance_id) if wait else instance
        if status in ("Pending", "Starting"):
            clock.wait(RUNNING, instance_id)
        stop(module, instance_id, force)
        return True, finish(module, clock, STOPPED, instance_id)
    # restarted: reboot a running instance, start a stopped one
    if status in ("Pending", "Starting"):
        status = clock.wait(RUNNING, instance_id)["Status"]
    elif status == "Stopping":
        status = clock.wait(STOPPED, instance_id)["Status"]
    if status == "Running":
        reboot(module, instance_id, force)
    else:
        start(module, instance_id)
    module.restart_needed = False
    return True, finish(module, clock, RUNNING, instance_id)


def finish(module, clock, waiter, instance_id):
    if module.params["wait"]:
        return clock.wait(waiter, instance_id)
    return read_instance(module, instance_id)


def planned_state(state, status, instance):
    """What check mode reports for `state`: (changed, the instance with its projected status)."""
    target = {"running": "Running", "stopped": "Stopped", "restarted": "Running"}.get(state)
    if target is None:
        return False, instance
    if state == "restarted":
        changed = True
    elif target == "Running":
        changed = status not in ("Pending", "Starting", "Running")
    else:
        changed = status not in ("Stopping", "Stopped")
    return changed, dict(instance, Status=target) if changed else instance


# deleting ---------------------------------------------------------------------------------------
def delete(module, instance):
    params = module.params
    clock = module.clock
    instance_id = instance["InstanceId"]
    if instance.get("DeletionProtection"):
        if params["deletion_protection"] is not False:
            module.fail(
                "deletion_protection: instance %s has release protection; add deletion_protection: false to "
                "this task to turn it off and release the instance" % instance_id
            )
        if not module.check_mode:
            module.call("ecs", "ModifyInstanceAttribute", {"InstanceId": instance_id, "DeletionProtection": False})
    if module.check_mode:
        return True
    status = instance.get("Status")
    # DeleteInstance takes a Stopped instance, or a Running one with Force; wait out the transitions first.
    if status in ("Pending", "Starting"):
        status = clock.wait(RUNNING, instance_id)["Status"]
    elif status == "Stopping":
        status = clock.wait(STOPPED, instance_id)["Status"]
    request = {"InstanceId": instance_id}
    if status == "Running":
        if params["force"]:
            request["Force"] = True
        else:
            stop(module, instance_id, False)
            clock.wait(STOPPED, instance_id)
    try:
        module.call("ecs", "DeleteInstance", request, verify_lost=gone(module, instance_id))
    except AlicloudApiError as error:
        if not is_code(error, *INSTANCE_NOT_FOUND):
            raise
    if params["wait"]:
        clock.wait(DELETED, instance_id)
    return True


def gone(module, instance_id):
    def verify():
        instance = read_instance(module, instance_id)
        return {} if instance is None or being_released(instance) else None

    return verify


# main -------------------------------------------------------------------------------------------
def main():
    module = AlicloudModule(
        argument_spec=dict(
            name=dict(type="str", aliases=["instance_name"]),
            instance_id=dict(type="str"),
            v_switch_id=dict(type="str", aliases=["vswitch_id"]),
            v_switch_ids=dict(type="list", elements="str"),
            vpc_id=dict(type="str"),
            image_id=dict(type="str"),
            instance_type=dict(type="str"),
            instance_types=dict(type="list", elements="str"),
            spot_fallback=dict(type="bool", default=False),
            security_group_ids=dict(type="list", elements="str", aliases=["security_groups"]),
            key_pair_name=dict(type="str", no_log=False),
            password=dict(type="str", no_log=True),
            host_name=dict(type="str"),
            user_data=dict(type="str"),
            description=dict(type="str"),
            internet_max_bandwidth_out=dict(type="int"),
            internet_charge_type=dict(type="str", choices=["PayByTraffic", "PayByBandwidth"]),
            instance_charge_type=dict(type="str", choices=["PostPaid", "PrePaid"]),
            period=dict(type="int"),
            period_unit=dict(type="str", default="Month", choices=["Month", "Week"]),
            spot_strategy=dict(type="str", choices=["NoSpot", "SpotWithPriceLimit", "SpotAsPriceGo"]),
            spot_price_limit=dict(type="float"),
            system_disk=dict(
                type="dict",
                options=dict(
                    category=dict(type="str", choices=sorted(SYSTEM_DISK_SIZES)),
                    size=dict(type="int"),
                ),
            ),
            deletion_protection=dict(type="bool"),
            force=dict(type="bool", default=False),
            state=dict(type="str", default="present", choices=["present", "running", "stopped", "restarted", "absent"]),
            tags=dict(type="dict"),
            purge_tags=dict(type="bool", default=True),
            wait=dict(type="bool", default=True),
            wait_timeout=dict(type="int", default=600),
        ),
        required_one_of=[["name", "instance_id"]],
        mutually_exclusive=[["instance_type", "instance_types"], ["v_switch_id", "v_switch_ids"]],
        required_if=[["spot_strategy", "SpotWithPriceLimit", ["spot_price_limit"]]],
        supports_check_mode=True,
    )
    module.restart_needed = False
    module.placement = None
    validate(module)
    hold_resource_lock(module, "ecs_instance", module.params["name"])
    module.clock = Clock(module)
    module.ensure(
        "instance",
        "ECS instance %s" % (module.params["instance_id"] or module.params["name"]),
        find,
        create,
        update,
        delete,
        render_instance,
        extra=result_extras,
    )


def result_extras(module, instance):
    """restart_needed (with its warning) and placement, beside the instance."""
    if module.restart_needed:
        module.warn(
            "host_name: instance %s gets its new host name %r after a restart; use state: restarted to apply it"
            % (instance["InstanceId"], module.params["host_name"])
        )
    return {"restart_needed": module.restart_needed, "placement": module.placement}


if __name__ == "__main__":
    main()
