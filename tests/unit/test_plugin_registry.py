"""The plug-in registry shared by backends, estimators, grouping searches, metrics and
suites."""

from __future__ import annotations

import re

import pytest

from taskaffinity import Registry
from taskaffinity.affinity import available as estimators
from taskaffinity.backends import available as backends
from taskaffinity.errors import InputError
from taskaffinity.grouping import SEARCHES, available_searches


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
    assert "milp_select" in available_searches("select")
    assert "milp_select" not in available_searches("partition")


def test_values_aliases_and_names() -> None:
    reg: Registry = Registry("gadget", field="gadget")
    entry = {"x": 1}
    assert reg.add("new_name", entry) is entry
    reg.alias("old-name", "new_name")
    assert list(reg) == ["new_name"] and "old-name" not in reg
    assert dict(reg.aliases) == {"old-name": "new_name"}
    with pytest.warns(DeprecationWarning, match="gadget 'old-name' is deprecated; use 'new_name'"):
        assert reg.lookup("old-name") is entry
    with pytest.warns(DeprecationWarning):
        assert reg.resolve("old-name") == "new_name"
    assert reg.resolve("new_name") == "new_name"
    with pytest.raises(ValueError, match="already registered"):
        reg.add("new_name", {"y": 2})
    reg.add("new_name", {"y": 2}, replace=True)
    assert reg.lookup("new_name") == {"y": 2}
    with pytest.raises(ValueError, match="deprecated name"):
        reg.add("old-name", 3)
    with pytest.raises(ValueError, match="snake_case"):
        reg.add("kebab-case", 3)
    with pytest.raises(ValueError, match="snake_case"):
        reg.register("CamelCase")
    with pytest.raises(ValueError, match="unregistered"):
        reg.alias("gone", "missing")
    reg.add("b_first", 0)
    assert reg.in_registration_order() == [{"y": 2}, 0] and list(reg) == ["b_first", "new_name"]
    assert reg.pop("new_name") == {"y": 2} and reg.pop("new_name", None) is None
    assert dict(reg.aliases) == {}
    with pytest.raises(InputError, match="unknown gadget 'old-name'"):
        reg.lookup("old-name")


def test_every_plugin_kind_uses_the_registry() -> None:
    from taskaffinity.affinity import ESTIMATORS
    from taskaffinity.backends import BACKENDS
    from taskaffinity.metrics import METRICS
    from taskaffinity.suites import SUITES

    for reg in (BACKENDS, ESTIMATORS, SEARCHES, METRICS, SUITES):
        assert isinstance(reg, Registry)
        assert all(re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", n) for n in reg.names())
    assert {"zh_classical", "en_text"} <= set(SUITES)
    assert {"accuracy", "macro_f1"} <= set(METRICS.names(kind="classification"))
    assert METRICS.names(kind="tagging") == ["span_f1", "tag_f1"]
