#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: preflight
short_description: Try the creates a run will make with DryRun, and probe read permissions, before anything exists
version_added: 1.1.0
description:
  - Sends each request of O(checks) and reports, per check, whether it would succeed and what to do when
    it would not, so a play can stop before it creates anything.
  - A create whose API takes C(DryRun) (C(CreateVpc), C(RunInstances), NAS C(CreateFileSystem)) is sent with
    C(DryRun=true). The cloud checks permissions, parameters, stock and quotas, answers C(DryRunOperation)
    and creates nothing. A read (C(Describe*), C(List*)...) is sent as it is, as a permission probe. Any
    other action is refused before a request is sent, so this module never changes anything.
  - Never fails because a check fails; RV(failed_checks) names them (set O(fail_on_error) to fail).
author: ha_web.alicloud developers (@ha-web)
options:
  checks:
    description:
      - The requests to try.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description:
          - What the check is called in the results, for example V(create the VPC).
        type: str
        required: true
      product:
        description:
          - The API product.
        type: str
        required: true
        choices: [ecs, vpc, slb, nas, cms]
      action:
        description:
          - The API action, for example V(CreateVpc) or V(DescribeLoadBalancers).
        type: str
        required: true
      params:
        description:
          - The request's parameters, as the API names them.
        type: dict
        default: {}
      accept_codes:
        description:
          - Error codes that do not stop the run. For example C(MissingParameter) of C(RunInstances) before
            the site has its vSwitch (the gateway checked the permission first, the rest is checked when the
            vSwitch exists), or C(InvalidAccount.NotSupportSpot) where the run falls back to pay-as-you-go.
          - Such a check passes, with the code in RV(checks[].result).
        type: list
        elements: str
        default: []
  fail_on_error:
    description:
      - Fail the task when a check fails.
    type: bool
    default: false
extends_documentation_fragment:
  - ha_web.alicloud.alicloud
attributes:
  check_mode:
    description: Runs in check mode too; it changes nothing either way.
    support: full
  diff_mode:
    description: Returns no diff.
    support: none
seealso:
  - module: ha_web.alicloud.ecs_zone_info
"""

EXAMPLES = r"""
- name: Would the VPC and a NAS file system be created, and may the key list load balancers?
  ha_web.alicloud.preflight:
    checks:
      - name: create the VPC
        product: vpc
        action: CreateVpc
        params: {RegionId: cn-hangzhou, CidrBlock: 192.168.0.0/16, VpcName: ha-web-vpc}
      - name: create a NAS file system
        product: nas
        action: CreateFileSystem
        params: {ZoneId: cn-hangzhou-k, ProtocolType: NFS, StorageType: Capacity, FileSystemType: standard}
      - name: read load balancers
        product: slb
        action: DescribeLoadBalancers
        params: {RegionId: cn-hangzhou}
  register: preflight

- name: Stop when one failed
  ansible.builtin.assert:
    that: preflight.failed_checks == []
"""

RETURN = r"""
checks:
  description: One entry per check, in order.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The check's name.
      type: str
    action:
      description: C(<product>:<Action>), as RAM policies name it.
      type: str
      sample: nas:CreateFileSystem
    kind:
      description: V(dry_run) (sent with DryRun=true) or V(read) (a read-only probe).
      type: str
    passed:
      description: Whether the request would succeed.
      type: bool
    result:
      description: V(passed), V(failed), or V(passed) with an accepted code, for example V(passed (MissingParameter)).
      type: str
    code:
      description: The cloud's error code, empty when the check passed outright.
      type: str
    message:
      description: The cloud's message.
      type: str
    request_id:
      description: The request ID, for Alibaba Cloud support.
      type: str
    what_to_do:
      description: The fix, when the check failed.
      type: str
failed_checks:
  description: The names of the checks that failed.
  returned: always
  type: list
  elements: str
