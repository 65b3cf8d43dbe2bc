"""ECS 2014-05-26: the product and its tag actions. Its resources live in the `ecs_*` modules."""

from . import ecs_errors
from .base import Product
from .tagging import register_tagging

ECS = Product(code="Ecs", version="2014-05-26", endpoint_prefix="ecs", permission_denied=ecs_errors.FORBIDDEN_RAM)
register_tagging(
    ECS,
    {"instance": "instance", "securitygroup": "security_group", "keypair": "key_pair"},
    not_found=lambda _id: ecs_errors.INVALID_RESOURCE_ID_NOT_FOUND(),
)
