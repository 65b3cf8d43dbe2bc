"""SLB (CLB) 2014-05-15 through the real SDK client: load balancers, HTTP listeners, backends, health, tags."""

import ipaddress
import json
import time

import pytest
from alibabacloud_tea_openapi.exceptions import ClientException
from alicloud_emulator.testing import sdk_models
from alicloud_emulator.timing import Timing

REGION = "cn-hangzhou"
FAST = Timing("fast")


@pytest.fixture
def slb(emulator):
    return emulator.client("slb")


@pytest.fixture
def m():
    return sdk_models("slb")


def add_instance(emulator, instance_id, vpc_id, vswitch_id, ip, status="Running", region=REGION):
    """An ECS instance put straight into the store (RunInstances is not what these tests are about)."""
    store = emulator.emulator.store
    with store.lock:
        store.add(
            "instance",
            instance_id,
            {
                "InstanceId": instance_id,
                "InstanceName": instance_id,
                "Status": status,
                "ZoneId": "cn-hangzhou-j",
                "_vpc_id": vpc_id,
                "_vswitch_id": vswitch_id,
                "_private_ip": ip,
                "_security_group_ids": [],
                "_public_ip": "",
            },
            region=region,
        )


def set_instance(emulator, instance_id, **fields):
    store = emulator.emulator.store
    with store.lock:
        store.get("instance", instance_id).update(fields)


@pytest.fixture
def web(emulator, network):
    """Two Running instances in the first vSwitch of `network`."""
    vpc_id, vsw = network["vpc_id"], network["vswitch_ids"][0]
    add_instance(emulator, "i-web1", vpc_id, vsw, "192.168.1.1")
    add_instance(emulator, "i-web2", vpc_id, vsw, "192.168.1.2")
    return ["i-web1", "i-web2"]


def create_lb(slb, m, **fields):
    fields.setdefault("instance_charge_type", "PayByCLCU")
    return slb.create_load_balancer(m.CreateLoadBalancerRequest(region_id=REGION, **fields)).body


def attribute(slb, m, lb_id):
    return slb.describe_load_balancer_attribute(
        m.DescribeLoadBalancerAttributeRequest(region_id=REGION, load_balancer_id=lb_id)
    ).body


def describe(slb, m, **filters):
    filters.setdefault("region_id", REGION)
    return slb.describe_load_balancers(m.DescribeLoadBalancersRequest(**filters)).body


def create_listener(slb, m, lb_id, port=80, **fields):
    fields.setdefault("backend_server_port", 8080)
    fields.setdefault("health_check", "on")
    fields.setdefault("sticky_session", "off")
    slb.create_load_balancer_httplistener(
        m.CreateLoadBalancerHTTPListenerRequest(region_id=REGION, load_balancer_id=lb_id, listener_port=port, **fields)
    )


def listener_attribute(slb, m, lb_id, port=80):
    return slb.describe_load_balancer_httplistener_attribute(
        m.DescribeLoadBalancerHTTPListenerAttributeRequest(region_id=REGION, load_balancer_id=lb_id, listener_port=port)
    ).body


def start(slb, m, lb_id, port=80):
    slb.start_load_balancer_listener(
        m.StartLoadBalancerListenerRequest(region_id=REGION, load_balancer_id=lb_id, listener_port=port)
    )


def stop(slb, m, lb_id, port=80):
    slb.stop_load_balancer_listener(
        m.StopLoadBalancerListenerRequest(region_id=REGION, load_balancer_id=lb_id, listener_port=port)
    )


def backends_json(*servers):
    return json.dumps([dict(zip(("ServerId", "Weight"), s, strict=False)) for s in servers])


def add_backends(slb, m, lb_id, text):
    return slb.add_backend_servers(
        m.AddBackendServersRequest(region_id=REGION, load_balancer_id=lb_id, backend_servers=text)
    ).body


def health(slb, m, lb_id, **filters):
    body = slb.describe_health_status(
        m.DescribeHealthStatusRequest(region_id=REGION, load_balancer_id=lb_id, **filters)
    ).body
    return {(row.server_id, row.listener_port): row.server_health_status for row in body.backend_servers.backend_server}


def raises(call, code, status=400):
    with pytest.raises(ClientException) as raised:
        call()
    assert (raised.value.code, raised.value.status_code) == (code, status), raised.value.message
    return raised.value


# load balancers ---------------------------------------------------------------------------------
def test_create_internet_load_balancer(slb, m):
    created = create_lb(slb, m, tag=[m.CreateLoadBalancerRequestTag(key="app", value="web")])
    assert created.load_balancer_id.startswith("lb-") and created.load_balancer_name == "auto_named_slb"
    assert ipaddress.ip_address(created.address) in ipaddress.ip_network("47.99.0.0/16")
    assert (created.network_type, created.vpc_id, created.v_switch_id) == ("classic", "", "")
    other = create_lb(slb, m, load_balancer_name="second")
    assert other.address != created.address

    lb = attribute(slb, m, created.load_balancer_id)
    assert (lb.load_balancer_status, lb.address_type, lb.address, lb.address_ipversion) == (
        "active", "internet", created.address, "ipv4",
    )  # fmt: skip
    assert (lb.instance_charge_type, lb.load_balancer_spec, lb.pay_type) == (
        "PayByCLCU",
        "slb.lcu.elastic",
        "PayOnDemand",
    )
    assert (lb.internet_charge_type, lb.bandwidth, lb.delete_protection) == ("paybytraffic", 5120, "off")
    assert (lb.master_zone_id, lb.slave_zone_id, lb.region_id) == ("cn-hangzhou-g", "cn-hangzhou-h", REGION)
    assert lb.modification_protection_status == "NonProtection"
    assert lb.create_time.endswith("Z") and len(lb.create_time) == 20 and lb.create_time_stamp > 1_600_000_000_000
    assert lb.end_time == "2999-09-08T16:00:00Z"
    assert {(t.tag_key, t.tag_value) for t in lb.tags.tag} == {("app", "web")}
    assert lb.listener_ports.listener_port == [] and lb.backend_servers.backend_server == []

    summary = describe(slb, m, load_balancer_id=created.load_balancer_id).load_balancers.load_balancer[0]
    assert (summary.internet_charge_type, summary.internet_charge_type_alias) == ("4", "paybytraffic")
    assert len(summary.create_time) == 17  # to the minute: 2025-12-12T11:38Z


