"""An estimator run on a backend without the capability it needs is a clear error naming
the estimator and the capability, not an AttributeError from inside the estimator."""

from __future__ import annotations

import pytest

from taskaffinity.affinity import Budget, run_estimator
from taskaffinity.errors import InputError
from taskaffinity.testing import ToyBackend, toy_suite


@pytest.mark.parametrize(
    ("method", "capability"), [("tag", "train_with_probe"), ("pvi", "gold_log_probs")]
)
def test_missing_capability_names_estimator_and_capability(method: str, capability: str) -> None:
    with pytest.raises(
        InputError, match=rf"'{method}' needs the backend capability '{capability}'"
    ):
        run_estimator(method, toy_suite(), ToyBackend(), Budget())
