# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # The connection options every module of the collection takes.
    DOCUMENTATION = r"""
options:
  access_key_id:
    description:
      - The AccessKey ID.
      - When not given, the environment variable E(ALIBABA_CLOUD_ACCESS_KEY_ID) is used, then the
        legacy E(ALICLOUD_ACCESS_KEY).
      - With neither a key pair nor O(profile), the default credential chain of C(alibabacloud-credentials)
        is used (credentials files, ECS RAM role).
    type: str
  access_key_secret:
    description:
      - The AccessKey secret.
      - When not given, E(ALIBABA_CLOUD_ACCESS_KEY_SECRET) is used, then the legacy E(ALICLOUD_SECRET_KEY).
    type: str
  security_token:
    description:
      - An STS security token, for temporary credentials.
      - When not given, E(ALIBABA_CLOUD_SECURITY_TOKEN) is used, then E(ALICLOUD_SECURITY_TOKEN).
    type: str
  region_id:
    description:
      - The region, for example C(cn-hangzhou).
      - When not given, E(ALIBABA_CLOUD_REGION_ID) is used, then the legacy E(ALICLOUD_REGION).
    type: str
    aliases: [region]
  profile:
    description:
      - A named credentials profile, from the aliyun CLI's C(~/.aliyun/config.json) or, when that file does
        not exist, from C(~/.alibabacloud/credentials.ini).
      - When not given, E(ALIBABA_CLOUD_PROFILE) is used, then E(ALICLOUD_PROFILE).
    type: str
  endpoint_url:
    description:
      - Send every API request to this URL instead of the product's public endpoint, for example
        V(http://127.0.0.1:18080) for the local emulator shipped with this collection's sources.
      - When not given, E(ALIBABA_CLOUD_ENDPOINT_URL) is used.
    type: str
notes:
  - Requests that are throttled, fail with a server error or get no answer are retried with jittered
    exponential backoff; creations carry a client token that is reused across those retries, so a
    retried creation never makes a second resource.
requirements:
  - python >= 3.11
  - alibabacloud-tea-openapi
  - alibabacloud-credentials
"""

    # Attributes of modules that change resources.
    ATTRIBUTES = r"""
attributes:
  check_mode:
    description: >-
      Can run in check mode and tell whether it would change anything, without calling any API that
      changes something.
    support: full
  diff_mode:
    description: Returns the resource before and after the change when run with C(--diff).
    support: full
"""

    # Options of modules that wait for asynchronous states.
    WAIT = r"""
options:
  wait:
    description:
      - Wait until the resource reaches the state the task asks for.
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait before failing.
    type: int
    default: 600
"""

    # Options of modules whose resource the product tags.
    TAGS = r"""
options:
  tags:
    description:
      - Tags the resource must have, as a dictionary.
      - Leave unset to leave the tags as they are.
    type: dict
  purge_tags:
    description:
      - Remove tags that are not in O(tags).
      - Has no effect when O(tags) is not set.
    type: bool
    default: true
"""
