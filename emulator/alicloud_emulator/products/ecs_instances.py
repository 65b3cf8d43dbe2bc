"""ECS instances."""

from .ecs import ECS  # noqa: F401 - actions are registered on ECS