def test_create_intranet_load_balancer_takes_lowest_free_address(emulator, slb, m, network):
    vpc_id, vsw = network["vpc_id"], network["vswitch_ids"][0]
    add_instance(emulator, "i-first", vpc_id, vsw, "192.168.1.1")
    first = create_lb(
        slb, m, v_switch_id=vsw, instance_charge_type="PayBySpec", load_balancer_spec="slb.s1.small",
        delete_protection="on", modification_protection_status="ConsoleProtection",
        modification_protection_reason="managed",
    )  # fmt: skip
    assert (first.address, first.network_type, first.vpc_id, first.v_switch_id) == (
        "192.168.1.2", "vpc", vpc_id, vsw,
    )  # fmt: skip
    second = create_lb(slb, m, vpc_id=vpc_id, v_switch_id=vsw, address_type="intranet")
    assert second.address == "192.168.1.3"
    chosen = create_lb(slb, m, v_switch_id=vsw, address="192.168.1.100")
    assert chosen.address == "192.168.1.100"
    lb = attribute(slb, m, first.load_balancer_id)
    assert (lb.address_type, lb.load_balancer_spec, lb.instance_charge_type) == (
        "intranet",
        "slb.s1.small",
        "PayBySpec",
    )
    assert (lb.master_zone_id, lb.delete_protection, lb.modification_protection_reason) == (
        "cn-hangzhou-j", "on", "managed",
    )  # fmt: skip
    paid = create_lb(slb, m, internet_charge_type="paybybandwidth", bandwidth=10)
    assert attribute(slb, m, paid.load_balancer_id).bandwidth == 10
    assert (
        describe(slb, m, load_balancer_id=paid.load_balancer_id).load_balancers.load_balancer[0].internet_charge_type
        == "3"
    )


def test_internet_load_balancer_ignores_the_vswitch(slb, m, network):
    created = create_lb(slb, m, address_type="internet", v_switch_id=network["vswitch_ids"][0])
    assert (created.network_type, created.v_switch_id) == ("classic", "")


@pytest.mark.parametrize(
    "fields, code, status",
    [
        ({"v_switch_id": "vsw-missing"}, "InvalidVSwitchId.NotFound", 400),
        ({"v_switch_id": "VSW", "vpc_id": "vpc-missing"}, "InvalidVpcId.NotExist", 400),
        ({"address_type": "intranet"}, "MissingParam.VSwitchId", 400),
        ({"address_type": "dmz"}, "InvalidParameter", 400),
        ({"instance_charge_type": "PayBySpec"}, "MissingParam.LoadBalancerSpec", 400),
        ({"instance_charge_type": "PayByHour"}, "IllegalParam.InstanceChargeType", 400),
        ({"load_balancer_spec": "slb.s9.huge", "instance_charge_type": "PayBySpec"}, "InvalidParameter", 400),
        ({"internet_charge_type": "paybymoon"}, "Instance.InternetChargeTypeNotAllowed", 400),
        ({"internet_charge_type": "paybybandwidth"}, "InvalidParameter.Bandwidth", 400),
        ({"internet_charge_type": "paybybandwidth", "bandwidth": 5121}, "InvalidParameter.Bandwidth", 400),
        ({"master_zone_id": "cn-shanghai-e"}, "InvalidParameter", 400),
        ({"master_zone_id": "cn-hangzhou-g", "slave_zone_id": "cn-hangzhou-g"}, "InvalidParameter", 400),
        ({"v_switch_id": "VSW", "master_zone_id": "cn-hangzhou-k"}, "InvalidParameter", 400),
        ({"load_balancer_name": "x" * 81}, "InvalidParameter", 400),
        ({"delete_protection": "maybe"}, "InvalidParameter", 400),
        ({"modification_protection_status": "Locked"}, "InvalidParam.ModificationProtectionStatus", 400),
        ({"address_ipversion": "ipv6"}, "RegionOrZonesNotSupportIpv6", 400),
        ({"pay_type": "PrePay"}, "InvalidParameter", 400),
        ({"v_switch_id": "VSW", "address": "10.0.0.5"}, "InvalidParameter", 400),
    ],
)
def test_create_load_balancer_rejects(slb, m, network, fields, code, status):
    if fields.get("v_switch_id") == "VSW":
        fields["v_switch_id"] = network["vswitch_ids"][0]
    raises(lambda: create_lb(slb, m, **fields), code, status)
    assert describe(slb, m).total_count == 0


def test_create_load_balancer_needs_region_and_a_vswitch_of_the_vpc(slb, m, vpc, vpc_models, network):
    error = raises(lambda: slb.create_load_balancer(m.CreateLoadBalancerRequest(instance_charge_type="PayByCLCU")),
                   "MissingRegionId")  # fmt: skip
    assert "RegionId is mandatory" in error.message
    other_vpc = vpc.create_vpc(vpc_models.CreateVpcRequest(region_id=REGION, cidr_block="10.0.0.0/16")).body.vpc_id
    raises(lambda: create_lb(slb, m, vpc_id=other_vpc, v_switch_id=network["vswitch_ids"][0]), "InvalidParameter")


