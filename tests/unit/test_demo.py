"""The demo config and the shipped example configs."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from taskaffinity.config import load_config
from taskaffinity.demo import demo_config
from taskaffinity.study import make_backend, plan_runs

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_example_equals_demo():
    assert load_config(EXAMPLES / "zh_classical.yaml").to_dict() == demo_config().to_dict()


@pytest.mark.parametrize("name", ["zh_classical.yaml", "custom_tasks.yaml", "en_text_lora.yaml"])
def test_examples_load_with_their_tasks(name):
    cfg = load_config(EXAMPLES / name)
    suite = cfg.load_suite()
    cfg.check_plan(suite.names)
    assert len(suite.names) >= 2


def test_demo_run_keys_unchanged():
    """The demo's 44 runs keep their keys (a demo folder made earlier resumes without
    training again): SHA-256 of the sorted keys, as data version 2 of zh_classical gave."""
    cfg = demo_config()
    suite = cfg.load_suite()
    keys = sorted(s.key for s in plan_runs(cfg, suite, make_backend(cfg)))
    assert len(keys) == 44
    digest = hashlib.sha256("\n".join(keys).encode()).hexdigest()
    assert digest == "1e4b82696567221e4f1bc9c78d5b67f2803b6012642ce9fe454dd46ba5b9aaf1"
