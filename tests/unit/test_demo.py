"""The demo config and the shipped example configs."""

from __future__ import annotations

from pathlib import Path

import pytest

from taskaffinity.config import load_config
from taskaffinity.demo import demo_config

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_example_equals_demo():
    assert load_config(EXAMPLES / "zh_classical.yaml").to_dict() == demo_config().to_dict()


@pytest.mark.parametrize("name", ["zh_classical.yaml", "custom_tasks.yaml", "en_text_lora.yaml"])
def test_examples_load_with_their_tasks(name):
    cfg = load_config(EXAMPLES / name)
    suite = cfg.load_suite()
    cfg.check_plan(suite.names)
    assert len(suite.names) >= 2