def test_intranet_address_taken_and_exhausted(slb, m, vpc, vpc_models, network):
    vsw = network["vswitch_ids"][0]
    create_lb(slb, m, v_switch_id=vsw, address="192.168.1.7")
    raises(lambda: create_lb(slb, m, v_switch_id=vsw, address="192.168.1.7"), "InvalidParameter")
    tiny = vpc.create_vswitch(
        vpc_models.CreateVSwitchRequest(
            region_id=REGION, vpc_id=network["vpc_id"], zone_id="cn-hangzhou-j", cidr_block="192.168.9.0/29"
        )
    ).body.v_switch_id
    addresses = [create_lb(slb, m, v_switch_id=tiny).address for _ in range(4)]  # a /29 has 8 - 1 - 3 usable
    assert addresses == ["192.168.9.1", "192.168.9.2", "192.168.9.3", "192.168.9.4"]
    raises(lambda: create_lb(slb, m, v_switch_id=tiny), "VSwitchAvailableIpNotExist")


def test_client_token_returns_the_same_load_balancer(slb, m):
    first = create_lb(slb, m, load_balancer_name="web", client_token="tok-lb")
    again = create_lb(slb, m, load_balancer_name="web", client_token="tok-lb")
    assert again.load_balancer_id == first.load_balancer_id and again.address == first.address
    assert describe(slb, m).total_count == 1
    raises(lambda: create_lb(slb, m, load_balancer_name="other", client_token="tok-lb"), "IdempotentParameterMismatch")


def test_describe_load_balancers_filters_and_paging(emulator, slb, m, network, web):
    vsw = network["vswitch_ids"][0]
    created = []
    for index in range(23):
        tag = [m.CreateLoadBalancerRequestTag(key="tier", value="odd" if index % 2 else "even")]
        created.append(create_lb(slb, m, load_balancer_name=f"lb-{index}", tag=tag).load_balancer_id)
    private = create_lb(slb, m, load_balancer_name="private", v_switch_id=vsw)
    add_backends(slb, m, private.load_balancer_id, backends_json(("i-web1",)))

    seen = []
    for number in (1, 2, 3):
        body = describe(slb, m, page_number=number, page_size=10)
        assert (body.total_count, body.page_number, body.page_size) == (24, number, 10)
        seen += [lb.load_balancer_id for lb in body.load_balancers.load_balancer]
    assert seen[:23] == created and seen[23] == private.load_balancer_id
    assert describe(slb, m).page_size == 10
    assert len(describe(slb, m, page_size=100).load_balancers.load_balancer) == 24
    raises(lambda: describe(slb, m, page_size=101), "InvalidParameter")

    def ids(**filters):
        return [lb.load_balancer_id for lb in describe(slb, m, page_size=100, **filters).load_balancers.load_balancer]

    assert ids(load_balancer_id=f"{created[0]},{created[5]}") == [created[0], created[5]]
    raises(lambda: ids(load_balancer_id=",".join(created[:11])), "InvalidParameter")
    assert ids(load_balancer_name="lb-3,lb-4,private") == [created[3], created[4], private.load_balancer_id]
    assert ids(address_type="intranet") == ids(vpc_id=network["vpc_id"]) == [private.load_balancer_id]
    assert ids(v_switch_id=vsw) == ids(address=private.address) == ids(network_type="vpc") == [private.load_balancer_id]
    assert ids(server_id="i-web1") == ids(server_intranet_address="192.168.1.1") == [private.load_balancer_id]
    assert ids(server_id="i-web2") == []
    assert len(ids(tag=[m.DescribeLoadBalancersRequestTag(key="tier", value="odd")])) == 11
    assert len(ids(tags=json.dumps([{"tagKey": "tier", "tagValue": "even"}]))) == 12
    assert len(ids(tags=json.dumps({"TagKey": "tier", "TagValue": "odd"}))) == 11
    raises(lambda: ids(tags="not json"), "InvalidTag")
    assert len(ids(internet_charge_type="paybytraffic")) == 24
    slb.set_load_balancer_status(
        m.SetLoadBalancerStatusRequest(region_id=REGION, load_balancer_id=created[2], load_balancer_status="inactive")
    )
    assert ids(load_balancer_status="inactive") == [created[2]]
    assert describe(slb, m, region_id="cn-shanghai").total_count == 0


def test_set_name_status_protection_and_delete(emulator, slb, m):
    lb_id = create_lb(slb, m, load_balancer_name="old").load_balancer_id
    slb.set_load_balancer_name(
        m.SetLoadBalancerNameRequest(region_id=REGION, load_balancer_id=lb_id, load_balancer_name="new")
    )
    assert attribute(slb, m, lb_id).load_balancer_name == "new"
    raises(
        lambda: slb.set_load_balancer_name(
            m.SetLoadBalancerNameRequest(region_id=REGION, load_balancer_id=lb_id, load_balancer_name="n" * 81)
        ),
        "InvalidParameter",
    )
    status = m.SetLoadBalancerStatusRequest(region_id=REGION, load_balancer_id=lb_id, load_balancer_status="inactive")
    slb.set_load_balancer_status(status)
    assert attribute(slb, m, lb_id).load_balancer_status == "inactive"
    status.load_balancer_status = "broken"
    raises(lambda: slb.set_load_balancer_status(status), "InvalidParameter")
    create_listener(slb, m, lb_id, 80)
    create_listener(slb, m, lb_id, 8080)

    protect = m.SetLoadBalancerDeleteProtectionRequest(region_id=REGION, load_balancer_id=lb_id, delete_protection="on")
    slb.set_load_balancer_delete_protection(protect)
    assert attribute(slb, m, lb_id).delete_protection == "on"
    delete = m.DeleteLoadBalancerRequest(region_id=REGION, load_balancer_id=lb_id)
    error = raises(lambda: slb.delete_load_balancer(delete), "OperationDenied.DeleteProtectionIsOn")
    assert "DeleteProtection is enabled" in error.message
    protect.delete_protection = "off"
    slb.set_load_balancer_delete_protection(protect)
    slb.delete_load_balancer(delete)

    error = raises(lambda: attribute(slb, m, lb_id), "InvalidLoadBalancerId.NotFound", 404)
    assert "The specified LoadBalancerId does not exist." in error.message
    raises(lambda: slb.delete_load_balancer(delete), "InvalidLoadBalancerId.NotFound", 404)
    assert emulator.emulator.store.find("listener", LoadBalancerId=lb_id) == []
    listed = slb.describe_load_balancer_listeners(m.DescribeLoadBalancerListenersRequest(region_id=REGION)).body
    assert listed.listeners == [] and listed.total_count == 0
    raises(lambda: attribute(slb, m, "lb-nothere"), "InvalidLoadBalancerId.NotFound", 404)


