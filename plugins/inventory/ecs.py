# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: ecs
short_description: ECS instances of Alibaba Cloud as an inventory source
version_added: 1.0.0
description:
  - Lists the ECS instances of one or more regions (every page of C(DescribeInstances)) as hosts, with
    every attribute of the instance as a host variable in snake_case, its tags as a plain dictionary
    (C(instance_tags); not C(tags), a name Ansible reserves for task tags), and the convenience variables
    C(private_ip_address) and C(public_ip_address) (strings, V("")
    when the instance has none; the public address is the elastic IP when there is no other),
    C(region_id), C(zone_id), C(vpc_id), C(v_switch_id) and C(security_group_ids) (a list).
  - Uses a YAML configuration file whose name ends with C(alicloud_ecs.yml) or C(alicloud_ecs.yaml),
    for example C(web.alicloud_ecs.yml).
  - Values that come from the cloud (names, tags, descriptions) are marked unsafe, so they are never
    evaluated as templates.
author: ha_web.alicloud developers (@ha-web)
extends_documentation_fragment:
  - constructed
  - inventory_cache
  - ha_web.alicloud.alicloud
options:
  plugin:
    description: The name of this plugin; it makes the file this plugin's.
    required: true
    type: str
    choices: [ha_web.alicloud.ecs]
  access_key_id:
    env:
      - name: ALIBABA_CLOUD_ACCESS_KEY_ID
      - name: ALICLOUD_ACCESS_KEY
  access_key_secret:
    env:
      - name: ALIBABA_CLOUD_ACCESS_KEY_SECRET
      - name: ALICLOUD_SECRET_KEY
  security_token:
    env:
      - name: ALIBABA_CLOUD_SECURITY_TOKEN
      - name: ALICLOUD_SECURITY_TOKEN
  profile:
    env:
      - name: ALIBABA_CLOUD_PROFILE
      - name: ALICLOUD_PROFILE
  region_id:
    description:
      - The region to list when O(regions) is not set, for example C(cn-hangzhou).
      - When not given, E(ALIBABA_CLOUD_REGION_ID) is used, then the legacy E(ALICLOUD_REGION).
    env:
      - name: ALIBABA_CLOUD_REGION_ID
      - name: ALICLOUD_REGION
  endpoint_url:
    env:
      - name: ALIBABA_CLOUD_ENDPOINT_URL
  regions:
    description:
      - The regions to list, one after the other. When empty, the single region O(region_id).
    type: list
    elements: str
    default: []
  filters:
    description:
      - Which instances to list; all the filters given must match (they are sent to C(DescribeInstances)).
      - C(tags) (a dictionary of up to 20 tags; an empty value matches any value of the key),
        C(status) (C(Pending), C(Starting), C(Running), C(Stopping), C(Stopped)), C(vpc_id), C(v_switch_id),
        C(zone_id), C(name) (the instance name, C(*) is a wildcard, for example C(web-*)) and
        C(instance_ids) (a list; an empty list matches no instance).
      - Any other key is an error.
    type: dict
    default: {}
  hostnames:
    description:
      - How to name a host, in order of preference. For each instance the first of these that is not empty
        and not already the name of another instance of this inventory is used, so two instances with the
        same name fall through to the next preference (for example O(hostnames=[instance_name, instance_id])).
      - An instance for which none is usable is left out, with a warning.
      - Names are used as they are (an IP address stays an IP address).
    type: list
    elements: str
    choices: [public_ip_address, private_ip_address, instance_name, instance_id, host_name]
    default: [public_ip_address, private_ip_address, instance_id]
notes:
  - The answers are cached only when O(cache=true); the cache key covers the file, the regions, the
    filters and the endpoint, so editing the filters does not read stale hosts.
  - The RAM user or role needs C(ecs:DescribeInstances) only.
  - Ansible's C(auto) inventory plugin loads this plugin from the C(plugin) key, so it needs no entry in
    C(enable_plugins) unless that list is restricted.
"""

EXAMPLES = r"""
# web.alicloud_ecs.yml: every instance of the region, credentials and region from the environment
# (ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET, ALIBABA_CLOUD_REGION_ID)
plugin: ha_web.alicloud.ecs

---
# hosts.alicloud_ecs.yml: the running web servers of two regions, reached by their private address
plugin: ha_web.alicloud.ecs
regions: [cn-hangzhou, cn-shanghai]
filters:
  tags:
    app: ha-web
  status: Running
hostnames: [instance_name, instance_id]
compose:
  ansible_host: private_ip_address
keyed_groups:
  # role_web, role_db, ...
  - key: instance_tags.role | default('none')
    prefix: role
  # zone_cn_hangzhou_j, ...
  - key: zone_id
    prefix: zone
  - key: status | lower
    prefix: status
groups:
  web: "(instance_tags.role | default('')) == 'web'"
  big: "memory >= 8192"
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/ansible-inventory
cache_timeout: 300

