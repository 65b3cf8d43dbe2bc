"""NAS DescribeZones through the real SDK client, and CreateFileSystem in a zone that does not sell the storage
type."""

import pytest
from alibabacloud_tea_openapi.exceptions import ClientException
from alicloud_emulator.catalog import REGIONS
from alicloud_emulator.testing import sdk_models

REGION = "cn-hangzhou"


@pytest.fixture
def nas(emulator):
    return emulator.client("nas")


@pytest.fixture
def m():
    return sdk_models("nas")


def _zones(nas, m, **kwargs):
    body = nas.describe_zones(m.DescribeZonesRequest(region_id=REGION, **kwargs)).body
    return {z.zone_id: z for z in body.zones.zone}


def _offers(zone):
    return {(t.storage_type, t.protocol_type) for t in zone.instance_types.instance_type}


def test_describe_zones_lists_storage_types_and_protocols(nas, m):
    zones = _zones(nas, m)
    assert list(zones) == list(REGIONS[REGION]["Zones"])
    for zone_id in ("cn-hangzhou-j", "cn-hangzhou-k"):  # the local inventory's NAS: Capacity over NFS
        assert ("Capacity", "nfs") in _offers(zones[zone_id])
    assert [z for z in zones if ("Capacity", "nfs") in _offers(zones[z])] == [
        "cn-hangzhou-g",
        "cn-hangzhou-i",
        "cn-hangzhou-j",
        "cn-hangzhou-k",
    ]
    h = zones["cn-hangzhou-h"]
    assert _offers(h) == {("Performance", "nfs"), ("Performance", "smb")}
    assert (h.capacity.protocol, h.performance.protocol) == ([], ["nfs", "smb"])
    every_protocol = {protocol for zone in zones.values() for _, protocol in _offers(zone)}
    assert every_protocol == {"nfs", "smb"}  # lower-case, as the real API writes them


def test_describe_zones_by_file_system_type(nas, m):
    extreme = _zones(nas, m, file_system_type="extreme")
    assert [z for z in extreme if _offers(extreme[z])] == ["cn-hangzhou-i"]
    assert _offers(extreme["cn-hangzhou-i"]) == {("standard", "nfs"), ("advance", "nfs")}
    with pytest.raises(ClientException) as raised:
        _zones(nas, m, file_system_type="floppy")
    assert (raised.value.code, raised.value.status_code) == ("InvalidParameter", 400)
    with pytest.raises(ClientException) as raised:
        nas.describe_zones(m.DescribeZonesRequest())
    assert (raised.value.code, raised.value.status_code) == ("MissingRegionId", 400)


def test_create_file_system_where_the_zone_does_not_sell_it(emulator, nas, m):
    request = m.CreateFileSystemRequest(protocol_type="NFS", storage_type="Capacity", zone_id="cn-hangzhou-h")
    with pytest.raises(ClientException) as raised:
        nas.create_file_system(request)
    assert (raised.value.code, raised.value.status_code) == ("Resource.OutOfStock", 403)
    smb_only = m.CreateFileSystemRequest(protocol_type="SMB", storage_type="Capacity", zone_id="cn-hangzhou-i")
    with pytest.raises(ClientException) as raised:
        nas.create_file_system(smb_only)
    assert raised.value.code == "Resource.OutOfStock"
    assert emulator.admin.state().get("file_system", {}) == {}
    performance = m.CreateFileSystemRequest(protocol_type="NFS", storage_type="Performance", zone_id="cn-hangzhou-h")
    nas.create_file_system(performance)
    assert len(emulator.admin.state()["file_system"]) == 1


def test_create_file_system_without_a_zone_takes_one_that_sells_it(nas, m):
    fs_id = nas.create_file_system(m.CreateFileSystemRequest(protocol_type="NFS", storage_type="Capacity")).body
    found = nas.describe_file_systems(m.DescribeFileSystemsRequest(file_system_id=fs_id.file_system_id)).body
    zone = found.file_systems.file_system[0].zone_id
    assert ("Capacity", "nfs") in {(s, p) for s, p in REGIONS[REGION]["Zones"][zone]["Nas"]["standard"]}
