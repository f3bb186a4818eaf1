"""The report's "Setup" section: what a reader needs to judge a study's numbers (study
name, suite, backend, model, the hyperparameters that differ from the backend's defaults,
seeds, the run design, each task's metric and test size)."""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from taskaffinity.report._section import ReportSection
from taskaffinity.report._tables import html_table

if TYPE_CHECKING:
    from taskaffinity.study import StudyData

__all__ = ["changed_hyperparameters", "setup_section"]


def _default(f: dataclasses.Field) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return dataclasses.MISSING


def changed_hyperparameters(study: StudyData) -> tuple[dict[str, Any], str | None]:
    """``({name: value} of the backend's hyperparameters that differ from its defaults,
    the model name or None)``. The backend is built from the config (nothing is loaded);
    when it cannot be built, the hyperparameters set in the config are returned as they
    are."""
    params = dict(study.config.backend.params)
    try:
        from taskaffinity.study import make_backend

        backend = make_backend(study.config)
    except Exception:  # a plug-in that is not importable here: show what the config sets
        return params, params.get("model")
    obj = getattr(backend, "config", backend)
    if not dataclasses.is_dataclass(obj):
        return params, params.get("model")
    changed = {}
    for f in dataclasses.fields(obj):
        if f.name == "base_dir":  # where the config's relative paths start, not a setting
            continue
        value, default = getattr(obj, f.name), _default(f)
        if (default is dataclasses.MISSING and f.name in params) or (
            default is not dataclasses.MISSING and value != default
        ):
            changed[f.name] = value
    return changed, getattr(obj, "model", None) or params.get("model")


def _design(study: StudyData) -> str:
    plan = study.config.plan
    if plan.active is not None:
        a = plan.active
        return (
            f"an active plan: every task alone, all tasks together and a space-filling start, "
            f"then rounds of {a.get('batch') or 'half the tasks'} combination(s) chosen by "
            f"the {a['predictor']} predictor (Thompson sampling), at most {a['max_runs']} "
            f"combinations, until {a['until']} (plan seed {a['seed']})"
        )
    parts = [
        name
        for name, on in (
            ("every task alone", plan.singles),
            ("every pair", plan.pairs),
            ("all tasks together", plan.all),
        )
        if on
    ]
    if plan.groups:
        parts.append(f"{len(plan.groups)} explicit group(s)")
    streams = study.config.backend.params.get("random_streams")
    text = ", ".join(parts) or "explicit runs only"
    if streams == "per_task":
        text += (
            "; paired design (a task's head and batch order are the same in its single "
            "and joint runs of a seed)"
        )
    return text


def setup_section(
    study: StudyData, metrics: Mapping[str, str], test_sizes: Mapping[str, int]
) -> ReportSection:
    """The "Setup" section (anchor ``setup``) of ``study``; ``metrics``: task -> main
    metric; ``test_sizes``: task -> number of test examples."""
    cfg = study.config
    changed, model = changed_hyperparameters(study)
    hyper = ", ".join(f"{k} = {v}" for k, v in changed.items()) or "all at their defaults"
    facts = [
        ("study", cfg.name),
        ("suite", cfg.suite or "tasks of the config"),
        ("backend", cfg.backend.name),
        ("model", model or "the backend's own"),
        ("hyperparameters differing from the defaults", hyper),
        ("seeds", ", ".join(str(s) for s in study.seeds) or "none complete"),
        ("run design", _design(study)),
        ("runs stored", f"{len(study.complete)} complete of {len(study.results)}"),
    ]
    items = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(str(v))}</dd>" for k, v in facts)
    tasks = html_table(
        ("task", "metric", "test examples"),
        [(t, metrics.get(t, ""), test_sizes.get(t)) for t in metrics],
    )
    return ReportSection(
        "Setup",
        f'<dl class="setup">{items}</dl><div class="tablewrap">{tasks}</div>',
        anchor="setup",
    )
