"""ECS 2014-05-26: zones, images, key pairs, security groups, instances."""

from .base import Product

ECS = Product(code="Ecs", version="2014-05-26", endpoint_prefix="ecs")
