"""A local emulator of the Alibaba Cloud APIs used by ha_web.alicloud (ECS, VPC, SLB, NAS)."""

__version__ = "1.0.0"
