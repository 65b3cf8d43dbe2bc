"""The files an instance's metadata service answers (instance_metadata.py), read as its responder reads them."""

from alicloud_emulator import instance_metadata, metadata_responder


def test_the_metadata_files_follow_the_instance(tmp_path):
    instance = {
        "InstanceId": "i-1",
        "RegionId": "cn-hangzhou",
        "ZoneId": "cn-hangzhou-j",
        "HostName": "web-1",
        "_private_ip": "192.168.1.1",
        "MetadataOptions": {"HttpTokens": "required"},
        "_interruption_ends_at": 1796130000.0,
    }
    instance_metadata.write(str(tmp_path), instance)
    assert metadata_responder.read_item(str(tmp_path), "/instance/spot/termination-time") == (
        200,
        "2026-12-01T13:00:00Z",
    )
    assert metadata_responder.tokens_required(str(tmp_path))
    instance["_interruption_ends_at"] = None  # a Stop-mode interruption over, the instance started again
    instance["MetadataOptions"]["HttpTokens"] = "optional"
    instance_metadata.write(str(tmp_path), instance)
    assert metadata_responder.read_item(str(tmp_path), "/instance/spot/termination-time")[0] == 404
    assert metadata_responder.read_item(str(tmp_path), "/") == (
        200,
        "hostname\ninstance-id\nprivate-ipv4\nregion-id\nzone-id",
    )
    assert metadata_responder.read_item(str(tmp_path), "/../http-tokens")[0] == 404
    assert not metadata_responder.tokens_required(str(tmp_path))
