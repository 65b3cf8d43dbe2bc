"""site_os: the web hosts' release (Debian 13 by default, Debian 12 allowed), how its public images are found, and the
release of an image a site runs; through the rule (module_utils/site_os.py) and the filters playbooks call."""

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.ha_web.alicloud.plugins.filter.site_os import FilterModule, image_os, site_os_images
from ansible_collections.ha_web.alicloud.plugins.module_utils import site_os as rules
from ansible_collections.ha_web.alicloud.plugins.modules.ecs_image_info import name_pattern

PUBLIC_IMAGES = [  # the emulator's shipped catalog, as the names of the real cloud's public images read
    "debian_13_2_x64_20G_alibase_20251121.vhd",
    "debian_13_1_x64_20G_alibase_20250926.vhd",
    "debian_12_9_x64_20G_alibase_20250117.vhd",
    "debian_12_6_x64_20G_alibase_20240823.vhd",
    "ubuntu_22_04_x64_20G_alibase_20250113.vhd",
    "aliyun_3_x64_20G_alibase_20250117.vhd",
]


def test_the_default_is_debian_13():
    for value in (None, ""):
        images = site_os_images(value)
        assert images["site_os"] == rules.DEFAULT_SITE_OS == "debian_13"
        assert (images["image_name"], images["platform"]) == ("debian_13_*", "Debian")
        assert images["label"] == "Debian 13 (trixie)"


def test_debian_12_is_allowed():
    images = site_os_images("debian_12")
    assert (images["site_os"], images["image_name"], images["label"]) == (
        "debian_12",
        "debian_12_*",
        "Debian 12 (bookworm)",
    )


@pytest.mark.parametrize("site_os", ["debian_13", "debian_12"])
def test_the_name_pattern_finds_the_releases_public_images_only(site_os):
    pattern = name_pattern(site_os_images(site_os)["image_name"])  # as ecs_image_info matches it
    found = [name for name in PUBLIC_IMAGES if pattern.match(name)]
    assert len(found) == 2
    assert {image_os(name) for name in found} == {site_os}


@pytest.mark.parametrize("value", ["debian_11", "Debian 13", "debian13", "ubuntu_22_04", 13, ["debian_13"]])
def test_any_other_value_fails_naming_site_os_and_the_fix(value):
    with pytest.raises(AnsibleFilterError) as failed:
        site_os_images(value)
    message = str(failed.value)
    assert message.startswith("site_os: %r is not a release" % (value,))
    assert "write site_os: debian_13 (Debian 13 (trixie), the default) or debian_12 (Debian 12 (bookworm))" in message
    assert "pin it with site_image_id" in message
    assert rules.site_os_problem(value) == message
    assert rules.site_os_problem("debian_12") is None


@pytest.mark.parametrize(
    ("image", "release"),
    [
        ("debian_13_2_x64_20G_alibase_20251121.vhd", "debian_13"),
        ("debian_12_9_x64_20G_alibase_20250117.vhd", "debian_12"),
        ("ubuntu_22_04_x64_20G_alibase_20250113.vhd", ""),
        ("m-0123456789abcdef0123", ""),  # a custom image: its ID says nothing
        ("", ""),
        (None, ""),
        ({"image_id": "m-0123456789abcdef0123", "os_name_en": "Debian  13.2 64 bit"}, "debian_13"),
        ({"image_id": "m-0123456789abcdef0123", "os_name": "Debian  12 64位"}, "debian_12"),
        ({"ImageId": "debian_12_6_x64_20G_alibase_20240823.vhd", "OSName": ""}, "debian_12"),
        ({"image_id": "m-0123456789abcdef0123", "os_name": "Alibaba Cloud Linux  3.2104 LTS 64位"}, ""),
    ],
)
def test_the_release_of_an_image(image, release):
    assert image_os(image) == release


def test_the_filters_are_registered():
    assert set(FilterModule().filters()) == {"site_os_images", "image_os"}
