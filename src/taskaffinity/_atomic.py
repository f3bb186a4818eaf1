"""Whole-file writes that readers and concurrent writers never see half done.

``write_atomic(path, data)`` writes ``data`` (``str`` as UTF-8, or ``bytes``) to a
temporary file of its own in ``path``'s folder, then renames it over ``path``. Several
drivers starting one study at once each write their own temporary file, so none renames
another's away (a shared ``path.tmp`` name did: the second rename found nothing).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["write_atomic"]


def write_atomic(path: str | Path, data: str | bytes) -> Path:
    """Write ``data`` to ``path`` whole (a unique temporary file renamed over it); returns
    the path. The temporary file is removed if anything fails."""
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