def test_runtime_seam_sees_changes_and_supplies_the_address(emulator, slb, m, monkeypatch, network, web):
    runtime = emulator.emulator.runtime
    events = []
    monkeypatch.setattr(runtime, "changed", lambda kind, event, resource, store: events.append((kind, event)))
    monkeypatch.setattr(
        runtime, "observe", lambda kind, resource: {"Address": "127.0.0.9"} if kind == "load_balancer" else {}
    )
    created = create_lb(slb, m, v_switch_id=network["vswitch_ids"][0])
    lb_id = created.load_balancer_id
    assert created.address == "127.0.0.9"
    assert attribute(slb, m, lb_id).address == "127.0.0.9"
    assert [lb.load_balancer_id for lb in describe(slb, m, address="127.0.0.9").load_balancers.load_balancer] == [lb_id]
    create_listener(slb, m, lb_id)
    start(slb, m, lb_id)
    add_backends(slb, m, lb_id, backends_json(("i-web1",)))
    stop(slb, m, lb_id)
    slb.delete_load_balancer_listener(
        m.DeleteLoadBalancerListenerRequest(region_id=REGION, load_balancer_id=lb_id, listener_port=80)
    )
    slb.set_load_balancer_name(
        m.SetLoadBalancerNameRequest(region_id=REGION, load_balancer_id=lb_id, load_balancer_name="x")
    )
    slb.delete_load_balancer(m.DeleteLoadBalancerRequest(region_id=REGION, load_balancer_id=lb_id))
    assert [event for kind, event in events if kind == "load_balancer"] == [
        "created", "listener_created", "listener_started", "backends_updated", "listener_stopped",
        "listener_deleted", "updated", "deleted",
    ]  # fmt: skip


# HTTP listeners ---------------------------------------------------------------------------------
def test_http_listener_defaults_set_and_describe(slb, m):
    lb_id = create_lb(slb, m).load_balancer_id
    create_listener(slb, m, lb_id, 80, tag=[m.CreateLoadBalancerHTTPListenerRequestTag(key="tier", value="front")])
    body = listener_attribute(slb, m, lb_id)
    assert (body.listener_port, body.backend_server_port, body.status, body.load_balancer_id) == (
        80,
        8080,
        "stopped",
        lb_id,
    )
    assert (body.bandwidth, body.scheduler, body.sticky_session, body.health_check) == (-1, "wrr", "off", "on")
    assert (body.health_check_uri, body.health_check_method, body.health_check_http_code) == ("/", "head", "http_2xx")
    assert (body.health_check_interval, body.healthy_threshold, body.unhealthy_threshold) == (2, 3, 3)
    assert (body.health_check_timeout, body.idle_timeout, body.request_timeout) == (5, 15, 60)
    assert (body.xforwarded_for, body.gzip, body.sticky_session_type) == ("on", "on", None)
    assert {(t.tag_key, t.tag_value) for t in body.tags.tag} == {("tier", "front")}

    slb.set_load_balancer_httplistener_attribute(
        m.SetLoadBalancerHTTPListenerAttributeRequest(
            region_id=REGION, load_balancer_id=lb_id, listener_port=80, sticky_session="on",
            sticky_session_type="insert", cookie_timeout=600, health_check_uri="/healthz",
            health_check_http_code="http_2xx,http_3xx", health_check_method="get", health_check_interval=5,
            health_check_connect_port=8081, health_check_domain="example.com", scheduler="rr", description="web",
            idle_timeout=30, request_timeout=90, xforwarded_for_proto="on",
        )
    )  # fmt: skip
    body = listener_attribute(slb, m, lb_id)
    assert (body.sticky_session, body.sticky_session_type, body.cookie_timeout) == ("on", "insert", 600)
    assert (body.health_check_uri, body.health_check_http_code, body.health_check_method) == (
        "/healthz", "http_2xx,http_3xx", "get",
    )  # fmt: skip
    assert (body.health_check_interval, body.health_check_connect_port, body.health_check_domain) == (
        5,
        8081,
        "example.com",
    )
    assert (body.scheduler, body.description, body.idle_timeout, body.request_timeout) == ("rr", "web", 30, 90)
    assert (body.xforwarded_for_proto, body.healthy_threshold, body.backend_server_port) == ("on", 3, 8080)

    slb.set_load_balancer_httplistener_attribute(
        m.SetLoadBalancerHTTPListenerAttributeRequest(
            region_id=REGION, load_balancer_id=lb_id, listener_port=80, sticky_session_type="server", cookie="sid"
        )
    )
    body = listener_attribute(slb, m, lb_id)
    assert (body.sticky_session_type, body.cookie, body.cookie_timeout) == ("server", "sid", None)
    slb.set_load_balancer_httplistener_attribute(
        m.SetLoadBalancerHTTPListenerAttributeRequest(
            region_id=REGION, load_balancer_id=lb_id, listener_port=80, sticky_session="off"
        )
    )
    body = listener_attribute(slb, m, lb_id)
    assert (body.sticky_session, body.sticky_session_type, body.cookie) == ("off", None, None)

    lb = attribute(slb, m, lb_id)
    assert lb.listener_ports.listener_port == [80]
    entry = lb.listener_ports_and_protocol.listener_port_and_protocol[0]
    assert (entry.listener_port, entry.listener_protocol, entry.description) == (80, "http", "web")
    legacy = lb.listener_ports_and_protocal.listener_port_and_protocal[0]
    assert (legacy.listener_port, legacy.listener_protocal) == (80, "http")

    listed = slb.describe_load_balancer_listeners(
        m.DescribeLoadBalancerListenersRequest(region_id=REGION, load_balancer_id=[lb_id])
    ).body
    (listener,) = listed.listeners
    assert (listener.listener_port, listener.listener_protocol, listener.status, listener.backend_server_port) == (
        80, "http", "stopped", 8080,
    )  # fmt: skip
    assert (listener.httplistener_config.health_check_uri, listener.httplistener_config.sticky_session) == (
        "/healthz",
        "off",
    )
    assert listener.httplistener_config.health_check_connect_port == 8081
    assert [(t.tag_key, t.tag_value) for t in listener.tags] == [("tier", "front")]


