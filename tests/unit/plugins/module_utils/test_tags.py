"""Tags: API shapes to dicts and back, and the changes that reach the wanted set."""

from ansible_collections.ha_web.alicloud.plugins.module_utils.tags import (
    compare_tags,
    planned_tags,
    tags_from_api,
    tags_to_api,
    validate_tags,
)


def test_both_api_shapes_and_the_bare_list():
    assert tags_from_api({"Tag": [{"TagKey": "a", "TagValue": "1"}]}) == {"a": "1"}
    assert tags_from_api({"Tag": [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": None}]}) == {"a": "1", "b": ""}
    assert tags_from_api([{"TagKey": "x", "TagValue": "y"}]) == {"x": "y"}
    assert tags_from_api(None) == {} and tags_from_api({}) == {}


def test_request_shape():
    assert tags_to_api({"b": 2, "a": None}) == [{"Key": "a", "Value": ""}, {"Key": "b", "Value": "2"}]


def test_compare_with_purge():
    to_set, to_remove = compare_tags({"a": "1", "b": "2", "c": "3"}, {"a": "1", "b": "changed", "d": "4"}, True)
    assert to_set == {"b": "changed", "d": "4"} and to_remove == ["c"]


def test_compare_without_purge_only_adds_and_changes():
    to_set, to_remove = compare_tags({"a": "1", "c": "3"}, {"a": "2"}, False)
    assert to_set == {"a": "2"} and to_remove == []


def test_no_wanted_tags_means_leave_them_alone():
    assert compare_tags({"a": "1"}, None, True) == ({}, [])
    assert compare_tags({"a": "1"}, {}, True) == ({}, ["a"])


def test_values_compare_as_strings():
    assert compare_tags({"n": "1"}, {"n": 1}, True) == ({}, [])


def test_validation_names_the_bad_tag():
    assert validate_tags({"ok": "v"}) == []
    problems = validate_tags({"aliyun:x": "v", "": "v", "k": "x" * 129})
    assert len(problems) == 3 and any("aliyun:x" in p for p in problems)
    assert validate_tags({str(i): "v" for i in range(21)}) == ["at most 20 tags per resource, got 21"]


def test_planned_tags_are_what_compare_tags_would_reach():
    current = {"a": "1", "c": "3"}
    assert planned_tags(current, {"a": "2"}, True) == {"a": "2"}
    assert planned_tags(current, {"a": "2"}, False) == {"a": "2", "c": "3"}
    assert planned_tags(current, None, True) == current
