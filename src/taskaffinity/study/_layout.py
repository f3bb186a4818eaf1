"""The files of a study folder: one place for their names.

A study folder holds ``config.yaml`` (the config the study was run with, written by
``run_study``) and ``study.sqlite`` (the result store). Every module that opens a study
folder takes the names from here, so that no module of ``study`` needs the orchestrator
(``_study.py``) for a file name.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["CONFIG_NAME", "STORE_NAME", "config_path", "store_path"]

STORE_NAME = "study.sqlite"
"""File name of a study's result store inside its folder."""

CONFIG_NAME = "config.yaml"
"""File name of the copy of a study's config inside its folder."""


def store_path(out_dir: str | Path) -> Path:
    """``out_dir/study.sqlite``."""
    return Path(out_dir) / STORE_NAME


def config_path(out_dir: str | Path) -> Path:
    """``out_dir/config.yaml``."""
    return Path(out_dir) / CONFIG_NAME
