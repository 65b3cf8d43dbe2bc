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
    their attributes as host variables in snake_case, their tags as a plain dictionary, and
    C(private_ip_address) / C(public_ip_address) as plain strings.
  - Uses a YAML configuration file whose name ends with C(alicloud_ecs.yml) or C(alicloud_ecs.yaml).
author: ha_web.alicloud developers (@ha-web)
extends_documentation_fragment:
  - constructed
  - inventory_cache
options:
  plugin:
    description: The name of this plugin; it makes the file this plugin's.
    required: true
    type: str
    choices: [ha_web.alicloud.ecs]
  access_key_id:
    description: The AccessKey ID. Without a key pair or O(profile), the default credential chain is used.
    type: str
    env:
      - name: ALIBABA_CLOUD_ACCESS_KEY_ID
      - name: ALICLOUD_ACCESS_KEY
  access_key_secret:
    description: The AccessKey secret.
    type: str
    env:
      - name: ALIBABA_CLOUD_ACCESS_KEY_SECRET
      - name: ALICLOUD_SECRET_KEY
  security_token:
    description: An STS security token, for temporary credentials.
    type: str
    env:
      - name: ALIBABA_CLOUD_SECURITY_TOKEN
      - name: ALICLOUD_SECURITY_TOKEN
  profile:
    description: A named credentials profile (aliyun CLI configuration, else the credentials file).
    type: str
    env:
      - name: ALIBABA_CLOUD_PROFILE
      - name: ALICLOUD_PROFILE
  region_id:
    description: The region to list when O(regions) is not set.
    type: str
    env:
      - name: ALIBABA_CLOUD_REGION_ID
      - name: ALICLOUD_REGION
  regions:
    description: The regions to list; defaults to O(region_id).
    type: list
    elements: str
    default: []
  endpoint_url:
    description: Send every request to this URL, for example V(http://127.0.0.1:18080) for the local emulator.
    type: str
    env:
      - name: ALIBABA_CLOUD_ENDPOINT_URL
  filters:
    description:
      - Which instances to list. Keys C(tags) (a dictionary; an empty value matches any value of the key),
        C(status), C(vpc_id), C(v_switch_id), C(zone_id), C(name) (C(*) is a wildcard) and C(instance_ids) (a list).
    type: dict
    default: {}
  hostnames:
    description:
      - How to name a host, in order of preference; the first that is set, and not already taken by another
        instance, is used. An instance with none of them is left out.
    type: list
    elements: str
    choices: [public_ip_address, private_ip_address, instance_name, instance_id, host_name]
    default: [public_ip_address, private_ip_address, instance_id]
"""

EXAMPLES = r"""
# inventories/local/hosts.alicloud_ecs.yml: the web servers on the local emulator, reached by name
plugin: ha_web.alicloud.ecs
endpoint_url: http://127.0.0.1:18080
access_key_id: emulator-ak
access_key_secret: emulator-sk
region_id: cn-hangzhou
filters:
  tags:
    app: ha-web
  status: Running
hostnames: [instance_name, instance_id]
compose:
  ansible_host: private_ip_address
keyed_groups:
  - key: tags.role | default('none')
    prefix: role
  - key: zone_id
    prefix: zone
groups:
  web: "'web' in (tags.role | default(''))"
"""

import json

from ansible.errors import AnsibleError
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

from ansible_collections.ha_web.alicloud.plugins.module_utils import clients, credentials, retries
from ansible_collections.ha_web.alicloud.plugins.module_utils.ecs import instance_result
from ansible_collections.ha_web.alicloud.plugins.module_utils.errors import AlicloudApiError, from_sdk_exception
from ansible_collections.ha_web.alicloud.plugins.module_utils.module import dig
from ansible_collections.ha_web.alicloud.plugins.module_utils.tags import tags_to_api

PAGE_SIZE = 100
FILTERS = {
    "status": "Status",
    "vpc_id": "VpcId",
    "v_switch_id": "VSwitchId",
    "zone_id": "ZoneId",
    "name": "InstanceName",
}


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    NAME = "ha_web.alicloud.ecs"

    def verify_file(self, path):
        return super(InventoryModule, self).verify_file(path) and path.endswith(
            ("alicloud_ecs.yml", "alicloud_ecs.yaml")
        )

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache)
        self._read_config_data(path)
        cache_key = self.get_cache_key(path)
        use_cache = cache and self.get_option("cache")
        instances = None
        if use_cache:
            try:
                instances = self._cache[cache_key]
            except KeyError:
                instances = None
        if instances is None:
            instances = self._fetch()
            if self.get_option("cache"):
                self._cache[cache_key] = instances
        self._populate(instances)

    # reading the cloud ------------------------------------------------------------------------------
    def _query(self):
        filters = dict(self.get_option("filters") or {})
        unknown = set(filters) - set(FILTERS) - {"tags", "instance_ids"}
        if unknown:
            raise AnsibleError(
                "filters: unknown key(s) %s; use %s"
                % (", ".join(sorted(unknown)), ", ".join(sorted([*FILTERS, "tags", "instance_ids"])))
            )
        query = {FILTERS[k]: v for k, v in filters.items() if k in FILTERS and v not in (None, "")}
        if filters.get("tags"):
            query["Tag"] = tags_to_api(filters["tags"])
        if filters.get("instance_ids"):
            query["InstanceIds"] = json.dumps(list(filters["instance_ids"]))
        return query

    def _fetch(self):
        regions = self.get_option("regions") or [self.get_option("region_id")]
        if not all(regions):
            raise AnsibleError("region_id or regions is required (or set ALIBABA_CLOUD_REGION_ID)")
        options = {name: self.get_option(name) for name in ("access_key_id", "access_key_secret", "security_token")}
        options["profile"] = self.get_option("profile")
        try:
            credential_config = credentials.resolve(options)[1]
        except credentials.CredentialsError as error:
            raise AnsibleError(str(error)) from error
        query = self._query()
        instances = []
        for region in regions:
            instances.extend(self._describe_region(region, credential_config, query))
        return instances

    def _describe_region(self, region, credential_config, query):
        try:
            client = clients.build_client("ecs", region, credential_config, self.get_option("endpoint_url"))
        except clients.MissingSdkError as error:
            raise AnsibleError(
                "the ECS inventory needs the Python package %s: %s" % (error.package, error.error)
            ) from error
        except ValueError as error:
            raise AnsibleError(str(error)) from error
        params = dict(query, RegionId=region, MaxResults=PAGE_SIZE)
        found = []
        while True:
            try:
                body = retries.call_with_retries(
                    lambda: clients.send(client, "ecs", "DescribeInstances", params),
                    lambda raw: raw if isinstance(raw, AlicloudApiError) else from_sdk_exception(raw),
                )
            except AlicloudApiError as error:
                message = "ECS inventory, DescribeInstances in %s: %s" % (region, error.describe())
                raise AnsibleError(message) from error
            found.extend(dig(body, "Instances", "Instance") or [])
            if not body.get("NextToken"):
                return found
            params["NextToken"] = body["NextToken"]

    # building the inventory -----------------------------------------------------------------------
    def _host_variables(self, instance):
        variables = instance_result(instance)
        variables["vpc_id"] = dig(instance, "VpcAttributes", "VpcId") or ""
        variables["v_switch_id"] = dig(instance, "VpcAttributes", "VSwitchId") or ""
        variables["security_group_ids"] = dig(instance, "SecurityGroupIds", "SecurityGroupId") or []
        return variables

    def _hostname(self, variables, taken):
        for preference in self.get_option("hostnames"):
            name = variables.get(preference)
            if name and name not in taken:
                return name
        return None

    def _populate(self, instances):
        strict = self.get_option("strict")
        taken = set()
        for instance in instances:
            variables = self._host_variables(instance)
            hostname = self._hostname(variables, taken)
            if hostname is None:
                continue
            taken.add(hostname)
            self.inventory.add_host(hostname)
            for key, value in variables.items():
                self.inventory.set_variable(hostname, key, value)
            self._set_composite_vars(self.get_option("compose"), variables, hostname, strict=strict)
            self._add_host_to_composed_groups(self.get_option("groups"), variables, hostname, strict=strict)
            self._add_host_to_keyed_groups(self.get_option("keyed_groups"), variables, hostname, strict=strict)