@pytest.mark.parametrize(
    "fields, code",
    [
        ({"listener_port": 0}, "InvalidParameter"),
        ({"listener_port": 65536}, "InvalidParameter"),
        ({"health_check": "maybe"}, "InvalidParameter"),
        ({"health_check": None}, "MissingHealthCheck"),
        ({"sticky_session": None}, "MissingStickySession"),
        ({"backend_server_port": None}, "MissingParam.BackendServerPort"),
        ({"backend_server_port": 70000}, "InvalidParameter"),
        ({"sticky_session": "on"}, "MissingParam.StickySessionType"),
        ({"sticky_session": "on", "sticky_session_type": "insert"}, "MissingParam.CookieTimeout"),
        ({"sticky_session": "on", "sticky_session_type": "server"}, "MissingParam.Cookie"),
        ({"sticky_session": "on", "sticky_session_type": "bake", "cookie_timeout": 5}, "InvalidParameter"),
        ({"sticky_session": "on", "sticky_session_type": "insert", "cookie_timeout": 86401}, "InvalidParameter"),
        ({"scheduler": "random"}, "InvalidParameter"),
        ({"bandwidth": 0}, "InvalidParameter"),
        ({"health_check_uri": "healthz"}, "InvalidParameter"),
        ({"health_check_interval": 51}, "InvalidParameter"),
        ({"health_check_interval": 0}, "InvalidParameter"),
        ({"healthy_threshold": 1}, "InvalidParameter"),
        ({"unhealthy_threshold": 11}, "InvalidParameter"),
        ({"health_check_timeout": 301}, "InvalidParameter"),
        ({"health_check_http_code": "http_2xx,http_6xx"}, "InvalidParameter"),
        ({"health_check_method": "post"}, "InvalidParameter"),
        ({"health_check_connect_port": 0}, "InvalidParameter"),
        ({"idle_timeout": 61}, "InvalidParameter.IdleTimeout"),
        ({"request_timeout": 181}, "InvalidParameter.RequestTimeout"),
        ({"request_timeout": 0}, "InvalidParameter.RequestTimeout"),
        ({"gzip": "yes"}, "InvalidParameter"),
        ({"description": "d" * 257}, "InvalidParameter"),
    ],
)
def test_http_listener_validation(slb, m, fields, code):
    lb_id = create_lb(slb, m).load_balancer_id
    request = {"backend_server_port": 8080, "health_check": "on", "sticky_session": "off", "listener_port": 80}
    request.update(fields)
    raises(
        lambda: slb.create_load_balancer_httplistener(
            m.CreateLoadBalancerHTTPListenerRequest(region_id=REGION, load_balancer_id=lb_id, **request)
        ),
        code,
    )
    assert attribute(slb, m, lb_id).listener_ports.listener_port == []


def test_http_listener_duplicates_and_missing_load_balancer(slb, m):
    lb_id = create_lb(slb, m).load_balancer_id
    create_listener(slb, m, lb_id, 80)
    error = raises(lambda: create_listener(slb, m, lb_id, 80), "InvalidParameter.ListenerPortConflict")
    assert "conflict listener port" in error.message
    raises(lambda: create_listener(slb, m, "lb-nothere", 80), "InvalidLoadBalancerId.NotFound", 404)
    set_request = m.SetLoadBalancerHTTPListenerAttributeRequest(
        region_id=REGION, load_balancer_id=lb_id, listener_port=80, sticky_session="on"
    )
    raises(lambda: slb.set_load_balancer_httplistener_attribute(set_request), "MissingParam.StickySessionType")
    set_request.sticky_session, set_request.idle_timeout = None, 99
    raises(lambda: slb.set_load_balancer_httplistener_attribute(set_request), "InvalidParameter.IdleTimeout")
    assert listener_attribute(slb, m, lb_id).idle_timeout == 15


def test_listener_not_found_codes(slb, m):
    lb_id = create_lb(slb, m).load_balancer_id
    create_listener(slb, m, lb_id, 80)
    scope = {"region_id": REGION, "load_balancer_id": lb_id, "listener_port": 81}
    for call in (
        lambda: listener_attribute(slb, m, lb_id, 81),
        lambda: slb.set_load_balancer_httplistener_attribute(
            m.SetLoadBalancerHTTPListenerAttributeRequest(**scope, scheduler="rr")
        ),
        lambda: start(slb, m, lb_id, 81),
        lambda: stop(slb, m, lb_id, 81),
        lambda: slb.start_load_balancer_listener(
            m.StartLoadBalancerListenerRequest(**{**scope, "listener_port": 80}, listener_protocol="tcp")
        ),
    ):
        error = raises(call, "InvalidParameter")
        assert "The specified resource does not exist." in error.message
    error = raises(
        lambda: slb.delete_load_balancer_listener(m.DeleteLoadBalancerListenerRequest(**scope)),
        "ResourceNotFound.Listener",
        404,
    )
    assert "The specified listener is not found." in error.message
    slb.delete_load_balancer_listener(
        m.DeleteLoadBalancerListenerRequest(**{**scope, "listener_port": 80}, listener_protocol="http")
    )
    assert attribute(slb, m, lb_id).listener_ports.listener_port == []
    raises(lambda: start(slb, m, "lb-nothere"), "InvalidLoadBalancerId.NotFound", 404)


