"""Budget: validation, time cap, step caps and the cost fraction."""

from __future__ import annotations

import pytest
from _fake import FakeBackend
from test_probes import _suite
from test_pvi import _fake_logp

from taskaffinity.affinity import Budget, BudgetExceeded, compute_pvi, cost_fraction, with_max_steps
from taskaffinity.errors import InputError
from taskaffinity.types import Cost


def test_budget_validates():
    with pytest.raises(InputError, match="max_steps"):
        Budget(max_steps=0)
    with pytest.raises(InputError, match="max_seconds"):
        Budget(max_seconds=-1.0)


def test_time_cap_stops_between_runs():
    backend = FakeBackend(logp=_fake_logp())  # every run reports 0.25 s
    with pytest.raises(BudgetExceeded):
        compute_pvi(_suite(("a", "b")), backend, budget=Budget(max_seconds=0.3))
    assert len(backend.calls) == 2


def test_cost_fraction_uses_steps_then_seconds():
    assert cost_fraction(Cost(10.0, 50, 0), Cost(100.0, 1000, 0)) == pytest.approx(0.05)
    assert cost_fraction(Cost(10.0, 0, 0), Cost(100.0, 0, 0)) == pytest.approx(0.1)
    assert cost_fraction(Cost(10.0, 5, 0), None) is None


def test_with_max_steps_copies_and_caps(backend):
    capped = with_max_steps(backend, 7)
    assert capped.config.max_steps == 7 and backend.config.max_steps is None
    assert with_max_steps(capped, 100).config.max_steps == 7
    assert with_max_steps(backend, None) is backend


def test_probe_budget_below_one_period_is_a_clear_error(suite, backend):
    from taskaffinity.affinity import get_estimator

    with pytest.raises(BudgetExceeded, match="probe period"):
        get_estimator("tag", every=10).estimate(suite, backend, Budget(max_steps=5))
