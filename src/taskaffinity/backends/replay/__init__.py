"""The ``replay`` backend: a published table's measurements (MTG-Net, Standley et al., a
long CSV with seeds) served as runs, for offline studies, benchmarks and tests."""

from taskaffinity.backends.replay._backend import ReplayBackend
from taskaffinity.backends.replay._config import FORMATS, ReplayConfig

__all__ = ["FORMATS", "ReplayBackend", "ReplayConfig"]
