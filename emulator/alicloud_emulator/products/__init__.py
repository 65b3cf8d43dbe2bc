"""The emulated products, by API version (the `x-acs-version` a client sends)."""

from . import ecs_catalog, ecs_instances, ecs_security_groups  # noqa: F401 - they register ECS actions
from .ecs import ECS
from .nas import NAS
from .slb import SLB
from .vpc import VPC

PRODUCTS = {product.version: product for product in (ECS, VPC, SLB, NAS)}
