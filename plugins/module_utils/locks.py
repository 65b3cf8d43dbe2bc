# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One task at a time per named resource on this controller, for what the cloud does not keep unique.

A VPC, a security group, a NAS file system, a load balancer or an instance is found by its name, and the
cloud accepts a second one with the same name: two runs that look at the same moment would both find none
and make two. Tasks on one controller (two playbook runs, two CI jobs on one runner) take an exclusive lock
named after the resource for the whole task, so the second looks only once the first has made it. The lock is
released when the module returns: by the operating system when the module's process ends, however it ends, and
by release_held_locks() when the module ran inside the controller's task worker (plugin_utils/in_process.py), where
the next loop item or retry runs in the same process. Runs on different
controllers are not serialised by this (the cloud offers no lock); see docs/playbook_site.md.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import fcntl
import hashlib
import json
import os
import tempfile

# One directory per user: another user's directory would not be writable.
LOCK_DIRECTORY = os.path.join(tempfile.gettempdir(), "ha_web.alicloud-locks-%d" % os.getuid())

# The descriptors of the locks this process holds.
_held = []


def lock_path(endpoint, region, kind, names):
    key = json.dumps([endpoint or "", region, kind] + [n or "" for n in names])
    return os.path.join(LOCK_DIRECTORY, hashlib.sha256(key.encode("utf-8")).hexdigest()[:40] + ".lock")


def hold_resource_lock(module, kind, *names):
    """Wait for, then hold until the module returns, the lock of the resource `kind` named `names` in the region."""
    try:
        os.makedirs(LOCK_DIRECTORY, 0o700)
    except OSError as error:
        if error.errno != errno.EEXIST:
            raise
    path = lock_path(module.params.get("endpoint_url"), module.region_id, kind, names)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(descriptor, fcntl.LOCK_EX)
    _held.append(descriptor)
    return descriptor


def release_held_locks():
    """Release every lock this process holds (closing a descriptor releases its flock)."""
    while _held:
        os.close(_held.pop())


def forget_held_locks():
    """In a fork: the descriptors in the list are the parent's to release, not this process's."""
    del _held[:]
