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
    """The demo's 66 run keys are pinned (a demo folder resumes without training again;
    a change of design must change this digest on purpose): SHA-256 of the sorted keys of
    the design chosen by benchmarks/reliability.py (width 64, ema 0.99, checkpoint last,
    paired random streams, seeds 0-2; its 63 singles and pairs are runs of that
    benchmark's per_task store)."""
    cfg = demo_config()
    suite = cfg.load_suite()
    keys = sorted(s.key for s in plan_runs(cfg, suite, make_backend(cfg)))
    assert len(keys) == 66
    digest = hashlib.sha256("\n".join(keys).encode()).hexdigest()
    assert digest == "24b3569775a28c138d5552ec5013b0675e6c446ac3631475ab752d3e39a5124e"