---
# emulator.alicloud_ecs.yml: the local emulator shipped with the collection's sources
plugin: ha_web.alicloud.ecs
endpoint_url: http://127.0.0.1:18080
access_key_id: emulator-ak
access_key_secret: emulator-sk
region_id: cn-hangzhou
"""

import hashlib
import json
import logging

from ansible.errors import AnsibleError
from ansible.module_utils.common.text.converters import to_native
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable
from ansible.utils.unsafe_proxy import wrap_var

from ansible_collections.ha_web.alicloud.plugins.module_utils import calls, clients, credentials
from ansible_collections.ha_web.alicloud.plugins.module_utils.calls import dig
from ansible_collections.ha_web.alicloud.plugins.module_utils.ecs import render_instance
from ansible_collections.ha_web.alicloud.plugins.module_utils.errors import AlicloudApiError
from ansible_collections.ha_web.alicloud.plugins.module_utils.tags import tags_to_api

ACTION = "DescribeInstances"
PAGE_SIZE = 100  # MaxResults: 10 to 100
IDS_PER_REQUEST = 100  # InstanceIds: a JSON array of at most 100 IDs
MAX_TAGS = 20
SCALAR_FILTERS = {
    "status": "Status",
    "vpc_id": "VpcId",
    "v_switch_id": "VSwitchId",
    "zone_id": "ZoneId",
    "name": "InstanceName",
}
FILTER_KEYS = sorted([*SCALAR_FILTERS, "tags", "instance_ids"])
STATUSES = ("Pending", "Starting", "Running", "Stopping", "Stopped")


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    NAME = "ha_web.alicloud.ecs"

    def verify_file(self, path):
        """Only files named like `*.alicloud_ecs.yml` / `*.alicloud_ecs.yaml`."""
        return super(InventoryModule, self).verify_file(path) and path.endswith(
            ("alicloud_ecs.yml", "alicloud_ecs.yaml")
        )

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache)
        self._read_config_data(path)
        regions = self._regions()
        queries = self._queries()

        cache_key = self._cache_key(path, regions, queries)
        use_cache = self.get_option("cache")
        instances = None
        if use_cache and cache:  # `cache` is False on --flush-cache / refresh_inventory: read afresh
            try:
                instances = self._cache[cache_key]
            except KeyError:
                instances = None
        if instances is None:
            instances = self._fetch(regions, queries)
            if use_cache:
                self._cache[cache_key] = instances
        self._populate(instances)

    # options ----------------------------------------------------------------------------------------
    def _regions(self):
        regions = [r for r in (self.get_option("regions") or []) if r] or [self.get_option("region_id")]
        if not all(regions):
            raise AnsibleError(
                "region_id or regions is required: set region_id, regions, or ALIBABA_CLOUD_REGION_ID "
                "(e.g. cn-hangzhou)"
            )
        unique = []
        for region in regions:
            if region not in unique:
                unique.append(region)
        return unique

    def _queries(self):
        """The DescribeInstances parameters for `filters`: one query, or one per 100 instance IDs."""
        filters = self.get_option("filters") or {}
        if not isinstance(filters, dict):
            raise AnsibleError("filters must be a dictionary with the keys %s" % ", ".join(FILTER_KEYS))
        unknown = sorted(set(filters) - set(FILTER_KEYS))
        if unknown:
            raise AnsibleError("filters: unknown key(s) %s; use %s" % (", ".join(unknown), ", ".join(FILTER_KEYS)))
        query = {}
        for key, parameter in SCALAR_FILTERS.items():
            value = filters.get(key)
            if value is None or value == "":
                continue
            if not isinstance(value, (str, int)) or isinstance(value, bool):
                raise AnsibleError("filters.%s must be a string, got %r" % (key, value))
            query[parameter] = str(value)
        status = query.get("Status")
        if status is not None and status not in STATUSES:
            raise AnsibleError("filters.status must be one of %s, got %r" % (", ".join(STATUSES), status))
        tags = filters.get("tags")
        if tags:
            if not isinstance(tags, dict):
                raise AnsibleError("filters.tags must be a dictionary of tag keys to values, e.g. {role: web}")
            if len(tags) > MAX_TAGS:
                raise AnsibleError("filters.tags: at most %d tags, got %d" % (MAX_TAGS, len(tags)))
            # a tag without a value matches every value of its key
            query["Tag"] = [tag if tag["Value"] else {"Key": tag["Key"]} for tag in tags_to_api(tags)]
        ids = filters.get("instance_ids")
        if ids is None:
            return [query]
        if isinstance(ids, str):
            ids = [part.strip() for part in ids.split(",") if part.strip()]
        if not isinstance(ids, list) or not all(isinstance(i, str) and i for i in ids):
            raise AnsibleError("filters.instance_ids must be a list of instance IDs, e.g. [i-bp1..., i-bp2...]")
        unique = sorted(set(ids))
        return [
            dict(query, InstanceIds=json.dumps(unique[start : start + IDS_PER_REQUEST]))
            for start in range(0, len(unique), IDS_PER_REQUEST)
        ]  # no IDs: no query, no instance

    def _cache_key(self, path, regions, queries):
        scope = json.dumps([regions, queries, self.get_option("endpoint_url")], sort_keys=True)
        return "%s_%s" % (self.get_cache_key(path), hashlib.sha256(scope.encode("utf-8")).hexdigest()[:12])

    # reading the cloud ------------------------------------------------------------------------------
    def _credential_config(self):
        options = {
            name: self.get_option(name) for name in ("access_key_id", "access_key_secret", "security_token", "profile")
        }
        try:
            source, config = credentials.resolve(options)
        except credentials.CredentialsError as error:
            raise AnsibleError(to_native(error)) from None
        except ImportError as error:
            raise AnsibleError(
                "the ECS inventory needs the Python package alibabacloud-credentials: %s" % to_native(error)
            ) from None
        credential = config.get("credential")
        if credential is not None:
            self._check_credential(source, credential)
        return config

    def _check_credential(self, source, credential):
        """A profile or the default chain: find the keys once now, so that "no credentials" is a clear
        error at once instead of a request that is retried as if it had got no answer."""
        quiet = logging.getLogger("credentials")  # alibabacloud-credentials logs each failed provider
        level = quiet.level
        quiet.setLevel(logging.CRITICAL)
        try:
            credential.get_credential()
        except Exception as error:  # the credential providers raise many unrelated types
            where = "profile %s" % source.split(":", 1)[1] if source.startswith("profile:") else "the default chain"
            raise AnsibleError(
                "ECS inventory: no usable credentials from %s: %s. Give access_key_id and access_key_secret "
                "(or set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET), or a working profile"
                % (where, to_native(error))
            ) from None
        finally:
            quiet.setLevel(level)

    def _fetch(self, regions, queries):
        if not queries:
            return []
        credential_config = self._credential_config()
        instances = []
        for region in regions:
            client = self._client(region, credential_config)
            for query in queries:
                instances.extend(self._describe(client, region, query))
        return instances

    def _client(self, region, credential_config):
        try:
            return clients.build_client("ecs", region, credential_config, self.get_option("endpoint_url"))
        except clients.MissingSdkError as error:
            raise AnsibleError(
                "the ECS inventory needs the Python package %s: %s" % (error.package, to_native(error.error))
            ) from None
        except ValueError as error:
            raise AnsibleError(to_native(error)) from None

    def _describe(self, client, region, query):
        """Every page (MaxResults/NextToken) of DescribeInstances in one region, on the modules' call path."""
        try:
            return calls.paginate(
                lambda page: calls.send_with_retries(client, "ecs", ACTION, page),
                dict(query, RegionId=region),
                ("Instances", "Instance"),
                page_size=PAGE_SIZE,
                token=True,
            )
        except AlicloudApiError as error:
            raise AnsibleError("ECS inventory, %s in %s: %s" % (ACTION, region, error.describe())) from None

    # building the inventory -----------------------------------------------------------------------
    @staticmethod
    def _host_variables(instance):
        variables = render_instance(instance)
        variables["instance_tags"] = variables.pop("tags")
        variables["region_id"] = instance.get("RegionId") or ""
        variables["zone_id"] = instance.get("ZoneId") or ""
        variables["vpc_id"] = dig(instance, "VpcAttributes", "VpcId") or ""
        variables["v_switch_id"] = dig(instance, "VpcAttributes", "VSwitchId") or ""
        variables["security_group_ids"] = list(dig(instance, "SecurityGroupIds", "SecurityGroupId") or [])
        return variables

    def _hostname(self, variables, taken):
        for preference in self.get_option("hostnames"):
            name = variables.get(preference)
            if name and name not in taken:
                return name
        return None

    def _populate(self, instances):
        strict = self.get_option("strict")
        compose = self.get_option("compose")
        groups = self.get_option("groups")
        keyed_groups = self.get_option("keyed_groups")
        taken = set()
        for instance in instances:
            variables = wrap_var(self._host_variables(instance))
            hostname = self._hostname(variables, taken)
            if hostname is None:
                self.display.warning(
                    "ECS inventory: instance %s is left out: none of hostnames (%s) gives it a free name"
                    % (variables.get("instance_id"), ", ".join(self.get_option("hostnames")))
                )
                continue
            taken.add(hostname)
            self.inventory.add_host(hostname)
            for key, value in variables.items():
                self.inventory.set_variable(hostname, key, value)
            self._set_composite_vars(compose, variables, hostname, strict=strict)
            self._add_host_to_composed_groups(groups, variables, hostname, strict=strict)
            self._add_host_to_keyed_groups(keyed_groups, variables, hostname, strict=strict)
