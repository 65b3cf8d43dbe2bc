"""The name and description rules shared by the modules."""

from ansible_collections.ha_web.alicloud.plugins.module_utils.validation import description_problem, name_problem


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