def test_listener_state_machine(emulator, slb, m):
    emulator.emulator.timing = FAST
    lb_id = create_lb(slb, m).load_balancer_id
    create_listener(slb, m, lb_id)
    assert listener_attribute(slb, m, lb_id).status == "stopped"
    start(slb, m, lb_id)
    assert listener_attribute(slb, m, lb_id).status == "starting"
    start(slb, m, lb_id)  # starting again changes nothing
    time.sleep(FAST.delay("listener.start") + 0.05)
    assert listener_attribute(slb, m, lb_id).status == "running"
    start(slb, m, lb_id)
    assert listener_attribute(slb, m, lb_id).status == "running"
    stop(slb, m, lb_id)
    listed = slb.describe_load_balancer_listeners(
        m.DescribeLoadBalancerListenersRequest(region_id=REGION, load_balancer_id=[lb_id])
    ).body
    assert listed.listeners[0].status == "stopping"
    time.sleep(FAST.delay("listener.stop") + 0.05)
    assert listener_attribute(slb, m, lb_id).status == "stopped"
    stop(slb, m, lb_id)
    assert listener_attribute(slb, m, lb_id).status == "stopped"


def test_describe_listeners_filters_and_token_paging(slb, m):
    first = create_lb(slb, m).load_balancer_id
    second = create_lb(slb, m).load_balancer_id
    for port in (80, 81, 82):
        create_listener(slb, m, first, port, description=f"port-{port}")
    create_listener(slb, m, second, 80, tag=[m.CreateLoadBalancerHTTPListenerRequestTag(key="env", value="prod")])

    def listed(**filters):
        return slb.describe_load_balancer_listeners(
            m.DescribeLoadBalancerListenersRequest(region_id=REGION, **filters)
        ).body

    everything = listed()
    assert (everything.total_count, everything.max_results, everything.next_token) == (4, 20, "")
    seen, token = [], None
    while True:
        body = listed(max_results=3, next_token=token)
        assert body.total_count == 4 and body.max_results == 3
        seen += [(x.load_balancer_id, x.listener_port) for x in body.listeners]
        token = body.next_token
        if not token:
            break
    assert sorted(seen) == sorted((x.load_balancer_id, x.listener_port) for x in everything.listeners)
    assert len(seen) == 4
    assert [x.listener_port for x in listed(load_balancer_id=[first]).listeners] == [80, 81, 82]
    assert [x.load_balancer_id for x in listed(listener_port=80).listeners] == sorted([first, second])
    assert [x.listener_port for x in listed(description="port-81").listeners] == [81]
    prod = [m.DescribeLoadBalancerListenersRequestTag(key="env", value="prod")]
    assert [x.load_balancer_id for x in listed(tag=prod).listeners] == [second]
    assert listed(listener_protocol="tcp").total_count == 0
    raises(lambda: listed(listener_protocol="ftp"), "IllegalParam.ListenerProtocol")
    raises(lambda: listed(max_results=101), "IllegalParam.MaxResults")
    raises(lambda: listed(next_token="bogus!"), "IllegalParam.NextToken")
    raises(lambda: listed(load_balancer_id=[first] * 11), "IllegalParamSize.LoadBalancerId")


# backend servers --------------------------------------------------------------------------------
def test_backend_servers_add_set_remove(emulator, slb, m, network, web):
    lb_id = create_lb(slb, m, v_switch_id=network["vswitch_ids"][0]).load_balancer_id
    added = add_backends(
        slb, m, lb_id, json.dumps([{"ServerId": "i-web1", "Weight": 100}, {"ServerId": "i-web2", "Weight": "50",
                                                                           "Description": "second"}])
    )  # fmt: skip
    assert added.load_balancer_id == lb_id
    assert [(s.server_id, s.weight, s.type) for s in added.backend_servers.backend_server] == [
        ("i-web1", "100", "ecs"), ("i-web2", "50", "ecs"),
    ]  # fmt: skip
    servers = attribute(slb, m, lb_id).backend_servers.backend_server
    assert [(s.server_id, s.weight, s.server_ip, s.description) for s in servers] == [
        ("i-web1", 100, "192.168.1.1", ""), ("i-web2", 50, "192.168.1.2", "second"),
    ]  # fmt: skip

    again = add_backends(slb, m, lb_id, backends_json(("i-web1", 70)))
    assert [(s.server_id, s.weight) for s in again.backend_servers.backend_server] == [
        ("i-web1", "70"),
        ("i-web2", "50"),
    ]

    set_request = m.SetBackendServersRequest(
        region_id=REGION, load_balancer_id=lb_id, backend_servers=backends_json(("i-web2", 0))
    )
    updated = slb.set_backend_servers(set_request).body
    assert [(s.server_id, s.weight) for s in updated.backend_servers.backend_server] == [
        ("i-web1", "70"),
        ("i-web2", "0"),
    ]
    add_instance(emulator, "i-web3", network["vpc_id"], network["vswitch_ids"][0], "192.168.1.3")
    set_request.backend_servers = backends_json(("i-web3", 10))
    raises(lambda: slb.set_backend_servers(set_request), "InvalidParameter")

    with emulator.emulator.store.lock:  # a stopped member can still be drained (weight 0)
        emulator.emulator.store.get("instance", "i-web1")["Status"] = "Stopped"
    set_request.backend_servers = backends_json(("i-web1", 0))
    drained = slb.set_backend_servers(set_request).body
    assert {s.server_id: s.weight for s in drained.backend_servers.backend_server} == {"i-web1": "0", "i-web2": "0"}
    with emulator.emulator.store.lock:
        emulator.emulator.store.get("instance", "i-web1")["Status"] = "Running"

    remove = m.RemoveBackendServersRequest(
        region_id=REGION,
        load_balancer_id=lb_id,
        backend_servers=json.dumps([{"ServerId": "i-web1"}, {"ServerId": "i-web3"}]),
    )
    remaining = slb.remove_backend_servers(remove).body
    assert [(s.server_id, s.weight) for s in remaining.backend_servers.backend_server] == [("i-web2", 0)]
    again = slb.remove_backend_servers(remove).body  # removing what is not attached is a no-op
    assert [s.server_id for s in again.backend_servers.backend_server] == ["i-web2"]
    raises(
        lambda: slb.remove_backend_servers(m.RemoveBackendServersRequest(region_id=REGION, load_balancer_id=lb_id)),
        "MissingBackendServers",
    )

    with emulator.emulator.store.lock:
        emulator.emulator.store.remove("instance", "i-web2")  # a released instance leaves its load balancers
    assert attribute(slb, m, lb_id).backend_servers.backend_server == []


