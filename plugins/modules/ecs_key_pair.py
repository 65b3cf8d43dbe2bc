#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ecs_key_pair
short_description: Import or delete an SSH key pair for ECS instances
version_added: 1.0.0
description:
  - Makes sure a named SSH key pair exists with the given OpenSSH public key and tags, or that it does not
    exist. The private key never leaves your machine; only the public key is imported.
  - Whether an existing key pair holds the same key is decided by its fingerprint, which the module computes
    from O(public_key) the way the cloud does (MD5 of the decoded key).
  - A key pair with the same name but another key is not replaced unless O(force=true).
author: ha_web.alicloud developers (@ha-web)
options:
  name:
    description:
      - The key pair's name (2 to 128 characters, starting with a letter; letters, digits, C(.), C(_), C(-)
        and C(:)).
    type: str
    required: true
    aliases: [key_pair_name]
  public_key:
    description:
      - The public key, as one line of an OpenSSH C(.pub) file, for example
        C(ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA... admin@example).
      - Supported types are C(ssh-rsa), C(ssh-dss), C(ssh-ed25519) and C(ecdsa-sha2-nistp256/384/521).
      - Required when O(state=present).
    type: str
  force:
    description:
      - When a key pair of that name exists with another key, delete it and import O(public_key) in its place.
      - Without it, the module fails and changes nothing in that case.
      - A key pair that instances still use cannot be deleted.
    type: bool
    default: false
  state:
    description:
      - V(present) makes sure the key pair exists with O(public_key); V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - ha_web.alicloud.alicloud
  - ha_web.alicloud.alicloud.tags
  - ha_web.alicloud.alicloud.attributes
"""

EXAMPLES = r"""
- name: The admins' key, for SSH to the web servers
  ha_web.alicloud.ecs_key_pair:
    name: ha-web-admin
    public_key: "{{ lookup('ansible.builtin.file', '~/.ssh/id_ed25519.pub') }}"
    tags:
      app: ha-web

- name: Replace the key of that name with a new one
  ha_web.alicloud.ecs_key_pair:
    name: ha-web-admin
    public_key: "{{ lookup('ansible.builtin.file', 'files/new_key.pub') }}"
    force: true

- name: Delete it
  ha_web.alicloud.ecs_key_pair:
    name: ha-web-admin
    state: absent
"""

RETURN = r"""
key_pair:
  description: The key pair as Describe returns it, in snake_case; empty when absent.
  returned: always
  type: dict
  contains:
    key_pair_name:
      description: Its name.
      type: str
      sample: ha-web-admin
    key_pair_finger_print:
      description: The MD5 fingerprint of its public key, as the cloud reports it.
      type: str
      sample: 5f0e1c9b2d3a4e6f7a8b9c0d1e2f3a4b
    public_key:
      description: Its public key, when the cloud returns it.
      type: str
    creation_time:
      description: When it was imported (UTC).
      type: str
    resource_group_id:
      description: Its resource group.
      type: str
    tags:
      description: Its tags.
      type: dict
      sample: {"app": "ha-web"}
