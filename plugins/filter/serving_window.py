# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


def _at(records, host, release, pick):
    times = [r["at"] for r in records if r.get("backend") == host and r.get("body") == release and not r.get("failed")]
    return pick(times) if times else None


def serving_window(records, old, new):
    """From a prober's records (each answer's backend and body, the release id it served): when each backend last
    served the old release and first served the new one, and how long some backend still served the old release
    after another served the new one (mixed_seconds, 0 when they never overlapped)."""
    hosts = sorted({r["backend"] for r in records if r.get("backend") and not r.get("failed")})
    seen = {
        host: {"last_old": _at(records, host, old, max) if old else None, "first_new": _at(records, host, new, min)}
        for host in hosts
    }
    last_old = [times["last_old"] for times in seen.values() if times["last_old"] is not None]
    first_new = [times["first_new"] for times in seen.values() if times["first_new"] is not None]
    # the same release before and after: nothing was switched, nothing could be mixed
    mixed = max(last_old) - min(first_new) if last_old and first_new and old != new else 0.0
    others = [r for r in records if not r.get("failed") and r.get("body") not in (old, new)]
    return {"mixed_seconds": round(max(mixed, 0.0), 3), "hosts": seen, "other_answers": len(others)}


class FilterModule(object):
    def filters(self):
        return {"serving_window": serving_window}
