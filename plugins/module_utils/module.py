# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""AlicloudModule: what every module of the collection shares.

Common options with their environment fallbacks, product clients built on first use, one call path
with retries, paging, waiting, and results/errors in one shape.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import traceback
import uuid

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib
from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.ha_web.alicloud.plugins.module_utils import calls, clients, credentials, retries
from ansible_collections.ha_web.alicloud.plugins.module_utils.errors import AlicloudApiError
from ansible_collections.ha_web.alicloud.plugins.module_utils.tags import (
    compare_tags,
    planned_tags,
    tags_from_api,
    tags_to_api,
)
from ansible_collections.ha_web.alicloud.plugins.module_utils.waiters import WaitError, wait_for

COMMON_ARGUMENT_SPEC = dict(
    access_key_id=dict(type="str", fallback=(env_fallback, ["ALIBABA_CLOUD_ACCESS_KEY_ID", "ALICLOUD_ACCESS_KEY"])),
    access_key_secret=dict(
        type="str",
        no_log=True,
        fallback=(env_fallback, ["ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALICLOUD_SECRET_KEY"]),
    ),
    security_token=dict(
        type="str",
        no_log=True,
        fallback=(env_fallback, ["ALIBABA_CLOUD_SECURITY_TOKEN", "ALICLOUD_SECURITY_TOKEN"]),
    ),
    region_id=dict(
        type="str", aliases=["region"], fallback=(env_fallback, ["ALIBABA_CLOUD_REGION_ID", "ALICLOUD_REGION"])
    ),
    profile=dict(type="str", fallback=(env_fallback, ["ALIBABA_CLOUD_PROFILE", "ALICLOUD_PROFILE"])),
    endpoint_url=dict(type="str", fallback=(env_fallback, ["ALIBABA_CLOUD_ENDPOINT_URL"])),
)

READ_PREFIXES = ("Describe", "List", "Get", "Query")
# What a request sent with DryRun=true answers when it would have succeeded.
DRY_RUN_PASSED = ("DryRunOperation", "DRYRUN.SUCCESS")


def is_mutating(action):
    return not action.startswith(READ_PREFIXES)


def snake_resource(resource, tags_field="Tags"):
    """An API object (PascalCase) as a module returns it: snake_case keys, tags as a plain dict."""
    if resource is None:
        return None
    body = dict(resource)
    tags = body.pop(tags_field, None)
    result = camel_dict_to_snake_dict(body)
    if tags_field:
        result["tags"] = tags_from_api(tags)
    return result


