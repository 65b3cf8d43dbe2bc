#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ecs_image_info
short_description: Find ECS images, newest first
version_added: 1.0.0
description:
  - Lists the available ECS images that match every filter given, newest first, and returns the newest one
    as RV(image), for example to launch instances from the latest Debian 12 image.
  - Changes nothing.
author: ha_web.alicloud developers (@ha-web)
options:
  image_id:
    description:
      - The ID of an image, for example V(debian_12_9_x64_20G_alibase_20250117.vhd).
    type: str
  name:
    description:
      - The image's name. C(*) matches any text, for example V(debian_12_*_x64_20G_alibase_*); without C(*)
        the name must match exactly.
    type: str
    aliases: [image_name]
  image_family:
    description:
      - The image family, whose newest image is the one to use, for example V(acs:debian_12_9_x64).
    type: str
  os_type:
    description:
      - The operating system type.
    type: str
    choices: [linux, windows]
  architecture:
    description:
      - The CPU architecture.
    type: str
    choices: [x86_64, arm64, i386]
  image_owner_alias:
    description:
      - Whose images to search, V(system) (Alibaba Cloud's public images), V(self) (your custom images),
        V(others) (shared with you) or V(marketplace).
    type: str
    choices: [system, self, others, marketplace]
    default: system
  status:
    description:
      - The images' status. The cloud lists only V(Available) images unless told otherwise; a retired
        public image is not listed at all.
    type: list
    elements: str
    choices: [Available, Creating, CreateFailed, UnAvailable, Waiting, Deprecated]
    default: [Available]
  platform:
    description:
      - The operating system's distribution as C(DescribeImages) writes it in C(Platform), for example
        V(Debian) or V(Ubuntu) (compared without case).
    type: str
  require_one:
    description:
      - Fail when no image matches, instead of returning an empty list and a null RV(image).
    type: bool
    default: false
extends_documentation_fragment:
  - ha_web.alicloud.alicloud
attributes:
  check_mode:
    description: Runs in check mode too, and changes nothing either way.
    support: full
  diff_mode:
    description: Changes nothing, so there is no diff.
    support: none
"""

EXAMPLES = r"""
- name: The newest Debian 12 public image
  ha_web.alicloud.ecs_image_info:
    image_family: acs:debian_12_9_x64
    require_one: true
  register: debian

- name: The newest available public Debian 12 x86_64 image, whatever its point release
  ha_web.alicloud.ecs_image_info:
    name: debian_12_*
    platform: Debian
    os_type: linux
    architecture: x86_64
    image_owner_alias: system
    status: [Available]
    require_one: true
  register: newest_debian

- name: Use it
  ansible.builtin.debug:
    msg: "launching from {{ debian.image.image_id }}"

- name: Every Ubuntu 22.04 image, by name
  ha_web.alicloud.ecs_image_info:
    name: ubuntu_22_04_x64*
    os_type: linux
  register: ubuntu
"""

RETURN = r"""
images:
  description: The matching images as DescribeImages returns them, in snake_case, newest first.
  returned: always
  type: list
  elements: dict
  contains:
    image_id:
      description: The image's ID.
      type: str
      sample: debian_12_9_x64_20G_alibase_20250117.vhd
    image_name:
      description: Its name.
      type: str
    image_family:
      description: Its family.
      type: str
      sample: acs:debian_12_9_x64
    os_type:
      description: V(linux) or V(windows).
      type: str
    os_name:
      description: The operating system's name.
      type: str
    platform:
      description: The operating system's distribution.
      type: str
      sample: Debian
    architecture:
      description: Its CPU architecture.
      type: str
      sample: x86_64
    size:
      description: Its size, in GiB.
      type: int
    status:
      description: Its status, V(Available) for every image listed.
      type: str
    image_owner_alias:
      description: Whose image it is.
      type: str
      sample: system
    creation_time:
      description: When it was created (UTC).
      type: str
    tags:
      description: Its tags.
      type: dict
image:
  description: The newest of RV(images), or null when nothing matches.
  returned: always
  type: dict
"""

import re

from ansible_collections.ha_web.alicloud.plugins.module_utils.errors import AlicloudApiError
from ansible_collections.ha_web.alicloud.plugins.module_utils.module import AlicloudModule, snake_resource


def name_pattern(name):
    """`*` matches any text; everything else literally; the whole name must match."""
    return re.compile("^" + ".*".join(re.escape(part) for part in name.split("*")) + "$", re.DOTALL)


def query(module):
    params = module.params
    request = {
        "RegionId": module.region_id,
        "ImageId": params["image_id"],
        "ImageName": params["name"],
        "ImageFamily": params["image_family"],
        "OSType": params["os_type"],
        "Architecture": params["architecture"],
        "ImageOwnerAlias": params["image_owner_alias"],
        "Status": ",".join(params["status"]),
    }
    return {k: v for k, v in request.items() if v is not None}


def describe(module):
    params = module.params
    images = module.paginate("ecs", "DescribeImages", query(module), ("Images", "Image"), page_size=100)
    # The cloud's ImageName is a fuzzy match: keep only what the pattern (or exact name) says.
    if params["name"] is not None:
        pattern = name_pattern(params["name"])
        images = [i for i in images if pattern.match(i.get("ImageName") or "")]
    if params["image_id"] is not None:
        images = [i for i in images if i.get("ImageId") == params["image_id"]]
    if params["platform"] is not None:
        images = [i for i in images if (i.get("Platform") or "").lower() == params["platform"].lower()]
    unique = {}
    for image in images:
        unique.setdefault(image.get("ImageId"), image)
    return sorted(unique.values(), key=lambda i: (i.get("CreationTime") or "", i.get("ImageId") or ""), reverse=True)


def describe_filters(module):
    params = module.params
    names = ("image_id", "name", "image_family", "os_type", "architecture", "image_owner_alias", "platform")
    return ", ".join("%s=%s" % (n, params[n]) for n in names if params[n] is not None)


def main():
    module = AlicloudModule(
        argument_spec=dict(
            image_id=dict(type="str"),
            name=dict(type="str", aliases=["image_name"]),
            image_family=dict(type="str"),
            os_type=dict(type="str", choices=["linux", "windows"]),
            architecture=dict(type="str", choices=["x86_64", "arm64", "i386"]),
            image_owner_alias=dict(type="str", default="system", choices=["system", "self", "others", "marketplace"]),
            status=dict(
                type="list",
                elements="str",
                default=["Available"],
                choices=["Available", "Creating", "CreateFailed", "UnAvailable", "Waiting", "Deprecated"],
            ),
            platform=dict(type="str"),
            require_one=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    try:
        images = describe(module)
    except AlicloudApiError as error:
        module.fail_api(error, "images (%s)" % describe_filters(module))
    if not images and module.params["require_one"]:
        module.fail(
            "require_one: no image in region %s matches %s; check the filters (image_owner_alias=%s searches %s)"
            % (
                module.region_id,
                describe_filters(module),
                module.params["image_owner_alias"],
                {
                    "system": "only Alibaba Cloud's public images",
                    "self": "only your own custom images",
                    "others": "only images shared with you",
                    "marketplace": "only Alibaba Cloud Marketplace images",
                }[module.params["image_owner_alias"]],
            ),
            images=[],
            image=None,
        )
    rendered = [snake_resource(i) for i in images]
    module.exit_info(images=rendered, image=rendered[0] if rendered else None)


if __name__ == "__main__":
    main()
