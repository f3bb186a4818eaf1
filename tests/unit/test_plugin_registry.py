"""The plug-in registry shared by backends, estimators and grouping searches."""

from __future__ import annotations

import pytest

from taskaffinity._registry import Registry
from taskaffinity.affinity import available as estimators
from taskaffinity.backends import available as backends
from taskaffinity.errors import InputError
from taskaffinity.grouping import available_searches


def test_register_lookup_and_filter() -> None:
    reg: Registry = Registry("widget", field="widget")

    @reg.register("b", exact=False)
    class B:
        pass

    @reg.register("a", exact=True)
    class A:
        pass

    assert list(reg) == ["a", "b"] and len(reg) == 2 and "a" in reg and "c" not in reg
    assert reg.lookup("a") is A and A.name == "a" and A.exact is True
    assert reg.names(exact=False) == ["b"]
    with pytest.raises(
        InputError, match=r"field 'widget': unknown widget 'c'; choose one of \['a', 'b'\]"
    ):
        reg.lookup("c")
    with pytest.raises(ValueError, match="already registered"):

        @reg.register("a")
        class Other:
            pass

    reg.register("a", exact=True)(A)  # the same class again (a reload): allowed
    assert reg.lookup("a") is A


def test_built_in_plugins_are_registered() -> None:
    assert {"scratch", "encoder", "lora"} <= set(backends())
    assert {"pvi", "tag", "gradient_cosine"} <= set(estimators())
    assert "milp-select" in available_searches("select")
    assert "milp-select" not in available_searches("partition")