class AlicloudModule(object):
    def __init__(self, argument_spec, **kwargs):
        spec = dict(COMMON_ARGUMENT_SPEC)
        spec.update(argument_spec)
        self.module = AnsibleModule(argument_spec=spec, **kwargs)
        self.params = self.module.params
        self.check_mode = self.module.check_mode
        self.diff_mode = self.module._diff
        self.max_attempts = retries.DEFAULT_ATTEMPTS
        self._clients = {}
        self._credential_config = None

    # clients and calls ------------------------------------------------------------------------
    @property
    def region_id(self):
        region = self.params.get("region_id")
        if not region:
            self.fail("region_id is required: set the region_id option or ALIBABA_CLOUD_REGION_ID (e.g. cn-hangzhou)")
        return region

    def client(self, product):
        if product not in self._clients:
            try:
                if self._credential_config is None:
                    self._credential_config = credentials.resolve(self.params)[1]
                self._clients[product] = clients.build_client(
                    product, self.region_id, self._credential_config, self.params.get("endpoint_url")
                )
            except clients.MissingSdkError as error:
                self.module.fail_json(msg=missing_required_lib(error.package), exception=str(error.error))
            except (credentials.CredentialsError, ValueError) as error:
                self.fail(str(error))
        return self._clients[product]

    def call(self, product, action, params=None, client_token=False, verify_lost=None):
        """Send one API request, retrying what is safe to retry; returns the answer's body.

        client_token: add a ClientToken, made once and sent again on every retry, so a create that
        took effect without an answer is not done twice. verify_lost: for mutating actions without a
        ClientToken, a function called after an unanswered attempt; if it returns something, the
        action had taken effect and that is the result (no resend).
        Raises AlicloudApiError.
        """
        if self.check_mode and is_mutating(action):
            raise RuntimeError("bug: %s would change something in check mode" % action)
        params = dict(params or {})
        if client_token:
            params["ClientToken"] = str(uuid.uuid4())
        return calls.send_with_retries(
            self.client(product), product, action, params, max_attempts=self.max_attempts, verify_lost=verify_lost
        )

    def dry_run(self, product, action, params=None):
        """Send a create with DryRun=true: the cloud checks permissions, parameters, stock and quotas and
        carries out nothing. Returns None when it would succeed (`DryRunOperation`, or `DRYRUN.SUCCESS` of
        the batch actions); raises AlicloudApiError with the error the request would meet. Only for actions
        that take DryRun (the caller knows which): an answer without that error means the cloud carried the
        request out, which is raised as `DryRunNotHonoured`. Allowed in check mode: nothing changes.
        """
        request = dict(params or {}, DryRun=True)
        try:
            body = calls.send_with_retries(
                self.client(product), product, action, request, max_attempts=self.max_attempts
            )
        except AlicloudApiError as error:
            if error.code in DRY_RUN_PASSED:
                return None
            raise
        raise AlicloudApiError(
            "DryRunNotHonoured",
            "%s answered as if carried out (%s); check what it made" % (action, body),
            request_id=(body or {}).get("RequestId"),
            action=action,
        )

    def paginate(self, product, action, params, path, page_size=50, token=False):
        """Every item of a Describe/List call, all pages (PageNumber/PageSize, or NextToken/MaxResults)."""
        return calls.paginate(lambda page: self.call(product, action, page), params, path, page_size, token)

    def at_most_one(self, found, id_field, option, what, choose_with):
        """The one resource found (None for none); several is an error naming all of them.

        E.g. at_most_one(vpcs, "VpcId", "name", "VPCs are named 'web'", "vpc_id") fails with
        "name: 2 VPCs are named 'web' (vpc-1, vpc-2); give vpc_id to choose one".
        """
        if len(found) > 1:
            ids = ", ".join(sorted(resource[id_field] for resource in found))
            self.fail("%s: %d %s (%s); give %s to choose one" % (option, len(found), what, ids, choose_with))
        return found[0] if found else None

    def wait(self, waiter, read, timeout):
        try:
            return wait_for(waiter, read, timeout)
        except WaitError as error:
            self.fail(str(error), resource=error.resource)

    def planned_update(self, resource, changes, tags_field="Tags"):
        """`resource` as check mode reports an update of it: with `changes` (API fields) and the tags that
        update_tags would give it."""
        current = tags_from_api(resource.get(tags_field))
        tags = planned_tags(current, self.params.get("tags"), self.params.get("purge_tags"))
        return dict(resource, **dict(changes, **{tags_field: tags_to_api(tags)}))

    def update_tags(self, product, resource_type, resource_id, current, untag_action="UntagResources"):
        """Bring a resource's tags to the `tags` / `purge_tags` options; returns True when something changes."""
        to_set, to_remove = compare_tags(current, self.params.get("tags"), self.params.get("purge_tags"))
        if self.check_mode or not (to_set or to_remove):
            return bool(to_set or to_remove)
        scope = {"ResourceType": resource_type, "ResourceId": [resource_id]}
        if product != "nas":
            scope["RegionId"] = self.region_id
        if to_remove:
            self.call(product, untag_action, dict(scope, TagKey=to_remove))
        if to_set:
            self.call(product, "TagResources", dict(scope, Tag=tags_to_api(to_set)))
        return True

    # the present/absent outline ------------------------------------------------------------------
    def ensure(self, key, what, find, create, update, delete, render, planned=None, extra=None):
        """Bring one resource to `state` (present or absent) and exit: the outline of a resource module.

        find(module) -> the resource or None. Then, for state absent, delete(module, resource) -> changed
        (only when found); otherwise create(module) -> (changed, resource) when missing, or
        update(module, resource) -> (changed, resource). In check mode create may return no resource: then
        planned(module) is reported instead. render(resource) is what the module returns under `key`, and the
        `--diff` before/after. An AlicloudApiError fails the task with `what` (e.g. "VPC web") and the API's
        error. extra(module, resource) -> dict: more result keys when the resource is present (e.g.
        `restart_needed`).
        """
        try:
            resource = find(self)
            before = render(resource) if resource is not None else None
            if self.params["state"] == "absent":
                changed = delete(self, resource) if resource is not None else False
                self.exit(changed, {}, key=key, before=before, after={})
            if resource is None:
                changed, resource = create(self)
            else:
                changed, resource = update(self, resource)
        except AlicloudApiError as error:
            self.fail_api(error, what)
        after = render(resource) if resource else planned(self)
        more = extra(self, resource) if extra else {}
        self.exit(changed, after, key=key, before=before, after=after, **more)

    # results --------------------------------------------------------------------------------
    def warn(self, msg):
        self.module.warn(msg)

    def fail(self, msg, **result):
        self.module.fail_json(msg=msg, **result)

    def fail_on_problems(self, problems):
        """Fail with every problem found in the options at once (None entries are no problem)."""
        problems = [problem for problem in problems if problem]
        if problems:
            self.fail("; ".join(problems))

    def fail_api(self, error, msg, **result):
        """Fail with what the cloud said: code, message and request id (never a traceback)."""
        if not isinstance(error, AlicloudApiError):
            self.module.fail_json(msg="%s: %s" % (msg, error), exception=traceback.format_exc(), **result)
        self.module.fail_json(msg="%s: %s" % (msg, error.describe()), error=error.as_dict(), **result)

    def exit_info(self, **facts):
        """The end of an info module: what it read, nothing changed."""
        self.module.exit_json(changed=False, **facts)

    def exit(self, changed, resource=None, key="resource", before=None, after=None, **extra):
        result = dict(changed=changed, **extra)
        result[key] = resource
        if self.diff_mode:
            result["diff"] = {
                "before": before if before is not None else {},
                "after": after if after is not None else {},
            }
        self.module.exit_json(**result)
