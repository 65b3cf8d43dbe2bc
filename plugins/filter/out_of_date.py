# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib

from ansible.errors import AnsibleFilterError

STATES = ("file", "directory", "link", "absent")


def _sha1(content):
    return hashlib.sha1(content.encode("utf-8")).hexdigest()  # noqa: S324 - the checksum copy compares, not security


def _mode(value):
    return value if isinstance(value, int) else int(str(value), 8)


def _attributes_differ(entry, found):
    if "mode" in entry and _mode(entry["mode"]) != _mode(found["mode"]):
        return True
    return any(name in entry and str(entry[name]) != found[name] for name in ("owner", "group"))


def _differs(entry, found):
    state = entry["state"]
    if state == "absent":
        return found["exists"]
    if not found["exists"] or found["type"] != state:
        return True
    if entry.get("keep_existing"):
        return False
    if state == "link":
        return found.get("target") != entry["src"]
    if state == "file" and found.get("checksum") != _sha1(entry["content"]):
        return True
    return _attributes_differ(entry, found)


def _checked(entry, found):
    if not isinstance(entry, dict) or "path" not in entry:
        raise AnsibleFilterError("out_of_date: each wanted entry needs a path; got %r" % (entry,))
    entry = dict(entry, state=entry.get("state", "file"))
    needs = {"file": "content", "link": "src"}.get(entry["state"])
    if entry["state"] not in STATES:
        raise AnsibleFilterError(
            "out_of_date: %s has state %r; use one of %s" % (entry["path"], entry["state"], ", ".join(STATES))
        )
    if needs and needs not in entry:
        raise AnsibleFilterError("out_of_date: %s (state %s) needs its %s" % (entry["path"], entry["state"], needs))
    if entry["path"] not in found:
        raise AnsibleFilterError(
            "out_of_date: %s was not read; give every wanted path to ha_web.alicloud.path_info first" % entry["path"]
        )
    return entry


def out_of_date(wanted, found):
    """The entries of wanted (each a path and what should be there) that the host's paths, as
    ha_web.alicloud.path_info read them, do not match: what a copy, file or link task with those settings would
    change. In the order given, each with its state (file when not given)."""
    entries = [_checked(entry, found) for entry in wanted]
    return [entry for entry in entries if _differs(entry, found[entry["path"]])]


class FilterModule(object):
    def filters(self):
        return {"out_of_date": out_of_date}
