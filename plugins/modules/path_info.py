#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: path_info
short_description: Read the type, mode, owner, group and checksum of several paths on a host at once
version_added: 1.2.0
description:
  - Reads each path of O(paths) without following a symbolic link at the end of it, and returns what it is.
  - One run of this module replaces a C(stat) per path. The collection's roles read every path they manage with it,
    then write only what differs (the filter P(ha_web.alicloud.out_of_date#filter)),
    so a run that changes nothing starts one module on the host instead of two or more per file.
  - A missing path is an answer (RV(paths.exists=false)), not an error; an unreadable file has no checksum.
author: ha_web.alicloud developers (@ha-web)
options:
  paths:
    description:
      - Absolute paths to read.
    type: list
    elements: path
    required: true
attributes:
  check_mode:
    description: Runs in check mode too, since it only reads.
    support: full
  diff_mode:
    description: Changes nothing.
    support: none
"""

EXAMPLES = r"""
- name: Read what the role writes, as it is on the host
  ha_web.alicloud.path_info:
    paths:
      - /etc/nginx/nginx.conf
      - /usr/local/lib/ha_web/leave
  register: found

- name: Say whether nginx.conf is there
  ansible.builtin.debug:
    msg: "{{ found.paths['/etc/nginx/nginx.conf'].exists }}"
"""

RETURN = r"""
paths:
  description: Each path of O(paths), as given, with what it is on the host.
  returned: always
  type: dict
  contains:
    exists:
      description: Whether something is at the path (a dangling symbolic link exists).
      type: bool
    type:
      description: V(file), V(directory), V(link) or V(other); absent when nothing is there.
      type: str
    mode:
      description: The permission bits in octal, such as V(0644).
      type: str
    owner:
      description: The owner's name, or the user ID as a string when it has no name.
      type: str
    group:
      description: The group's name, or the group ID as a string when it has no name.
      type: str
    checksum:
      description: The SHA-1 of a file's content (as C(ansible.builtin.copy) computes it); absent for other types.
      type: str
    target:
      description: What a symbolic link points at.
      type: str
  sample:
    /etc/nginx/nginx.conf:
      exists: true
      type: file
      mode: "0644"
      owner: root
      group: root
      checksum: 5b6d5e0c3e3e2b8e9a0b2b9a7e1f0f2f1c1e2d3a
"""

import grp
import hashlib
import os
import pwd
import stat

from ansible.module_utils.basic import AnsibleModule


def _name(lookup, number):
    try:
        return lookup(number)[0]
    except KeyError:
        return str(number)


def _type(mode):
    if stat.S_ISLNK(mode):
        return "link"
    if stat.S_ISDIR(mode):
        return "directory"
    if stat.S_ISREG(mode):
        return "file"
    return "other"


def _sha1(path):
    digest = hashlib.sha1()  # noqa: S324 - the checksum ansible.builtin.copy compares, not a security measure
    with open(path, "rb") as content:
        for block in iter(lambda: content.read(65536), b""):
            digest.update(block)
    return digest.hexdigest()


def read_path(path):
    """What is at path, without following a link at its end."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return {"exists": False}
    found = {
        "exists": True,
        "type": _type(st.st_mode),
        "mode": "%04o" % stat.S_IMODE(st.st_mode),
        "owner": _name(pwd.getpwuid, st.st_uid),
        "group": _name(grp.getgrgid, st.st_gid),
    }
    if found["type"] == "file" and os.access(path, os.R_OK):
        found["checksum"] = _sha1(path)
    elif found["type"] == "link":
        found["target"] = os.readlink(path)
    return found


def main():
    module = AnsibleModule(
        argument_spec={"paths": {"type": "list", "elements": "path", "required": True}}, supports_check_mode=True
    )
    relative = [path for path in module.params["paths"] if not os.path.isabs(path)]
    if relative:
        fix = "give each path from / (such as /etc/nginx/nginx.conf)"
        module.fail_json(msg="paths: %s is not absolute; %s" % (relative[0], fix))
    module.exit_json(changed=False, paths={path: read_path(path) for path in module.params["paths"]})


if __name__ == "__main__":
    main()
