"""ECS regions, zones, images and key pairs."""

from .ecs import ECS  # noqa: F401 - actions are registered on ECS
