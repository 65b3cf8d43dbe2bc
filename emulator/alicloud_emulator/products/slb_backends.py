"""SLB backend servers: Add, Set and RemoveBackendServers on a load balancer's `_backends`."""

from . import slb_errors
from .slb import SLB, changed, load_balancer

MAX_BACKENDS_PER_CALL = 20


def _weight(value):
    try:
        weight = int(value)
    except (TypeError, ValueError):
        weight = -1
    if isinstance(value, bool) or not 0 <= weight <= 100:
        raise slb_errors.INVALID_WEIGHT_MALFORMED()
    return weight


def _requested_backends(params, with_weights=True):
    """The BackendServers JSON as [{"ServerId", "Weight", "Type", "Description"}] (a later duplicate wins)."""
    servers = params.json("BackendServers", required=True)
    if not isinstance(servers, list) or not all(isinstance(s, dict) for s in servers):
        raise slb_errors.INVALID_PARAMETER_BACKEND_SERVERS(reason="It must be a JSON list of objects.")
    if len(servers) > MAX_BACKENDS_PER_CALL:
        raise slb_errors.TOO_MANY_BACKEND_SERVERS()
    entries = {}
    for server in servers:
        server_id = server.get("ServerId")
        if not isinstance(server_id, str) or not server_id:
            raise slb_errors.BACKEND_SERVER_SERVER_ID_EMPTY()
        kind = str(server.get("Type", "ecs"))
        if kind != "ecs":
            raise slb_errors.INVALID_PARAMETER_BACKEND_SERVERS(
                reason=f"Only ECS instances (Type ecs) can be backend servers, not {kind}."
            )
        entry = {"ServerId": server_id, "Type": "ecs"}
        if with_weights:
            entry["Weight"] = _weight(server.get("Weight", 100))
        if "Description" in server:
            description = str(server["Description"])
            if len(description) > 80:
                raise slb_errors.INVALID_PARAMETER_BACKEND_SERVERS(
                    reason="A Description is at most 80 characters long."
                )
            entry["Description"] = description
        entries[server_id] = entry
    return list(entries.values())


def _check_members(ctx, lb, entries):
    """Backends must be Running ECS instances of the region, and in the VPC of a VPC load balancer."""
    for entry in entries:
        instance = ctx.store.get("instance", entry["ServerId"])
        if instance is not None and instance["_region"] == lb["_region"]:
            status = {**instance, **ctx.runtime.observe("instance", instance)}["Status"]
        else:
            status = None
        if status != "Running":
            raise slb_errors.OBTAIN_IP_FAIL()
        if lb["VpcId"] and instance["_vpc_id"] != lb["VpcId"]:
            raise slb_errors.INVALID_BACKEND_SERVERS_INCONSISTENT(server_id=entry["ServerId"])


def live_backends(ctx, lb):
    """Attached servers whose instance still exists (a released instance leaves its load balancers)."""
    return [b for b in lb["_backends"] if ctx.store.get("instance", b["ServerId"]) is not None]


def render_attached(ctx, backend):
    instance = ctx.store.get("instance", backend["ServerId"])
    return {**backend, "ServerIp": instance["_private_ip"]}


def _backends_answer(ctx, lb, weight_type):
    """The full resulting set; Add/Set report Weight as a string, Remove as a number."""
    servers = [{**b, "Weight": weight_type(b["Weight"])} for b in live_backends(ctx, lb)]
    return {"LoadBalancerId": lb["LoadBalancerId"], "BackendServers": {"BackendServer": servers}}


@SLB.action("AddBackendServers")
def add_backend_servers(ctx):
    p = ctx.params
    lb = load_balancer(ctx, p.str("LoadBalancerId", required=True))
    entries = _requested_backends(p)
    _check_members(ctx, lb, entries)
    attached = {b["ServerId"]: b for b in lb["_backends"]}
    for entry in entries:
        if entry["ServerId"] in attached:
            attached[entry["ServerId"]].update(entry)
        else:
            lb["_backends"].append({"Description": "", **entry})
            lb["_backends_added_at"][entry["ServerId"]] = ctx.now
    changed(ctx, "backends_updated", lb)
    return _backends_answer(ctx, lb, str)


@SLB.action("SetBackendServers")
def set_backend_servers(ctx):
    p = ctx.params
    lb = load_balancer(ctx, p.str("LoadBalancerId", required=True))
    entries = _requested_backends(p)
    attached = {b["ServerId"]: b for b in lb["_backends"]}
    missing = [e["ServerId"] for e in entries if e["ServerId"] not in attached]
    if missing:
        raise slb_errors.INVALID_PARAMETER_BACKEND_SERVERS(
            reason=f"Not backend servers of the load balancer: {', '.join(missing)}."
        )
    # Members are checked when they join (AddBackendServers); a stopped member may still be re-weighted,
    # which is how a server is drained before maintenance.
    for entry in entries:
        attached[entry["ServerId"]].update(entry)
    changed(ctx, "backends_updated", lb)
    return _backends_answer(ctx, lb, str)


@SLB.action("RemoveBackendServers")
def remove_backend_servers(ctx):
    p = ctx.params
    lb = load_balancer(ctx, p.str("LoadBalancerId", required=True))
    removed = {e["ServerId"] for e in _requested_backends(p, with_weights=False)}
    lb["_backends"] = [b for b in lb["_backends"] if b["ServerId"] not in removed]
    for server_id in removed:
        lb["_backends_added_at"].pop(server_id, None)
    changed(ctx, "backends_updated", lb)
    return _backends_answer(ctx, lb, int)
