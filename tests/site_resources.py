"""What one site is made of in the cloud, and how to count it in the emulator's state (shared by the module
integration tests and the full-stack test)."""

# kind in the emulator's state -> how many one site has
SITE_RESOURCES = {
    "vpc": 1,
    "vswitch": 2,
    "security_group": 1,
    "key_pair": 1,
    "instance": 2,
    "load_balancer": 1,
    "listener": 1,
    "file_system": 2,
    "mount_target": 2,
}
# The site served over HTTPS (site_https, on in inventories/local): the HTTPS listener and the HTTP one redirecting
# to it, and the server certificate it presents
HTTPS_SITE_RESOURCES = {**SITE_RESOURCES, "listener": 2, "server_certificate": 1}
# What site.yml adds with site_alarms (on by default, playbooks/alarms.yml): the site's contact group, the
# unhealthy-backend and CPU rules, the spot interruption event rule
SITE_ALARMS = {"contact_group": 1, "metric_rule": 2, "event_rule": 1}


def resource_counts(state):
    """{kind: count} from GET /_emulator/state, without the NAS's built-in access group and its rule."""
    counts = {kind: len(items) for kind, items in state.items() if isinstance(items, dict)}
    for kind in ("access_group", "access_rule"):
        custom = [r for r in state.get(kind, {}).values() if r["AccessGroupName"] != "DEFAULT_VPC_GROUP_NAME"]
        counts[kind] = len(custom)
    return counts
