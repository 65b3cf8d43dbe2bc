"""Which private addresses of a vSwitch are taken: by instances and by intranet load balancers."""


def used_addresses(store, vswitch_id):
    taken = {i["_private_ip"] for i in store.find("instance", _vswitch_id=vswitch_id)}
    taken |= {lb["Address"] for lb in store.find("load_balancer", VSwitchId=vswitch_id)}
    return taken
