"""Tiny synthetic suites: trivially learnable tasks that train in about a second."""

from __future__ import annotations

import random

import pytest

from taskaffinity.tasks import Example, Task, TaskSuite

ALPHABET = "abcdefghijklmnopqrstuvwxyz"


def _text(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(n))


def make_suite(n_train: int = 200, n_eval: int = 60, seed: int = 0) -> TaskSuite:
    """``vowel`` (classification: does the text contain more vowels than 'zz' ...),
    ``first`` (classification, 3 labels: first letter bucket), ``mark`` (tagging: 'P'
    after every 'x' or 'q', else 'O')."""
    rng = random.Random(seed)

    def cls_examples(n: int, rule) -> tuple[Example, ...]:
        out = []
        for _ in range(n):
            t = _text(rng, rng.randint(5, 20))
            out.append(Example(text=t, label=rule(t)))
        return tuple(out)

    def tag_examples(n: int) -> tuple[Example, ...]:
        out = []
        for _ in range(n):
            t = _text(rng, rng.randint(5, 20)) + "x"
            out.append(Example(tokens=tuple(t), tags=tuple("P" if c in "xq" else "O" for c in t)))
        return tuple(out)

    def has_a(t: str) -> str:
        return "yes" if "a" in t or "e" in t else "no"

    def bucket(t: str) -> str:
        return "low" if t[0] < "i" else ("mid" if t[0] < "r" else "high")

    tasks = []
    for name, rule in (("vowel", has_a), ("first", bucket)):
        tasks.append(
            Task(
                name,
                "classification",
                "basic",
                "accuracy",
                cls_examples(n_train, rule),
                cls_examples(n_eval, rule),
                cls_examples(n_eval, rule),
            )
        )
    tasks.append(
        Task(
            "mark",
            "tagging",
            "basic",
            "tag_f1",
            tag_examples(n_train),
            tag_examples(n_eval),
            tag_examples(n_eval),
        )
    )
    return TaskSuite("synthetic", tuple(tasks))


@pytest.fixture(scope="session")
def suite() -> TaskSuite:
    return make_suite()


@pytest.fixture(scope="session")
def tiny_config() -> dict:
    return {
        "d_model": 32,
        "layers": 1,
        "heads": 2,
        "ff_dim": 64,
        "max_len": 32,
        "epochs": 4.0,
        "lr": 3e-3,
        "batch_size": 16,
        "dropout": 0.0,
        "threads": 1,
    }
