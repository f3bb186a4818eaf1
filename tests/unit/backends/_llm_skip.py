"""Module-level guard of the lora tests: offline hub, peft and gguf importable, the model
package installed; otherwise the calling test module is skipped."""

from __future__ import annotations

import importlib.util
import os

import pytest


def require_llm_package(package: str, pip_name: str) -> None:
    """Skip the calling test module unless peft, gguf and ``package`` are installed."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    pytest.importorskip("peft")
    pytest.importorskip("gguf")
    if importlib.util.find_spec(package) is None:
        pytest.skip(f"{pip_name} is not installed", allow_module_level=True)
