# -*- coding: utf-8 -*-
# Copyright: ha_web.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.ha_web.alicloud.plugins.module_utils import site_choice as rules


def remembered_site_choice(asked, vpc_tags):
    """The choice remembered on the site's VPC, when it is still what is asked; None otherwise."""
    return rules.remembered_choice(asked, vpc_tags)


def needs_pay_as_you_go_zones(asked, ecs_spot):
    """Whether the zones must be read again for pay-as-you-go (spot asked, may fall back, too few zones with stock)."""
    return rules.needs_pay_as_you_go_zones(asked, ecs_spot)


def new_site_choice(asked, region, ecs_spot, ecs_no_spot, nas, image, site_os, storage_type):
    """The choice from the region's offer, or {"problem": why it cannot serve the site, naming the variable and the
    fix} (module_utils/site_choice.py). `ecs_no_spot` is None or a skipped result when it was not read."""
    if not isinstance(ecs_no_spot, dict) or ecs_no_spot.get("skipped"):
        ecs_no_spot = None
    try:
        return rules.new_choice(
            asked,
            region,
            ecs_spot,
            ecs_no_spot,
            nas,
            image,
            site_os["label"],
            site_os["image_name"],
            storage_type,
        )
    except rules.ChoiceError as error:
        return {"problem": str(error)}


def site_choice_summary(choice, asked_spot_strategy, image_os, site_os):
    """The choice in one sentence: remembered or chosen, the zones, the image and its release, types and purchase."""
    return rules.describe(choice, asked_spot_strategy, image_os, site_os)


class FilterModule(object):
    def filters(self):
        return {
            "remembered_site_choice": remembered_site_choice,
            "needs_pay_as_you_go_zones": needs_pay_as_you_go_zones,
            "new_site_choice": new_site_choice,
            "site_choice_summary": site_choice_summary,
        }
