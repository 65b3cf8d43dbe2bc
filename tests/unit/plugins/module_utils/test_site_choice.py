"""The site's choice of zones, NAS zones, instance types, spot strategy and image (module_utils/site_choice.py), and
the filters choose_placement.yml calls: what a previous run remembered, what the region offers now, and the failures
that stop before any create, naming the variable and the fix."""

import pytest
from ansible_collections.ha_web.alicloud.plugins.filter.site_choice import FilterModule, new_site_choice
from ansible_collections.ha_web.alicloud.plugins.module_utils import site_choice as rules

REGION = "cn-hangzhou"
DEBIAN_13 = {"site_os": "debian_13", "label": "Debian 13 (trixie)", "image_name": "debian_13_*", "platform": "Debian"}
IMAGE = {"image_id": "debian_13_2_x64_20G_alibase_20251121.vhd"}
TAGS = {"ha_web_zones": "cn-hangzhou-h,cn-hangzhou-i", "ha_web_nas_zones": "cn-hangzhou-h,cn-hangzhou-i"}
TAGS = dict(TAGS, ha_web_image=IMAGE["image_id"], ha_web_site="web")


def asked(**changes):
    base = {
        "zones": "auto",
        "zone_count": 2,
        "instance_types": ["ecs.g7.large", "ecs.g6.large"],
        "spot_strategy": "NoSpot",
        "spot_fallback": True,
        "image_id": "",
    }
    return dict(base, **changes)


def zones(*usable, refused=()):
    """ecs_zone_info's result: the usable zones, and refused ones with their problem."""
    records = [{"zone_id": z, "usable": True, "problems": []} for z in usable]
    records += [
        {"zone_id": z, "usable": False, "problems": ["none of the instance types is in stock"]} for z in refused
    ]
    return {"zones": records, "usable_zone_ids": list(usable)}


def choose(asked_for, ecs_spot=None, ecs_no_spot=None, nas=("cn-hangzhou-h", "cn-hangzhou-i"), image="the newest"):
    ecs_spot = ecs_spot or zones("cn-hangzhou-g", "cn-hangzhou-h", "cn-hangzhou-i")
    nas_zones = {"usable_zone_ids": list(nas)}
    image = IMAGE if image == "the newest" else image
    return rules.new_choice(
        asked_for, REGION, ecs_spot, ecs_no_spot, nas_zones, image, DEBIAN_13["label"], "debian_13_*", "Performance"
    )


def test_a_new_site_takes_the_first_usable_zones_the_nas_in_them_and_the_image():
    choice = choose(asked())
    assert choice == {
        "ecs_zones": ["cn-hangzhou-g", "cn-hangzhou-h"],
        "nas_zones": ["cn-hangzhou-h", "cn-hangzhou-i"],  # the web zone with the NAS first, then the region's other
        "image_id": IMAGE["image_id"],
        "instance_types": ["ecs.g7.large", "ecs.g6.large"],
        "spot_strategy": "NoSpot",
        "spot_fallback": True,
        "remembered": False,
    }


def test_a_region_with_one_nas_zone_puts_master_and_backup_in_it():
    assert choose(asked(), nas=["cn-hangzhou-k"])["nas_zones"] == ["cn-hangzhou-k", "cn-hangzhou-k"]


def test_too_few_spot_zones_fall_back_to_pay_as_you_go_zones():
    spot = zones("cn-hangzhou-g")
    wanted = asked(spot_strategy="SpotAsPriceGo")
    assert rules.needs_pay_as_you_go_zones(wanted, spot)
    assert not rules.needs_pay_as_you_go_zones(dict(wanted, spot_fallback=False), spot)
    assert not rules.needs_pay_as_you_go_zones(wanted, zones("cn-hangzhou-g", "cn-hangzhou-h"))
    choice = choose(wanted, ecs_spot=spot, ecs_no_spot=zones("cn-hangzhou-h", "cn-hangzhou-i"))
    assert (choice["ecs_zones"], choice["spot_strategy"]) == (["cn-hangzhou-h", "cn-hangzhou-i"], "NoSpot")
    summary = rules.describe(choice, "SpotAsPriceGo", "debian_13", "debian_13")
    assert summary.endswith("NoSpot (no zone had enough spot stock: pay-as-you-go)")


def test_a_pinned_zone_that_cannot_serve_stops_naming_it_and_the_zones_that_would():
    ecs = zones("cn-hangzhou-g", "cn-hangzhou-h", refused=["cn-hangzhou-j"])
    with pytest.raises(rules.ChoiceError) as raised:
        choose(asked(zones=["cn-hangzhou-j", "cn-hangzhou-x"]), ecs_spot=ecs)
    assert str(raised.value) == (
        "site_zones: cn-hangzhou-j: none of the instance types is in stock; cn-hangzhou-x: not a zone of cn-hangzhou. "
        "Zones that would serve now: cn-hangzhou-g, cn-hangzhou-h. Pin 2 of them, or write site_zones: auto."
    )