"""

import fnmatch

from ansible_collections.ha_web.alicloud.plugins.module_utils.errors import AlicloudApiError
from ansible_collections.ha_web.alicloud.plugins.module_utils.module import AlicloudModule, is_mutating

# The creates whose API takes DryRun (the SDK request models have the field); nothing else is sent
# unless it is a read.
DRY_RUN_ACTIONS = {
    "vpc": ("CreateVpc",),
    "ecs": ("RunInstances",),
    "nas": ("CreateFileSystem",),
    "slb": (),
    "cms": (),
}
# Error code patterns (fnmatch) -> what to do; the first that matches is used.
FIXES = (
    (
        ("Forbidden*", "*NoPermission*", "AccessForbidden"),
        "grant the RAM user %(action)s (docs/playbook_site.md lists the policy the site needs)",
    ),
    (
        ("InvalidAccessKeyId*", "SignatureDoesNotMatch", "InvalidSecurityToken*"),
        "check the keys: ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    ),
    (
        ("OperationDenied.NoStock", "Zone.NotOnSale", "InvalidInstanceType.*", "Resource.OutOfStock"),
        "choose other zones or instance types (site_zones: auto, more site_instance_types)",
    ),
    (
        ("InvalidAccount.NotSupportSpot",),
        "this account may not buy spot instances: set site_spot_fallback: true or site_spot_strategy: NoSpot",
    ),
    (
        ("InvalidImageId.NotFound", "OperationDenied.ImageNotValid"),
        "the image is gone: leave site_image_id empty to use the newest Debian 12 image",
    ),
    (("*QuotaExceed*",), "raise the quota in the Quota Center, or free some"),
    (("InvalidRegionId*",), "check alicloud_region (ECS DescribeRegions lists the regions)"),
)


def fix_for(code, action):
    for patterns, text in FIXES:
        if any(fnmatch.fnmatchcase(code, pattern) for pattern in patterns):
            return text % {"action": action}
    return "read the message: the request would fail this way when the site is created"


def validate(module):
    problems = []
    for check in module.params["checks"]:
        action = check["action"]
        if is_mutating(action) and action not in DRY_RUN_ACTIONS[check["product"]]:
            problems.append(
                "checks: %s:%s (%s) neither reads nor takes DryRun here; probe it with a read, or with one of %s"
                % (check["product"], action, check["name"], ", ".join(sum(DRY_RUN_ACTIONS.values(), ())))
            )
    module.fail_on_problems(problems)


def run_check(module, check):
    action = "%s:%s" % (check["product"], check["action"])
    kind = "dry_run" if is_mutating(check["action"]) else "read"
    result = {"name": check["name"], "action": action, "kind": kind, "code": "", "message": "", "request_id": ""}
    try:
        if kind == "dry_run":
            module.dry_run(check["product"], check["action"], check["params"])
        else:
            module.call(check["product"], check["action"], check["params"])
    except AlicloudApiError as error:
        result.update(code=error.code, message=error.message or "", request_id=error.request_id or "")
        if error.code in check["accept_codes"]:
            result.update(passed=True, result="passed (%s)" % error.code, what_to_do="")
            return result
        result.update(passed=False, result="failed", what_to_do=fix_for(error.code, action))
        return result
    result.update(passed=True, result="passed", what_to_do="")
    return result


def main():
    module = AlicloudModule(
        argument_spec=dict(
            checks=dict(
                type="list",
                elements="dict",
                required=True,
                options=dict(
                    name=dict(type="str", required=True),
                    product=dict(type="str", required=True, choices=["ecs", "vpc", "slb", "nas", "cms"]),
                    action=dict(type="str", required=True),
                    params=dict(type="dict", default={}),
                    accept_codes=dict(type="list", elements="str", default=[]),
                ),
            ),
            fail_on_error=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    validate(module)
    results = [run_check(module, check) for check in module.params["checks"]]
    failed = [r["name"] for r in results if not r["passed"]]
    if failed and module.params["fail_on_error"]:
        module.fail(
            "preflight: %s"
            % "; ".join("%(name)s (%(action)s): %(code)s, %(what_to_do)s" % r for r in results if not r["passed"]),
            checks=results,
            failed_checks=failed,
        )
    module.module.exit_json(changed=False, checks=results, failed_checks=failed)


if __name__ == "__main__":
    main()