@pytest.mark.parametrize(
    "servers, code",
    [
        ([{"ServerId": "i-web1", "Weight": 101}], "InvalidWeight.Malformed"),
        ([{"ServerId": "i-web1", "Weight": -1}], "InvalidWeight.Malformed"),
        ([{"ServerId": "i-web1", "Weight": "heavy"}], "InvalidWeight.Malformed"),
        ([{"ServerId": ""}], "BackendServer.ServerIdEmpty"),
        ([{"Weight": 10}], "BackendServer.ServerIdEmpty"),
        ([{"ServerId": "i-web1", "Type": "eni"}], "InvalidParameter"),
        ([{"ServerId": f"i-{n}"} for n in range(21)], "TooManyBackendServers"),
        ([{"ServerId": "i-gone"}], "ObtainIpFail"),
        ([{"ServerId": "i-web1"}, {"ServerId": "i-stopped"}], "ObtainIpFail"),
        ([{"ServerId": "i-elsewhere"}], "InvalidBackendServers.Inconsistent"),
        ([{"ServerId": "i-shanghai"}], "ObtainIpFail"),
        ({"ServerId": "i-web1"}, "InvalidParameter"),
        ("[not json", "InvalidParameter"),
    ],
)
def test_add_backend_servers_rejects(emulator, slb, m, network, web, servers, code):
    add_instance(emulator, "i-stopped", network["vpc_id"], network["vswitch_ids"][0], "192.168.1.9", status="Stopped")
    add_instance(emulator, "i-elsewhere", "vpc-other", "vsw-other", "10.0.0.1")
    add_instance(
        emulator, "i-shanghai", network["vpc_id"], network["vswitch_ids"][0], "192.168.1.8", region="cn-shanghai"
    )
    lb_id = create_lb(slb, m, v_switch_id=network["vswitch_ids"][0]).load_balancer_id
    text = servers if isinstance(servers, str) else json.dumps(servers)
    raises(lambda: add_backends(slb, m, lb_id, text), code)
    assert attribute(slb, m, lb_id).backend_servers.backend_server == []


def test_internet_load_balancer_takes_instances_of_any_vpc(emulator, slb, m, network, web):
    add_instance(emulator, "i-elsewhere", "vpc-other", "vsw-other", "10.0.0.1")
    lb_id = create_lb(slb, m).load_balancer_id
    added = add_backends(slb, m, lb_id, backends_json(("i-web1",), ("i-elsewhere",)))
    assert [s.server_id for s in added.backend_servers.backend_server] == ["i-web1", "i-elsewhere"]


# health -----------------------------------------------------------------------------------------
def test_health_status_transitions(emulator, slb, m, network, web):
    # The fast pace, slowed five times: a verdict takes 1 s, so the checks made before it stay true on a loaded
    # machine (each assertion below is one API call, and the margins are a third of the window).
    pace = Timing("fast", scale=5)
    emulator.emulator.timing = pace
    window = 2 * 1 * 0.1 * 5  # threshold x interval x the fast pace x the scale
    margin = window / 3
    lb_id = create_lb(slb, m, v_switch_id=network["vswitch_ids"][0]).load_balancer_id
    create_listener(slb, m, lb_id, 80, health_check_interval=1, healthy_threshold=2, unhealthy_threshold=2)
    create_listener(slb, m, lb_id, 81, health_check="off")
    add_backends(slb, m, lb_id, backends_json(("i-web1",), ("i-web2",)))
    assert set(health(slb, m, lb_id).values()) == {"unavailable"}  # listeners stopped

    start(slb, m, lb_id, 80)
    start(slb, m, lb_id, 81)
    time.sleep(pace.delay("listener.start") + margin)
    assert health(slb, m, lb_id, listener_port=80) == {("i-web1", 80): "unavailable", ("i-web2", 80): "unavailable"}
    time.sleep(window)
    assert health(slb, m, lb_id) == {
        ("i-web1", 80): "normal", ("i-web2", 80): "normal",
        ("i-web1", 81): "unavailable", ("i-web2", 81): "unavailable",  # health check off
    }  # fmt: skip

    set_instance(emulator, "i-web2", Status="Stopped")
    assert health(slb, m, lb_id, listener_port=80)[("i-web2", 80)] == "abnormal"
    set_instance(emulator, "i-web2", Status="Running", _started_at=time.time())
    assert health(slb, m, lb_id, listener_port=80)[("i-web2", 80)] == "abnormal"  # up, not yet enough passes
    time.sleep(window + margin)
    assert health(slb, m, lb_id, listener_port=80)[("i-web2", 80)] == "normal"

    add_instance(emulator, "i-web3", network["vpc_id"], network["vswitch_ids"][0], "192.168.1.3")
    add_backends(slb, m, lb_id, backends_json(("i-web3",)))
    set_instance(emulator, "i-web3", Status="Stopped")
    assert health(slb, m, lb_id, listener_port=80)[("i-web3", 80)] == "unavailable"  # no verdict yet
    time.sleep(window + margin)
    assert health(slb, m, lb_id, listener_port=80)[("i-web3", 80)] == "abnormal"

    stop(slb, m, lb_id, 80)
    assert set(health(slb, m, lb_id, listener_port=80, listener_protocol="http").values()) == {"unavailable"}
    assert health(slb, m, lb_id, listener_protocol="https") == {}
    body = slb.describe_health_status(
        m.DescribeHealthStatusRequest(region_id=REGION, load_balancer_id=lb_id, listener_port=81)
    ).body
    row = body.backend_servers.backend_server[0]
    assert (row.server_id, row.server_ip, row.port, row.listener_port, row.protocol) == (
        "i-web1", "192.168.1.1", 8080, 81, "http",
    )  # fmt: skip
    raises(lambda: health(slb, m, "lb-nothere"), "InvalidLoadBalancerId.NotFound", 404)


