"""Backend registry: ``register_backend`` names a Backend class, ``get_backend`` builds one."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from taskaffinity.errors import InputError

if TYPE_CHECKING:
    from taskaffinity.backends._base import Backend
    from taskaffinity.backends._config import TrainConfig

__all__ = ["BACKENDS", "available", "get_backend", "register_backend"]

BACKENDS: dict[str, type[Backend]] = {}


def register_backend(name: str) -> Callable[[type[Backend]], type[Backend]]:
    def deco(cls: type[Backend]) -> type[Backend]:
        cls.name = name
        BACKENDS[name] = cls
        return cls

    return deco


def available() -> list[str]:
    """Names of the registered backends, sorted."""
    return sorted(BACKENDS)


def get_backend(name: str, config: dict[str, Any] | TrainConfig | None = None) -> Backend:
    """The backend ``name`` with ``config`` (a dict of options or a config dataclass)."""
    if name not in BACKENDS:
        raise InputError(f"unknown backend {name!r}; choose one of {available()}", field="backend")
    return BACKENDS[name](config)
