"""subsample_splits: at most N examples of chosen splits, chosen by a hash of the task's
name, the split and the example; deterministic, kept in order, the label set unchanged."""

from __future__ import annotations

from taskaffinity.tasks import Example, Task, subsample_splits


def _task(name: str = "t", n: int = 50) -> Task:
    def split(tag: str, k: int) -> tuple[Example, ...]:
        return tuple(Example(text=f"{tag}{i}", label="xyz"[i % 3]) for i in range(k))

    return Task(
        name, "classification", "basic", "accuracy", split("a", n), split("b", 20), split("c", 8)
    )


def test_at_most_n_examples_in_their_order_and_the_rest_whole() -> None:
    task = _task()
    cut = subsample_splits(task, {"train": 10, "test": 100})
    assert len(cut.train) == 10 and cut.dev == task.dev and cut.test == task.test
    positions = [task.train.index(e) for e in cut.train]
    assert positions == sorted(positions) and positions != list(range(10))  # not the first 10
    assert cut.labels == task.labels and cut.name == task.name
    assert cut.fingerprint != task.fingerprint
    assert subsample_splits(task, {"test": 8}) is task  # nothing to cut


def test_the_choice_is_deterministic_and_keyed_by_the_task_name_and_split() -> None:
    a = subsample_splits(_task(), {"train": 10, "dev": 5})
    b = subsample_splits(_task(), {"train": 10, "dev": 5})
    assert (a.train, a.dev) == (b.train, b.dev) and a.fingerprint == b.fingerprint
    other = subsample_splits(_task("u"), {"train": 10})
    assert {e.text for e in other.train} != {e.text for e in a.train}


def test_a_larger_cap_keeps_the_examples_of_a_smaller_one() -> None:
    small = subsample_splits(_task(), {"train": 5}).train
    large = subsample_splits(_task(), {"train": 20}).train
    assert set(small) <= set(large)
