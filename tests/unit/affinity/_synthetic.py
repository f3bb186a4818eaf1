"""A tiny synthetic suite and a tiny scratch-backend config for fast estimator tests."""

from __future__ import annotations

import random

from taskaffinity.tasks import Example, Task, TaskSuite

ALPHABET = "abcdefgh"
TINY_BACKEND = {
    "d_model": 16, "layers": 1, "heads": 2, "ff_dim": 32, "max_len": 12, "epochs": 2.0,
    "batch_size": 16, "lr": 3e-3, "dropout": 0.0, "threads": 1,
}  # fmt: skip

# name -> (rule on the text, its two labels)
RULES = {
    "first": (lambda s: s[0] in "abcd", ("no", "yes")),
    "first_copy": (lambda s: s[0] in "abcd", ("n", "y")),
    "count": (lambda s: s.count("a") > s.count("b"), ("less", "more")),
    "last": (lambda s: s[-1] in "aceg", ("no", "yes")),
}


def make_task(
    name: str, seed: int = 0, sizes: tuple[int, int, int] = (96, 32, 32), flip: float = 0.0
) -> tuple[Task, list[int]]:
    """Task ``name`` of RULES and the test indices whose label was flipped.

    ``flip``: share of train and test labels flipped (seeded); dev stays clean."""
    rng = random.Random(f"{name}:{seed}")
    rule, labels = RULES[name]
    splits, flipped = [], []
    for split, n in zip(("train", "dev", "test"), sizes, strict=True):
        exs = []
        for k in range(n):
            text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(6, 10)))
            y = int(rule(text))
            if split != "dev" and rng.random() < flip:
                y = 1 - y
                if split == "test":
                    flipped.append(k)
            exs.append(Example(text=text, label=labels[y]))
        splits.append(tuple(exs))
    return Task(name, "classification", "synthetic", "accuracy", *splits), flipped


def tiny_suite(names: tuple[str, ...] = ("first", "count", "first_copy")) -> TaskSuite:
    return TaskSuite("synthetic", tuple(make_task(n)[0] for n in names))