"""

import base64
import binascii
import hashlib
import json
import re
import struct

from ansible_collections.ha_web.alicloud.plugins.module_utils.conflicts import create_or_adopt
from ansible_collections.ha_web.alicloud.plugins.module_utils.ecs import KEY_PAIR_NOT_FOUND
from ansible_collections.ha_web.alicloud.plugins.module_utils.errors import AlicloudApiError, is_code
from ansible_collections.ha_web.alicloud.plugins.module_utils.module import AlicloudModule, snake_resource
from ansible_collections.ha_web.alicloud.plugins.module_utils.tags import (
    tags_from_api,
    tags_to_api,
    validate_tags,
)
from ansible_collections.ha_web.alicloud.plugins.module_utils.validation import starts_with_url
from ansible_collections.ha_web.alicloud.plugins.module_utils.waiters import Waiter

KEY_TYPES = (
    "ssh-rsa",
    "ssh-dss",
    "ssh-ed25519",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
)
NAME = re.compile(r"^[A-Za-z][A-Za-z0-9:._-]{1,127}$")
PRIVATE_KEY = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")
NAME_TAKEN = ("KeyPair.AlreadyExist", "KeyPair.AlreadyExists")
VISIBLE = Waiter("the imported key pair to be visible", field="Visible", success=[True], gone="wait")
VISIBLE_SECONDS = 60


def key_blob(public_key):
    """(decoded key blob, None) for an OpenSSH public key line `type base64 [comment]`, else (None, problem)."""
    if PRIVATE_KEY.search(public_key):
        return None, "public_key: this is a PRIVATE key; give the public key (the .pub file) instead"
    parts = public_key.strip().split()
    if len(parts) < 2:
        return None, "public_key: must be one OpenSSH public key line like 'ssh-ed25519 AAAA... comment'"
    if parts[0] not in KEY_TYPES:
        return None, "public_key: key type %r is not supported; use one of %s" % (parts[0][:40], ", ".join(KEY_TYPES))
    try:
        blob = base64.b64decode(parts[1].encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeError):
        return None, "public_key: the key data after %r is not valid base64" % parts[0]
    if len(blob) < 4:
        return None, "public_key: the key data is too short to be a key"
    (type_length,) = struct.unpack(">I", blob[:4])
    if blob[4 : 4 + type_length] != parts[0].encode("ascii"):
        return None, "public_key: the key data does not hold a %s key (damaged, or another type)" % parts[0]
    return blob, None


def fingerprint(blob):
    """The MD5 fingerprint of a key blob, in the hex form the cloud computes (RFC 4716, without colons)."""
    return hashlib.md5(blob).hexdigest()  # noqa: S324 - the fingerprint format, not a security use


def same_fingerprint(api_value, local):
    """ECS reports the fingerprint as plain hex or with colons, in either case."""
    return (api_value or "").replace(":", "").lower() == local


def validate(module):
    params = module.params
    problems = validate_tags(params["tags"])
    name = params["name"]
    if not NAME.match(name) or starts_with_url(name):
        problems.append(
            "name: %r must be 2 to 128 characters, start with a letter, and hold only letters, digits, "
            "'.', '_', '-' and ':'" % name
        )
    blob = None
    if params["state"] == "present":
        if not params["public_key"]:
            problems.append("public_key: required when state is present")
        else:
            blob, problem = key_blob(params["public_key"])
            problems.append(problem)
    module.fail_on_problems(problems)
    return fingerprint(blob) if blob is not None else None


def find(module):
    name = module.params["name"]
    found = module.paginate(
        "ecs",
        "DescribeKeyPairs",
        {"RegionId": module.region_id, "KeyPairName": name, "IncludePublicKey": True},
        ("KeyPairs", "KeyPair"),
        page_size=50,
    )
    found = [k for k in found if k.get("KeyPairName") == name]
    return found[0] if found else None


def import_key(module, wanted_fingerprint):
    params = module.params
    request = {
        "RegionId": module.region_id,
        "KeyPairName": params["name"],
        "PublicKeyBody": params["public_key"].strip(),
    }
    if params["tags"]:
        request["Tag"] = tags_to_api(params["tags"])

    def imported():
        """After an unanswered attempt: did it take effect? (ImportKeyPair takes no ClientToken.)"""
        key_pair = find(module)
        if key_pair is not None and same_fingerprint(key_pair.get("KeyPairFingerPrint"), wanted_fingerprint):
            return key_pair
        return None

    def send():
        module.call("ecs", "ImportKeyPair", request, verify_lost=imported)
        # A new key pair may take a moment to show in Describe.
        return module.wait(VISIBLE, lambda: visible(find(module)), VISIBLE_SECONDS)["KeyPair"]

    def adopt(key_pair):
        """Our own earlier attempt that got no answer, or another run's import: the fingerprint tells which."""
        if not same_fingerprint(key_pair.get("KeyPairFingerPrint"), wanted_fingerprint):
            module.fail(
                "key pair %s was just imported by someone else, with another key (fingerprint %s); delete it "
                "first, or use force: true to replace it" % (params["name"], key_pair.get("KeyPairFingerPrint"))
            )
        return key_pair

    return create_or_adopt(send, lambda: find(module), adopt, NAME_TAKEN, timeout=VISIBLE_SECONDS)


