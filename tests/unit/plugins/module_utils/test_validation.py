"""The name and description rules shared by the modules."""

from ansible_collections.ha_web.alicloud.plugins.module_utils.validation import (
    description_problem,
    fixed_field_problems,
    name_problem,
)


def test_names_have_a_length_and_no_url_prefix():
    assert name_problem("name", "web") is None and name_problem("name", None) is None
    assert name_problem("name", "") == "name: '' must be 1 to 128 characters and not start with http:// or https://"
    assert name_problem("name", "x" * 129) is not None
    assert name_problem("name", "https://web") is not None
    assert name_problem("name", "a", low=2, high=64) == (
        "name: 'a' must be 2 to 64 characters and not start with http:// or https://"
    )


def test_descriptions_have_a_length_and_no_url_prefix():
    assert description_problem("description", "") is None and description_problem("description", None) is None
    assert description_problem("description", "http://x") == (
        "description: must be at most 256 characters and not start with http:// or https://"
    )
    assert description_problem("description", "x", 2, 256) == (
        "description: must be 2 to 256 characters and not start with http:// or https://"
    )
    assert description_problem("description", "x" * 256) is None


def test_fixed_fields_name_each_option_that_asks_for_a_change():
    params = {"zone_id": "cn-hangzhou-k", "cidr_block": "10.0.1.0/24", "vpc_id": None, "bandwidth": 5}
    fixed = (
        ("zone_id", "zone", "cn-hangzhou-j"),  # asks for another zone
        ("cidr_block", "block", "10.0.1.0/24"),  # the same
        ("vpc_id", "VPC", "vpc-1"),  # not set: asks for nothing
        ("bandwidth", "bandwidth", None),  # the API does not say: nothing to compare
    )
    problems = fixed_field_problems(params, fixed, "vSwitch", "vsw-1", "delete it, or use another name")
    assert problems == [
        "zone_id: vSwitch vsw-1 has zone cn-hangzhou-j, not cn-hangzhou-k; the zone of a vSwitch cannot change "
        "(delete it, or use another name)"
    ]


def test_fixed_fields_compare_as_text():
    fixed = (("encrypt_type", "encryption", "0"),)
    assert fixed_field_problems({"encrypt_type": 0}, fixed, "file system", "31a8e4", "delete it") == []
