"""Resource identifiers in the formats the real cloud uses."""

import random
import string
import uuid

_ALNUM = string.ascii_lowercase + string.digits
_rng = random.SystemRandom()


def _suffix(length):
    return "".join(_rng.choice(_ALNUM) for _ in range(length))


def resource_id(prefix, length=20):
    """E.g. `vpc-bp15zckdt37pq72zvabcd`: prefix, the region's `bp1` style head, random tail."""
    return f"{prefix}-bp1{_suffix(length - 3)}"


def nas_file_system_id():
    return "".join(_rng.choice("0123456789abcdef") for _ in range(10))


def mount_target_domain(file_system_id, region):
    return f"{file_system_id}-{_suffix(5)}.{region}.nas.aliyuncs.com"


def request_id():
    return str(uuid.uuid4()).upper()


def numeric_id(length=10):
    return str(_rng.randint(10 ** (length - 1), 10**length - 1))