def test_too_few_zones_stop_naming_the_count_and_the_fix():
    with pytest.raises(rules.ChoiceError) as raised:
        choose(asked(spot_strategy="SpotAsPriceGo", spot_fallback=False), ecs_spot=zones("cn-hangzhou-g"))
    message = str(raised.value)
    assert message.startswith("site_zones: the site needs 2 different zones (one per site_vswitch_cidrs entry)")
    assert "(SpotAsPriceGo); region cn-hangzhou has 1: cn-hangzhou-g." in message
    assert message.endswith("site_instance_types, or set site_spot_fallback: true.")


def test_the_same_zone_pinned_twice_is_refused():
    with pytest.raises(rules.ChoiceError, match="needs 2 different zones"):
        choose(asked(zones=["cn-hangzhou-g", "cn-hangzhou-g"]))


def test_no_nas_zone_names_the_storage_type():
    with pytest.raises(rules.ChoiceError, match=r"^site_nas_storage_type: no zone of region cn-hangzhou offers NAS"):
        choose(asked(), nas=[])


def test_a_missing_image_names_site_image_id_when_pinned_and_site_os_when_not():
    with pytest.raises(rules.ChoiceError, match=r"^site_image_id: image m-gone is not available in region"):
        choose(asked(image_id="m-gone"), image=None)
    with pytest.raises(rules.ChoiceError, match=r"^site_os: region cn-hangzhou lists no available public Debian 13"):
        choose(asked(), image=None)


def test_the_remembered_choice_is_reused_while_it_is_what_is_asked():
    choice = rules.remembered_choice(asked(spot_strategy="SpotAsPriceGo"), TAGS)
    assert choice["ecs_zones"] == ["cn-hangzhou-h", "cn-hangzhou-i"]
    assert (choice["image_id"], choice["spot_strategy"], choice["remembered"]) == (
        IMAGE["image_id"],
        "SpotAsPriceGo",
        True,
    )
    assert rules.remembered_choice(asked(zones=["cn-hangzhou-h", "cn-hangzhou-i"]), TAGS) is not None
    assert rules.remembered_choice(asked(image_id=IMAGE["image_id"]), TAGS) is not None


@pytest.mark.parametrize(
    ("changes", "tags"),
    [
        ({}, {}),  # no VPC, or one made before choices were remembered
        ({}, dict(TAGS, ha_web_image="")),
        ({"zones": ["cn-hangzhou-g", "cn-hangzhou-h"]}, TAGS),  # other zones pinned now
        ({"image_id": "m-other"}, TAGS),  # another image pinned now
    ],
)
def test_a_choice_no_longer_asked_for_is_made_again(changes, tags):
    assert rules.remembered_choice(asked(**changes), tags) is None


def test_the_summary_says_why_the_image_is_not_of_site_os():
    kept = rules.remembered_choice(asked(), dict(TAGS, ha_web_image="debian_12_9_x64_20G_alibase_20250117.vhd"))
    assert ", kept: site_os debian_13 chooses the image of a new site" in rules.describe(
        kept, "NoSpot", "debian_12", "debian_13"
    )
    pinned = choose(asked(image_id="m-custom"), image={"image_id": "m-custom"})
    summary = rules.describe(pinned, "NoSpot", "", "debian_13")
    assert summary.startswith("Chosen: web zones cn-hangzhou-g, cn-hangzhou-h, NAS zones cn-hangzhou-h, cn-hangzhou-i")
    assert "image m-custom (its OS unknown)" in summary
    spot = dict(pinned, spot_strategy="SpotAsPriceGo")
    assert rules.describe(spot, "SpotAsPriceGo", "debian_13", "debian_13").endswith(
        "SpotAsPriceGo (falls back to pay-as-you-go)"
    )


def test_the_filter_returns_the_problem_instead_of_raising_and_ignores_a_skipped_read():
    ecs = zones("cn-hangzhou-g", "cn-hangzhou-h")
    nas = {"usable_zone_ids": ["cn-hangzhou-h"]}
    skipped = {"skipped": True, "changed": False}
    choice = new_site_choice(asked(), REGION, ecs, skipped, nas, IMAGE, DEBIAN_13, "Performance")
    assert choice["ecs_zones"] == ["cn-hangzhou-g", "cn-hangzhou-h"]
    failed = new_site_choice(asked(), REGION, ecs, None, nas, None, DEBIAN_13, "Performance")
    assert list(failed) == ["problem"] and failed["problem"].startswith("site_os: ")
    assert set(FilterModule().filters()) == {
        "remembered_site_choice",
        "needs_pay_as_you_go_zones",
        "new_site_choice",
        "site_choice_summary",
    }