def test_health_is_immediate_with_instant_timing_and_the_runtime_has_the_last_word(
    emulator, slb, m, monkeypatch, network, web
):
    lb_id = create_lb(slb, m, v_switch_id=network["vswitch_ids"][0]).load_balancer_id
    create_listener(slb, m, lb_id)
    add_backends(slb, m, lb_id, backends_json(("i-web1",), ("i-web2",)))
    start(slb, m, lb_id)
    assert set(health(slb, m, lb_id).values()) == {"normal"}
    monkeypatch.setattr(
        emulator.emulator.runtime,
        "backend_health",
        lambda lb, listener, server: "abnormal" if server["ServerId"] == "i-web2" else None,
    )
    assert health(slb, m, lb_id) == {("i-web1", 80): "normal", ("i-web2", 80): "abnormal"}


# tags and other products ------------------------------------------------------------------------
def test_tag_untag_list(slb, m):
    lb_id = create_lb(slb, m).load_balancer_id
    create_listener(slb, m, lb_id, 80)
    listener_id = f"{lb_id}_http_80"
    slb.tag_resources(
        m.TagResourcesRequest(
            region_id=REGION, resource_type="instance", resource_id=[lb_id],
            tag=[m.TagResourcesRequestTag(key="env", value="prod"), m.TagResourcesRequestTag(key="app", value="web")],
        )
    )  # fmt: skip
    slb.tag_resources(
        m.TagResourcesRequest(
            region_id=REGION, resource_type="listener", resource_id=[listener_id],
            tag=[m.TagResourcesRequestTag(key="port", value="80")],
        )
    )  # fmt: skip
    listed = slb.list_tag_resources(
        m.ListTagResourcesRequest(region_id=REGION, resource_type="instance", resource_id=[lb_id])
    ).body
    assert {(t.resource_id, t.resource_type, t.tag_key, t.tag_value) for t in listed.tag_resources.tag_resource} == {
        (lb_id, "instance", "env", "prod"),
        (lb_id, "instance", "app", "web"),
    }
    by_tag = slb.list_tag_resources(
        m.ListTagResourcesRequest(
            region_id=REGION, resource_type="listener", tag=[m.ListTagResourcesRequestTag(key="port", value="80")]
        )
    ).body
    assert [t.resource_id for t in by_tag.tag_resources.tag_resource] == [listener_id]
    assert [(t.tag_key, t.tag_value) for t in listener_attribute(slb, m, lb_id).tags.tag] == [("port", "80")]

    slb.untag_resources(
        m.UntagResourcesRequest(region_id=REGION, resource_type="instance", resource_id=[lb_id], tag_key=["env"])
    )
    assert {(t.tag_key, t.tag_value) for t in attribute(slb, m, lb_id).tags.tag} == {("app", "web")}
    found = describe(slb, m, tag=[m.DescribeLoadBalancersRequestTag(key="app", value="web")])
    assert [lb.load_balancer_id for lb in found.load_balancers.load_balancer] == [lb_id]
    assert describe(slb, m, tag=[m.DescribeLoadBalancersRequestTag(key="env", value="prod")]).total_count == 0
    raises(
        lambda: slb.tag_resources(
            m.TagResourcesRequest(
                region_id=REGION, resource_type="instance", resource_id=[f"lb-{n}" for n in range(21)],
                tag=[m.TagResourcesRequestTag(key="a", value="b")],
            )
        ),
        "InvalidParameter",
    )  # fmt: skip


@pytest.mark.parametrize("resource_type", ["instance", "listener"])
def test_tagging_an_unknown_resource_is_a_bad_request(slb, m, resource_type):
    """SLB answers 400 ResourceNotExist (not 404) for a resource it does not have, to all three tag actions."""
    unknown = ["lb-0000000000000000000000"] if resource_type == "instance" else ["lb-0000000000000000000000_http_80"]
    raises(
        lambda: slb.tag_resources(
            m.TagResourcesRequest(
                region_id=REGION, resource_type=resource_type, resource_id=unknown,
                tag=[m.TagResourcesRequestTag(key="a", value="b")],
            )
        ),
        "ResourceNotExist",
    )  # fmt: skip
    raises(
        lambda: slb.untag_resources(
            m.UntagResourcesRequest(region_id=REGION, resource_type=resource_type, resource_id=unknown, tag_key=["a"])
        ),
        "ResourceNotExist",
    )
    raises(
        lambda: slb.list_tag_resources(
            m.ListTagResourcesRequest(region_id=REGION, resource_type=resource_type, resource_id=unknown)
        ),
        "ResourceNotExist",
    )


def test_delete_vswitch_refused_while_a_load_balancer_is_in_it(slb, m, vpc, vpc_models, network):
    vsw = network["vswitch_ids"][0]
    lb_id = create_lb(slb, m, v_switch_id=vsw).load_balancer_id
    delete = vpc_models.DeleteVSwitchRequest(region_id=REGION, v_switch_id=vsw)
    raises(lambda: vpc.delete_vswitch(delete), "DependencyViolation")
    slb.delete_load_balancer(m.DeleteLoadBalancerRequest(region_id=REGION, load_balancer_id=lb_id))
    vpc.delete_vswitch(delete)
