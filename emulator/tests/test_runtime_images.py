"""Which local image the Docker runtime runs an instance from (docker_runtime.choose_image): the one of its ECS image's
release, as the real cloud boots the OS of the image. No Docker needed: the choice is made from the records alone
(test_docker_runtime.py runs one instance of each release)."""

import pytest
from alicloud_emulator.catalog import IMAGES
from alicloud_emulator.docker_runtime import _local_image, choose_image, image_id, image_release, reference_release

TRIXIE, BOOKWORM = "ha-web/debian13-ecs:aaa", "ha-web/debian12-ecs:bbb"
BOTH = [(TRIXIE, "debian_13"), (BOOKWORM, "debian_12")]


def _public(image_id_):
    return next(i for i in IMAGES if i["ImageId"] == image_id_)


@pytest.mark.parametrize(
    ("record", "release"),
    [
        (_public("debian_13_2_x64_20G_alibase_20251121.vhd"), "debian_13"),
        (_public("debian_12_9_x64_20G_alibase_20250117.vhd"), "debian_12"),
        (_public("ubuntu_22_04_x64_20G_alibase_20250113.vhd"), None),
        (_public("aliyun_3_x64_20G_alibase_20250117.vhd"), None),
        ({"OSName": "Debian  13 64位"}, "debian_13"),  # a published image without OSNameEn
        ({"ImageId": "debian_12_11_x64_20G_alibase_20250701.vhd"}, "debian_12"),  # an instance record without OSName
        ({"ImageId": "m-0123456789abcdef0123", "OSName": ""}, None),
    ],
)
def test_the_release_of_an_image_is_read_from_its_os_name_else_its_id(record, release):
    assert image_release(record) == release


def test_an_instance_runs_the_local_image_of_its_images_release():
    instance_13 = {"ImageId": "debian_13_1_x64_20G_alibase_20250926.vhd", "OSNameEn": "Debian  13.1 64 bit"}
    instance_12 = {"ImageId": "debian_12_6_x64_20G_alibase_20240823.vhd", "OSNameEn": "Debian  12.6 64 bit"}
    assert choose_image(BOTH, instance_13) == TRIXIE
    assert choose_image(BOTH, instance_12) == BOOKWORM
    assert choose_image(list(reversed(BOTH)), instance_13) == TRIXIE  # the order given does not decide it


def test_a_local_images_own_id_runs_that_image():
    assert choose_image(BOTH, {"ImageId": image_id(BOOKWORM), "OSName": "Debian  12 64位"}) == BOOKWORM
    assert choose_image(BOTH, {"ImageId": image_id(TRIXIE)}) == TRIXIE


def test_an_image_of_a_release_without_a_local_image_runs_the_first_given():
    ubuntu = {"ImageId": "ubuntu_22_04_x64_20G_alibase_20250113.vhd", "OSNameEn": "Ubuntu  22.04 64 bit"}
    assert choose_image(BOTH, ubuntu) == TRIXIE
    assert choose_image([(TRIXIE, "debian_13")], {"ImageId": "debian_12_9_x64_20G_alibase_20250117.vhd"}) == TRIXIE


def test_a_local_images_release_is_its_label_else_its_name():
    assert reference_release(TRIXIE, "debian_13") == "debian_13"
    assert reference_release("ha-web/debian12-ecs:c15ceb968c7d", "") == "debian_12"  # built before the label
    assert reference_release("ha-web/debian12-ecs:c15ceb968c7d-fresh-apt", "<no value>") == "debian_12"
    assert reference_release("localhost:5000/other:1", "") is None


def test_a_local_image_is_listed_as_a_custom_image_of_its_release():
    listed = _local_image(TRIXIE, "debian_13", "2026-12-07T18:25:01.123456789Z")
    assert (listed["ImageId"], listed["ImageFamily"], listed["ImageOwnerAlias"]) == (
        image_id(TRIXIE),
        "ha-web-debian13-ecs",
        "self",
    )
    assert (listed["OSNameEn"], listed["CreationTime"]) == ("Debian  13 64 bit", "2026-12-07T18:25:01Z")
    assert image_release(listed) == "debian_13"
    unknown = _local_image("localhost:5000/other:1", None, "2026-12-07T18:25:01Z")
    assert (unknown["ImageFamily"], unknown["Platform"], image_release(unknown)) == (
        "ha-web-local-ecs",
        "Others Linux",
        None,
    )
