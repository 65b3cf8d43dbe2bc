"""web_placement and web_surplus: where new web instances go and which go on a scale-in, the zones kept balanced and
the names web-1..web-N kept."""

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.ha_web.alicloud.plugins.filter.web_scale import FilterModule, web_placement, web_surplus

ZONES = ["zone-a", "zone-b"]


def _instance(number, zone, recycling=False):
    locks = {"lock_reason": [{"lock_reason": "Recycling"}]} if recycling else {"lock_reason": []}
    name = f"site-web-{number}"
    return {"instance_name": name, "instance_id": f"i-{number}", "zone_id": zone, "operation_locks": locks}


def _names(instances):
    return [i["instance_name"] for i in instances]


def test_an_empty_site_puts_instance_n_in_zone_n():
    assert web_placement([], 2, ZONES) == ["zone-a", "zone-b"]
    assert web_placement([], 5, ZONES) == ["zone-a", "zone-b", "zone-a", "zone-b", "zone-a"]
    assert web_placement([], 4, ["z1", "z2", "z3"]) == ["z1", "z2", "z3", "z1"]


def test_existing_instances_keep_their_zones_and_new_ones_fill_the_zones_with_fewer():
    # web-1 went to zone-b when zone-a had no stock: the scale-out to 4 puts both new ones in zone-a.
    existing = [_instance(1, "zone-b"), _instance(2, "zone-b")]
    assert web_placement(existing, 4, ZONES) == ["zone-b", "zone-b", "zone-a", "zone-a"]


def test_a_recycling_instance_is_not_counted_so_its_replacement_takes_its_zone():
    existing = [_instance(1, "zone-a"), _instance(2, "zone-b", recycling=True), _instance(3, "zone-a")]
    assert web_placement(existing, 3, ZONES) == ["zone-a", "zone-b", "zone-a"]


def test_surplus_instances_do_not_count_for_the_placement():
    existing = [_instance(1, "zone-a"), _instance(3, "zone-b"), _instance(4, "zone-b")]
    assert web_placement(existing, 2, ZONES) == ["zone-a", "zone-b"]


def test_a_scale_in_takes_the_instances_above_the_count_the_fuller_zone_first():
    instances = [_instance(n, zone) for n, zone in [(1, "zone-a"), (2, "zone-b"), (3, "zone-a"), (4, "zone-b")]]
    instances.append(_instance(5, "zone-a"))
    # zone-a has 3: web-5 first; then 2 and 2: the higher number, web-4; then zone-a's web-3.
    assert _names(web_surplus(instances, 2)) == ["site-web-5", "site-web-4", "site-web-3"]
    assert web_surplus(instances, 5) == []


def test_a_scale_in_keeps_the_names_below_the_count_even_when_a_zone_has_more():
    instances = [_instance(1, "zone-a"), _instance(2, "zone-a"), _instance(3, "zone-b"), _instance(4, "zone-a")]
    assert _names(web_surplus(instances, 3)) == ["site-web-4"]


def test_a_recycling_instance_is_left_to_the_cloud():
    instances = [_instance(1, "zone-a"), _instance(2, "zone-b"), _instance(3, "zone-a", recycling=True)]
    instances.append(_instance(4, "zone-b"))
    assert _names(web_surplus(instances, 2)) == ["site-web-4"]


def test_a_name_that_is_not_a_web_instance_is_refused():
    with pytest.raises(AnsibleFilterError, match="not a web instance name"):
        web_surplus([{"instance_name": "site-db-1", "zone_id": "zone-a"}], 1)
    with pytest.raises(AnsibleFilterError, match="at least one zone"):
        web_placement([], 2, [])


def test_the_filters_are_registered():
    assert FilterModule().filters() == {"web_placement": web_placement, "web_surplus": web_surplus}
