"""After converge (both hosts registered and healthy) and side_effect (host 1 drained, host 2 removed): what the
load balancer reports through the API, read with the real SDK from the emulator of this scenario."""

import os

from alicloud_emulator.testing import sdk_client, sdk_models

ENDPOINT = os.environ["ALIBABA_CLOUD_ENDPOINT_URL"].removeprefix("http://")
REGION = "cn-hangzhou"
FIRST = "clb-hw-mol-clb-1" + os.environ.get("MOLECULE_NAME_SUFFIX", "")  # the emulator instance of the first host


def _instance_id(name):
    ecs, m = sdk_client("ecs", ENDPOINT), sdk_models("ecs")
    found = ecs.describe_instances(m.DescribeInstancesRequest(region_id=REGION, instance_name=name)).body
    return found.instances.instance[0].instance_id


def _load_balancer():
    slb, m = sdk_client("slb", ENDPOINT), sdk_models("slb")
    found = slb.describe_load_balancers(m.DescribeLoadBalancersRequest(region_id=REGION, load_balancer_name="clb-web"))
    lb_id = found.body.load_balancers.load_balancer[0].load_balancer_id
    request = m.DescribeLoadBalancerAttributeRequest(region_id=REGION, load_balancer_id=lb_id)
    return slb.describe_load_balancer_attribute(request).body


def test_the_drained_host_has_weight_zero_and_the_removed_one_is_gone():
    backends = {b.server_id: b.weight for b in _load_balancer().backend_servers.backend_server}
    assert backends == {_instance_id(FIRST): 0}


def test_the_drained_host_is_still_checked_and_healthy():
    slb, m = sdk_client("slb", ENDPOINT), sdk_models("slb")
    lb_id = _load_balancer().load_balancer_id
    rows = slb.describe_health_status(m.DescribeHealthStatusRequest(region_id=REGION, load_balancer_id=lb_id))
    assert {r.server_id: r.server_health_status for r in rows.body.backend_servers.backend_server} == {
        _instance_id(FIRST): "normal"
    }
