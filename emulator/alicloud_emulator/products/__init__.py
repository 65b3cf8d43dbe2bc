"""The emulated products, by API version (the `x-acs-version` a client sends)."""

from .ecs import ECS
from .nas import NAS
from .slb import SLB
from .vpc import VPC

PRODUCTS = {product.version: product for product in (ECS, VPC, SLB, NAS)}