def visible(key_pair):
    return None if key_pair is None else {"Visible": True, "KeyPair": key_pair}


def delete_key(module, name):
    try:
        module.call(
            "ecs", "DeleteKeyPairs", {"RegionId": module.region_id, "KeyPairNames": json.dumps([name])}
        )  # deleting what is gone changes nothing: safe to send again
    except AlicloudApiError as error:
        if is_code(error, *KEY_PAIR_NOT_FOUND):
            return
        if is_code(error, "InvalidParameter.KeypairAlreadyAttachedInstance", "DependencyViolation.*"):
            module.fail(
                "key pair %s cannot be deleted: %s. Instances still use it: detach it from them (or delete them) "
                "first" % (name, error.describe()),
                error=error.as_dict(),
            )
        raise


def delete(module, key_pair):
    if not module.check_mode:
        delete_key(module, key_pair["KeyPairName"])
    return True


def present(module, key_pair, wanted_fingerprint):
    """Create (import) the key pair when missing or replaced (force), or bring its tags up to date."""
    params = module.params
    if key_pair is not None and not same_fingerprint(key_pair.get("KeyPairFingerPrint"), wanted_fingerprint):
        if not params["force"]:
            module.fail(
                "key pair %s exists with another key (fingerprint %s, public_key has %s); delete it first, or use "
                "force: true to replace it" % (params["name"], key_pair.get("KeyPairFingerPrint"), wanted_fingerprint)
            )
        if module.check_mode:
            return True, None
        delete_key(module, params["name"])
        key_pair = None
    if key_pair is None:
        if module.check_mode:
            return True, None
        key_pair = import_key(module, wanted_fingerprint)
        # Tags were sent with the import; they differ only when the key pair was someone else's import.
        if module.update_tags("ecs", "keypair", key_pair["KeyPairName"], tags_from_api(key_pair.get("Tags"))):
            key_pair = find(module) or key_pair
        return True, key_pair
    tags_changed = module.update_tags("ecs", "keypair", key_pair["KeyPairName"], tags_from_api(key_pair.get("Tags")))
    if tags_changed and module.check_mode:
        return True, module.planned_update(key_pair, {})
    if tags_changed:
        key_pair = find(module) or key_pair
    return tags_changed, key_pair


def render(key_pair):
    """The key pair as the module returns it."""
    return snake_resource(key_pair)


def planned(module, wanted_fingerprint):
    """What check mode would import."""
    params = module.params
    return {
        "key_pair_name": params["name"],
        "key_pair_finger_print": wanted_fingerprint,
        "public_key": params["public_key"].strip(),
        "tags": params["tags"] or {},
    }


def main():
    module = AlicloudModule(
        argument_spec=dict(
            name=dict(type="str", required=True, aliases=["key_pair_name"]),
            public_key=dict(type="str"),
            force=dict(type="bool", default=False),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            tags=dict(type="dict"),
            purge_tags=dict(type="bool", default=True),
        ),
        supports_check_mode=True,
    )
    wanted_fingerprint = validate(module)
    module.ensure(
        "key_pair",
        "key pair %s" % module.params["name"],
        find,
        lambda module: present(module, None, wanted_fingerprint),
        lambda module, key_pair: present(module, key_pair, wanted_fingerprint),
        delete,
        render,
        lambda module: planned(module, wanted_fingerprint),
    )


if __name__ == "__main__":
    main()
