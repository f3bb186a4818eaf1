"""Config fields with help text and a declared constraint (``taskaffinity._fields``)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from taskaffinity import Constraint, check_fields, help_texts, option
from taskaffinity.errors import InputError


@dataclass
class Settings:
    steps: int | None = option(None, "step cap", kind=int, gt=0, nullable=True)
    rate: float = option(0.1, "a share", kind=float, ge=0, lt=1)
    decay: float = option(0.0, "decay", kind=float, ge=0)
    pooling: str = option("mean", "pooling", choices=("mean", "cls"))
    on: bool = option(True, "switch", kind=bool, message="must be true or false")
    free: str = option("x", "no constraint")

    def __post_init__(self) -> None:
        check_fields(self, prefix="ex.")


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"steps": 0}, "ex.steps", "must be a positive integer or null, got 0"),
        ({"steps": True}, "ex.steps", "must be a positive integer or null, got True"),
        ({"rate": 1.0}, "ex.rate", "must be in [0, 1), got 1.0"),
        ({"rate": float("nan")}, "ex.rate", "must be in [0, 1), got nan"),
        ({"decay": -1}, "ex.decay", "must be >= 0, got -1"),
        ({"pooling": "max"}, "ex.pooling", "must be 'mean' or 'cls', got 'max'"),
        ({"on": 1}, "ex.on", "must be true or false"),
    ],
)
def test_a_broken_constraint_names_the_field(kwargs, field, message) -> None:
    with pytest.raises(InputError) as info:
        Settings(**kwargs)
    assert (info.value.field, info.value.message) == (field, message)


def test_valid_values_pass_and_help_is_kept() -> None:
    Settings(steps=None, rate=0, decay=2, pooling="cls", on=False, free="")
    assert help_texts(Settings)["rate"] == "a share"
    assert Constraint(kind=int, ge=0).describe() == "an integer >= 0"
    assert Constraint(kind=float, gt=0).describe() == "a positive number"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"decay": float("inf")}, "ex.decay"),
        ({"decay": float("nan")}, "ex.decay"),
        ({"steps": 2.0}, "ex.steps"),
        ({"steps": float("inf")}, "ex.steps"),
    ],
)
def test_numbers_must_be_finite_and_integers_integral(kwargs, field) -> None:
    with pytest.raises(InputError) as info:
        Settings(**kwargs)
    assert info.value.field == field


def test_an_unbounded_number_is_still_finite() -> None:
    @dataclass
    class Free:
        x: float = option(0.0, "any real number", kind=float)

        def __post_init__(self) -> None:
            check_fields(self)

    Free(x=-1e300)
    with pytest.raises(InputError, match="finite"):
        Free(x=float("-inf"))
