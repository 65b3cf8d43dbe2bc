# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The site's rule for where and from what it is built: its ECS zones (one vSwitch each), its NAS zones (master,
backup), the instance types in order of preference, the spot strategy and the image.

Chosen once from what the region offers (the reads of ecs_zone_info, nas_zone_info and ecs_image_info), and
remembered on the site's VPC as tags (ha_web_zones, ha_web_nas_zones, ha_web_image), so a re-run reuses it and never
moves what exists. Pure functions: the playbook makes the reads, these decide (playbooks/tasks/choose_placement.yml).

`asked` is what the site's variables ask for: zones (a list, or "auto"), zone_count (one per vSwitch CIDR block),
instance_types, spot_strategy, spot_fallback, image_id ("" for the newest public image of site_os's release).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

MEMORY_TAGS = ("ha_web_zones", "ha_web_nas_zones", "ha_web_image")


class ChoiceError(ValueError):
    """The region cannot give what the site asks for; the message names the variable and the fix."""


def remembered_choice(asked, vpc_tags):
    """The choice a previous run remembered on the VPC's tags, when it is still what is asked (the zones asked are
    "auto" or the same, the image asked is none or the same); None otherwise (a new choice is made)."""
    tags = vpc_tags or {}
    if not all(tags.get(tag) for tag in MEMORY_TAGS):
        return None
    zones = tags["ha_web_zones"].split(",")
    if asked["zones"] != "auto" and list(asked["zones"]) != zones:
        return None
    if asked["image_id"] not in ("", tags["ha_web_image"]):
        return None
    return {
        "ecs_zones": zones,
        "nas_zones": tags["ha_web_nas_zones"].split(","),
        "image_id": tags["ha_web_image"],
        "instance_types": list(asked["instance_types"]),
        "spot_strategy": asked["spot_strategy"],
        "spot_fallback": bool(asked["spot_fallback"]),
        "remembered": True,
    }


def needs_pay_as_you_go_zones(asked, ecs_spot):
    """Whether the zones must be read again for pay-as-you-go: spot is asked, may fall back, and too few zones have
    spot stock (ecs_spot: what ecs_zone_info returned for the spot strategy)."""
    return (
        asked["spot_strategy"] != "NoSpot"
        and bool(asked["spot_fallback"])
        and len(ecs_spot["usable_zone_ids"]) < int(asked["zone_count"])
    )


def new_choice(asked, region, ecs_spot, ecs_no_spot, nas, image, site_os_label, site_os_image_name, storage_type):
    """The choice from what the region offers now. `ecs_spot` and `ecs_no_spot` are ecs_zone_info's results for the
    spot strategy asked and for pay-as-you-go (None when it was not read: needs_pay_as_you_go_zones was false); `nas`
    is nas_zone_info's; `image` ecs_image_info's image (None when there is none). Raises ChoiceError naming the
    variable and the fix when the region cannot serve the site."""
    ecs, spot_strategy = (ecs_spot, asked["spot_strategy"]) if ecs_no_spot is None else (ecs_no_spot, "NoSpot")
    zone_count = int(asked["zone_count"])
    usable = list(ecs["usable_zone_ids"])
    pinned = asked["zones"] != "auto"
    zones = list(asked["zones"]) if pinned else usable[:zone_count]
    if pinned:
        _check_pinned_zones(zones, ecs, region, zone_count)
    if len(zones) != zone_count or len(set(zones)) != len(zones):
        spot_hint = ""
        if asked["spot_strategy"] != "NoSpot" and not asked["spot_fallback"]:
            spot_hint = ", or set site_spot_fallback: true"
        raise ChoiceError(
            "site_zones: the site needs %d different zones (one per site_vswitch_cidrs entry) where one of %s can be "
            "bought (%s); region %s has %d: %s. Add instance types to site_instance_types%s."
            % (
                zone_count,
                ", ".join(asked["instance_types"]),
                spot_strategy,
                region,
                len(usable),
                ", ".join(usable) or "none",
                spot_hint,
            )
        )
    if not nas["usable_zone_ids"]:
        raise ChoiceError(
            "site_nas_storage_type: no zone of region %s offers NAS %s over NFS (NAS DescribeZones); choose another "
            "storage type or region." % (region, storage_type)
        )
    if not image and asked["image_id"]:
        raise ChoiceError(
            "site_image_id: image %s is not available in region %s (public images are retired); leave site_image_id "
            "empty to use the newest %s image (site_os), or pin a current one (ha_web.alicloud.ecs_image_info lists "
            "them)." % (asked["image_id"], region, site_os_label)
        )
    if not image:
        raise ChoiceError(
            "site_os: region %s lists no available public %s x86_64 image (%s); choose another release with site_os, "
            "or pin an image with site_image_id." % (region, site_os_label, site_os_image_name)
        )
    return {
        "ecs_zones": zones,
        "nas_zones": nas_zones(zones, nas["usable_zone_ids"]),
        "image_id": image["image_id"],
        "instance_types": list(asked["instance_types"]),
        "spot_strategy": spot_strategy,
        "spot_fallback": bool(asked["spot_fallback"]),
        "remembered": False,
    }


def _check_pinned_zones(zones, ecs, region, zone_count):
    """Every pinned zone can serve, else stop before any create, naming the zones that would."""
    refused = [zone for zone in ecs["zones"] if zone["zone_id"] in zones and not zone["usable"]]
    known = [zone["zone_id"] for zone in ecs["zones"]]
    reasons = ["%s: %s" % (zone["zone_id"], "; ".join(zone["problems"])) for zone in refused]
    reasons += ["%s: not a zone of %s" % (zone_id, region) for zone_id in zones if zone_id not in known]
    if reasons:
        raise ChoiceError(
            "site_zones: %s. Zones that would serve now: %s. Pin %d of them, or write site_zones: auto."
            % ("; ".join(reasons), ", ".join(ecs["usable_zone_ids"]) or "none", zone_count)
        )


def nas_zones(ecs_zones, nas_usable):
    """The master's and the backup's zones: the web zones that offer the NAS first (in their order), then the
    region's others; one zone twice when the region has only one."""
    ordered = [zone for zone in ecs_zones if zone in nas_usable] + [
        zone for zone in nas_usable if zone not in ecs_zones
    ]
    chosen = ordered[:2]
    return chosen if len(chosen) == 2 else chosen * 2


def describe(choice, asked_spot_strategy, image_os, site_os):
    """The choice in one sentence, as the playbook says it: remembered or chosen, where, which image (its release,
    and why it is not site_os's when so), which types and purchase."""
    if image_os in ("", None, site_os):
        os_note = ""
    elif choice["remembered"]:
        os_note = ", kept: site_os %s chooses the image of a new site (pin site_image_id to move)" % site_os
    else:
        os_note = ", pinned by site_image_id, not site_os %s" % site_os
    if choice["spot_strategy"] == "NoSpot" and asked_spot_strategy != "NoSpot":
        spot_note = " (no zone had enough spot stock: pay-as-you-go)"
    elif choice["spot_fallback"] and choice["spot_strategy"] != "NoSpot":
        spot_note = " (falls back to pay-as-you-go)"
    else:
        spot_note = ""
    return "%s: web zones %s, NAS zones %s (master, backup), image %s (%s%s), instance types %s, %s%s" % (
        "Remembered" if choice["remembered"] else "Chosen",
        ", ".join(choice["ecs_zones"]),
        ", ".join(choice["nas_zones"]),
        choice["image_id"],
        image_os or "its OS unknown",
        os_note,
        ", ".join(choice["instance_types"]),
        choice["spot_strategy"],
        spot_note,
    )
