"""CIDR checks shared by the products (VPC and vSwitch blocks, security group sources, NAS rules)."""

import ipaddress

from .errors import ApiError

RESERVED_BLOCKS = [ipaddress.ip_network(n) for n in ("100.64.0.0/10", "224.0.0.0/4", "127.0.0.0/8", "169.254.0.0/16")]


def parse_network(text, code="InvalidCidrBlock.Malformed", message="Specified CIDR block is not valid."):
    try:
        return ipaddress.ip_network(text, strict=True)
    except ValueError:
        raise ApiError(400, code, message) from None


def is_reserved(network):
    return any(network.overlaps(block) for block in RESERVED_BLOCKS)


def usable_hosts(network):
    """Addresses an instance may get: Alibaba reserves the first and the last three of a vSwitch."""
    first = int(network.network_address) + 1
    last = int(network.broadcast_address) - 3
    return (ipaddress.ip_address(n) for n in range(first, last + 1))
