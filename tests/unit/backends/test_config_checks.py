"""Backend configs and the checks a backend runs before any training: numbers that are not
finite or not integers, models that are not there, tasks it cannot train."""

from __future__ import annotations

import math

import pytest

from taskaffinity.backends import EncoderBackend, LoraBackend, LoraConfig, get_backend
from taskaffinity.errors import InputError
from taskaffinity.tasks import Example, Task, TaskSuite


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("batch_size", 2.5),
        ("eval_batch_size", 0.5),
        ("epochs", math.inf),
        ("temperature", math.inf),
        ("lr", math.nan),
        ("weight_decay", math.nan),
        ("min_steps", True),
        ("d_model", 8.0),
    ],
)
def test_scratch_option_refused(option, value) -> None:
    with pytest.raises(InputError) as info:
        get_backend("scratch", {option: value})
    assert info.value.field == option


def test_lora_batch_size_is_an_integer() -> None:
    with pytest.raises(InputError) as info:
        LoraConfig(batch_size=2.5)
    assert info.value.field == "batch_size"


def test_a_missing_encoder_folder_is_refused_before_any_run(tmp_path) -> None:
    backend = EncoderBackend({"model": str(tmp_path / "absent")})
    with pytest.raises(InputError, match="not found") as info:
        backend.check_resources()
    assert info.value.field == "model"
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match=r"config\.json"):
        EncoderBackend({"model": str(tmp_path / "empty")}).check_resources()


def test_a_hub_model_offline_and_not_cached_is_refused(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "cache"))
    with pytest.raises(InputError, match="offline") as info:
        EncoderBackend({"model": "nobody-xyz/no-such-model"}).check_resources()
    assert info.value.field == "model"


def test_a_missing_causal_lm_folder_is_refused(tmp_path) -> None:
    with pytest.raises(InputError) as info:
        LoraBackend({"model": "./no-such-lm-folder"}).check_resources()
    assert info.value.field == "model"


def _task(name: str, labels: str, metric: str = "accuracy", kind: str = "classification") -> Task:
    def split(n: int) -> tuple[Example, ...]:
        return tuple(Example(text=f"{name}{i}", label=labels[i % len(labels)]) for i in range(n))

    return Task(name, kind, "c", metric, split(8), split(4), split(4))


@pytest.mark.parametrize(
    ("task", "field", "message"),
    [
        (_task("one", "x"), "labels", ">= 2 labels"),
        (_task("f2", "xy", metric="f2"), "metric", "unknown metric 'f2'"),
        (_task("tags", "xy", metric="tag_f1"), "metric", "for tagging tasks"),
    ],
)
def test_tasks_a_backend_cannot_train(task, field, message) -> None:
    suite = TaskSuite("s", (task, _task("fine", "xy")))
    backend = get_backend("scratch")
    backend.check_tasks(["fine"], suite)
    with pytest.raises(InputError, match=message) as info:
        backend.check_tasks([task.name], suite)
    assert info.value.field == field
