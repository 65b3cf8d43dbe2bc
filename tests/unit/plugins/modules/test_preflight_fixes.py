"""The preflight's advice per error code: a permission names the RAM action to grant; keys, stock, spot, image and
quota codes name the variable or place to fix; anything else says to read the message."""

from ansible_collections.ha_web.alicloud.plugins.modules.preflight import fix_for


def test_a_refused_permission_names_the_action_to_grant():
    for code in ("Forbidden.RAM", "Forbidden", "NoPermission"):
        assert fix_for(code, "nas:CreateFileSystem").startswith("grant the RAM user nas:CreateFileSystem")


def test_each_kind_of_code_names_its_fix():
    assert "ALIBABA_CLOUD_ACCESS_KEY_ID" in fix_for("InvalidAccessKeyId.NotFound", "ecs:DescribeRegions")
    assert "ALIBABA_CLOUD_ACCESS_KEY_ID" in fix_for("SignatureDoesNotMatch", "ecs:DescribeRegions")
    assert "site_instance_types" in fix_for("OperationDenied.NoStock", "ecs:RunInstances")
    assert "site_instance_types" in fix_for("InvalidInstanceType.ZoneNotSupported", "ecs:RunInstances")
    assert "site_spot_fallback" in fix_for("InvalidAccount.NotSupportSpot", "ecs:RunInstances")
    assert "site_image_id" in fix_for("InvalidImageId.NotFound", "ecs:RunInstances")
    assert "Quota Center" in fix_for("QuotaExceed.ElasticQuota", "ecs:RunInstances")
    assert "alicloud_region" in fix_for("InvalidRegionId.NotFound", "ecs:DescribeZones")


def test_an_unknown_code_says_to_read_the_message():
    assert fix_for("InvalidCidrBlock.Malformed", "vpc:CreateVpc").startswith("read the message")
