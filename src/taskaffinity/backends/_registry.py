"""Backend registry: ``register_backend`` names a Backend class, ``get_backend`` builds one
(a :class:`taskaffinity._registry.Registry`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from taskaffinity._registry import Registry

if TYPE_CHECKING:
    from taskaffinity.backends._base import Backend
    from taskaffinity.backends._config import TrainConfig

__all__ = ["BACKENDS", "available", "get_backend", "register_backend"]

BACKENDS: Registry = Registry("backend", field="backend")


def register_backend(name: str) -> Callable[[type[Backend]], type[Backend]]:
    """Class decorator: register a :class:`Backend` subclass under ``name``."""
    return BACKENDS.register(name)


def available() -> list[str]:
    """Names of the registered backends, sorted."""
    return BACKENDS.names()


def get_backend(name: str, config: dict[str, Any] | TrainConfig | None = None) -> Backend:
    """The backend ``name`` with ``config`` (a dict of options or a config dataclass)."""
    return BACKENDS.lookup(name)(config)
