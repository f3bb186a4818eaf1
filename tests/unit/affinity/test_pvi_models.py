"""The two models behind PVI on a real backend: which tokens they score (tagging inputs
longer than the length limit) and which weights the null model keeps."""

from __future__ import annotations

import random

import numpy as np

from taskaffinity.affinity import compute_pvi
from taskaffinity.backends import get_backend
from taskaffinity.backends.heads import IGNORE, HeadTrainer
from taskaffinity.tasks import Example, Task, TaskSuite
from taskaffinity.testing import TINY_SCRATCH


def _long_tagging_task(n: int = 96, words: int = 20, seed: int = 0) -> Task:
    """``words`` words of 3 letters per example. The first 11 words (all that a ``scratch``
    input of ``max_len`` 32 holds: BOS + 32 characters) are tagged ``A``; every later word
    gets ``A`` or ``B`` at random."""
    rng = random.Random(seed)

    def split(k: int) -> tuple[Example, ...]:
        out = []
        for _ in range(k):
            toks = tuple("".join(rng.choice("abcdefgh") for _ in range(3)) for _ in range(words))
            tags = tuple("A" if i < 11 else rng.choice("AB") for i in range(words))
            out.append(Example(tokens=toks, tags=tags))
        return tuple(out)

    return Task("long", "tagging", "synthetic", "tag_f1", split(n), split(32), split(32))


def _scored_words(backend, suite: TaskSuite, null: bool) -> list[int]:
    task = suite.tasks[0]
    trainer = HeadTrainer(backend.build_body(backend.config, suite), [task], backend.config, 0,
                          null=null)  # fmt: skip
    labels = trainer.states[task.name].splits["test"]["labels"]
    return (labels != IGNORE).sum(1).tolist()


def test_tagging_real_and_null_inputs_score_the_same_words():
    """20 words, max_len 32: the real input holds 11 words, the null input (one mask per
    word) would hold all 20; both models are trained on and averaged over the same 11."""
    suite = TaskSuite("long", (_long_tagging_task(),))
    backend = get_backend("scratch", dict(TINY_SCRATCH, max_len=32))
    real, null = _scored_words(backend, suite, False), _scored_words(backend, suite, True)
    assert real == [11] * 32
    assert null == real


def test_tagging_pvi_is_zero_when_the_input_tells_nothing_about_the_scored_words():
    """Every word the real input holds is tagged ``A``: neither model needs the input for
    them, so PVI is about 0 bits; averaging the null model over the 9 words beyond the
    real input's limit (random tags) would make it about +0.45 bits. (One dev evaluation, at
    the end: both models are their final weights.)"""
    suite = TaskSuite("long", (_long_tagging_task(),))
    cfg = dict(TINY_SCRATCH, max_len=32, epochs=6.0, lr=1e-2, eval_every=10_000)
    backend = get_backend("scratch", cfg)
    pvi = compute_pvi(suite, backend, seed=0).values["long"]
    assert pvi.shape == (32,)
    assert abs(float(np.mean(pvi))) < 0.1


def _prior_task(seed: int = 0) -> Task:
    """Random texts; train labels ``yes`` with probability 0.75, dev exactly balanced (so
    a model that sees no input scores accuracy 0.5 at every evaluation)."""
    rng = random.Random(seed)

    def text() -> str:
        return "".join(rng.choice("abcdefgh") for _ in range(rng.randint(4, 10)))

    train = tuple(Example(text=text(), label="yes" if rng.random() < 0.75 else "no")
                  for _ in range(240))  # fmt: skip
    dev = tuple(Example(text=text(), label=("yes", "no")[k % 2]) for k in range(40))
    test = tuple(Example(text=text(), label=("yes", "no")[k % 2]) for k in range(40))
    return Task("prior", "classification", "synthetic", "accuracy", train, dev, test)


def test_null_model_is_the_final_model_when_its_dev_metric_is_constant():
    """Dev is scored after every step and the null model's dev accuracy is always 0.5: the
    first checkpoint would be the best by a strict comparison. The null model used is the
    final one, which has learnt the train label prior p(yes) = 0.75 (Ethayarajh et al.
    2022: ``g[null]`` estimates the label distribution)."""
    task = _prior_task()
    share = np.mean([ex.label == "yes" for ex in task.train])
    assert 0.7 < share < 0.8
    suite = TaskSuite("prior", (task,))
    backend = get_backend("scratch", dict(TINY_SCRATCH, epochs=6.0, lr=1e-2, eval_every=1))
    logp, _ = backend.gold_log_probs("prior", suite, 0, null_input=True)
    p_yes = np.where([ex.label == "yes" for ex in task.test], np.exp(logp), 1 - np.exp(logp))
    assert np.ptp(p_yes) < 1e-4  # the input is empty: one distribution for every instance
    assert abs(float(p_yes[0]) - share) < 0.05
