"""The emulated products, by API version (the `x-acs-version` a client sends)."""

from . import (  # noqa: F401 - they register their actions
    cms_event_rules,
    cms_metric_rules,
    ecs_available_resources,
    ecs_catalog,
    ecs_instances,
    ecs_security_groups,
    nas_zones,
    slb_backends,
    slb_certificates,
    slb_health,
    slb_https_listeners,
    slb_listeners,
    slb_load_balancers,
)
from .cms import CMS
from .ecs import ECS
from .nas import NAS
from .slb import SLB
from .vpc import VPC

PRODUCTS = {product.version: product for product in (ECS, VPC, SLB, NAS, CMS)}
