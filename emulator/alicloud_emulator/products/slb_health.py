"""SLB backend health: DescribeHealthStatus.

Backend health, unless the runtime knows better (`runtime.backend_health(lb, listener, server)`, server being
the attached `_backends` entry):
- listener not running, or its health check off: `unavailable`;
- the checks of a backend begin when it was added or when the listener came up, whichever is later;
- a Running instance is `normal` once it has been up for HealthyThreshold x HealthCheckInterval seconds
  since the checks began (or since it was last started); before that it is `abnormal` if it was restarted
  after the checks began, else `unavailable` (no verdict yet);
- an instance that is not Running is `abnormal` once UnhealthyThreshold x HealthCheckInterval seconds have
  passed since the checks began (so one that stops later is `abnormal` at once), else `unavailable`.
These windows follow the timing profile: HEALTH_CHECK_PACE x the time scale.
"""

from .slb import SLB, listeners_of, load_balancer
from .slb_backends import live_backends

HEALTH_CHECK_PACE = {"realistic": 1.0, "fast": 0.1, "instant": 0.0}


def _health_window(ctx, checks, interval):
    return checks * interval * HEALTH_CHECK_PACE.get(ctx.timing.profile, 1.0) * ctx.timing.scale


def _computed_health(ctx, lb, listener, backend):
    """See the module docstring."""
    if listener["Status"] != "running" or listener["HealthCheck"] != "on":
        return "unavailable"
    instance = ctx.store.get("instance", backend["ServerId"])
    checks_since = max(lb["_backends_added_at"].get(backend["ServerId"], 0.0), listener["_running_since"] or 0.0)
    interval = listener["HealthCheckInterval"]
    if {**instance, **ctx.runtime.observe("instance", instance)}["Status"] != "Running":
        unhealthy = ctx.now - checks_since >= _health_window(ctx, listener["UnhealthyThreshold"], interval)
        return "abnormal" if unhealthy else "unavailable"
    up_since = max(checks_since, instance.get("_started_at") or 0.0)
    if ctx.now - up_since >= _health_window(ctx, listener["HealthyThreshold"], interval):
        return "normal"
    return "abnormal" if up_since > checks_since else "unavailable"


def backend_health(ctx, lb, listener, backend):
    """`normal`, `abnormal` or `unavailable`: the runtime's view when it has one, else the computed one (also read
    by alarms.py for acs_slb_dashboard's server counts)."""
    known = ctx.runtime.backend_health(lb, listener, backend)
    return known if known is not None else _computed_health(ctx, lb, listener, backend)


@SLB.action("DescribeHealthStatus")
def describe_health_status(ctx):
    p = ctx.params
    lb = load_balancer(ctx, p.str("LoadBalancerId", required=True))
    port = p.int("ListenerPort", minimum=1, maximum=65535)
    protocol = p.str("ListenerProtocol")
    listeners = [
        x
        for x in listeners_of(ctx, lb)
        if (port is None or x["ListenerPort"] == port)
        and (protocol is None or x["ListenerProtocol"] == protocol)
        and x.get("ListenerForward") != "on"  # a forwarding listener redirects: it has no backends to check
    ]
    rows = [
        {
            "ServerId": backend["ServerId"],
            "ServerIp": ctx.store.get("instance", backend["ServerId"])["_private_ip"],
            "Port": listener["BackendServerPort"],
            "ListenerPort": listener["ListenerPort"],
            "Protocol": listener["ListenerProtocol"],
            "ServerHealthStatus": backend_health(ctx, lb, listener, backend),
        }
        for listener in listeners
        for backend in live_backends(ctx, lb)
    ]
    return {"BackendServers": {"BackendServer": rows}}
