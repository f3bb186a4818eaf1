"""The malformed-input battery: bad configs, task files, score tables and command-line
arguments, each given to the real CLI, which must refuse it cleanly.

A :class:`Case` is a folder of files (a good study over two small JSONL tasks, with some
files replaced or added) and the arguments of one ``taskaffinity`` command, ``{d}``
standing for the folder. :func:`run_case` runs it and returns an :class:`Outcome`: the
command must exit with status 2, print no traceback (and not end in click's
``Aborted!``), create no ``study.sqlite`` and no output folder, and its message must name
the file, and where the case names one, the line (``file:LINE:``) and the field
(``field 'x'``, or the option ``--x`` for an argument). :func:`table` sums the outcomes
per area (docs/benchmarks/validation.md; ``benchmarks/validation_battery.py`` prints it).
"""

from __future__ import annotations

import gzip
import io
import json
import re
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["CASES", "Case", "Outcome", "invoke_cli", "invoke_subprocess", "run_case", "table"]

# ---------------------------------------------------------------------------------------
# the good study every case starts from


def _rows(task: str, split: str, n: int) -> list[dict]:
    return [{"text": f"{task} {split} {i}", "label": "xy"[i % 2]} for i in range(n)]


def _jsonl(rows: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def _tags(split: str, n: int) -> list[dict]:
    return [
        {"tokens": f"p{split}{i}", "tags": ["O"] * (len(f"{split}{i}")) + ["E"]} for i in range(n)
    ]


SIZES = {"train": 8, "dev": 4, "test": 4}
BASE_FILES: dict[str, str | bytes] = {
    f"{t}.{s}.jsonl": _jsonl(_rows(t, s, n)) for t in ("a", "b") for s, n in SIZES.items()
}
BASE_FILES.update({f"p.{s}.jsonl": _jsonl(_tags(s, n)) for s, n in SIZES.items()})

TOY = "{name: 'taskaffinity.testing:ToyBackend', dim: 4}"
CONFIG = f"""\
name: battery
tasks:
  - name: a
    kind: classification
    metric: accuracy
    data: {{train: a.train.jsonl, dev: a.dev.jsonl, test: a.test.jsonl}}
  - name: b
    kind: classification
    metric: accuracy
    data: {{train: b.train.jsonl, dev: b.dev.jsonl, test: b.test.jsonl}}
backend: {TOY}
plan: {{singles: true, pairs: false, all: false}}
seeds: [0]
executor: {{kind: local, workers: 1}}
"""
SCRATCH = "backend: {name: scratch, epochs: 1, d_model: 8, heads: 2, ff_dim: 8, max_len: 8}"


def config(*edits: tuple[str, str], extra: str = "") -> str:
    """:data:`CONFIG` with each ``(old, new)`` replaced once and ``extra`` appended."""
    text = CONFIG
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text + extra


def scratch(option: str) -> str:
    """The config on a tiny ``scratch`` backend with ``option`` (``key: value``) set."""
    key = option.split(":")[0]
    items = [i for i in SCRATCH[len("backend: {") : -1].split(", ") if not i.startswith(key + ":")]
    return config((f"backend: {TOY}", "backend: {" + ", ".join([*items, option]) + "}"))


def task_b(text: str) -> str:
    """The config with task ``b``'s definition (its four lines) replaced by ``text``."""
    old = (
        "  - name: b\n    kind: classification\n    metric: accuracy\n"
        "    data: {train: b.train.jsonl, dev: b.dev.jsonl, test: b.test.jsonl}\n"
    )
    return config((old, text))


IN_B = ("  - name: b", "data:")  # the line of task b's data
B_DATA = "    data: {train: b.train.jsonl, dev: b.dev.jsonl, test: b.test.jsonl}\n"
P_DATA = "    data: {train: p.train.jsonl, dev: p.dev.jsonl, test: p.test.jsonl}\n"


def _gz(text: str) -> bytes:
    return gzip.compress(text.encode("utf-8"))


def _parquet(rows: list[dict]) -> bytes:
    import pandas as pd

    buf = io.BytesIO()
    pd.DataFrame(rows).to_parquet(buf)
    return buf.getvalue()


# ---------------------------------------------------------------------------------------
# cases


@dataclass(frozen=True)
class Case:
    """One malformed input: ``files`` (relative path -> content) added to or replacing the
    good study's, ``argv`` the command (``{d}`` = the case folder); the message must name
    ``file`` (a path relative to the folder), ``line`` (a number; a text standing for the
    first line of ``file`` that holds it; ``(after, text)``: the first line holding ``text``
    after the first holding ``after``) and ``field`` (``--x`` for a CLI option)."""

    name: str
    area: str
    files: dict[str, str | bytes]
    argv: tuple[str, ...]
    file: str | None = None
    line: int | str | tuple[str, str] | None = None
    field: str | None = None
    subprocess: bool = False


RUN = ("run", "{d}/study.yaml", "--out", "{d}/out")
CASES: list[Case] = []


def _add(area: str, name: str, files: dict, argv: Sequence[str] = RUN, **where) -> None:
    CASES.append(Case(name, area, dict(files), tuple(argv), **where))


def conf(name: str, text: str, line: int | str | None, field: str | None, **kw) -> None:
    """A config case: ``text`` as study.yaml, run with ``taskaffinity run``."""
    _add("config", name, {"study.yaml": text}, file="study.yaml", line=line, field=field, **kw)


# -- config: YAML itself
conf("duplicate top-level key", config(extra="seeds: [5]\n"), "seeds: [5]", "seeds")
conf(
    "duplicate backend option",
    config((f"backend: {TOY}", "backend:\n  name: scratch\n  epochs: 1\n  epochs: 2")),
    "epochs: 2",
    "backend.epochs",
)
conf(
    "duplicate key in a task",
    config(("    metric: accuracy\n", "    metric: accuracy\n    metric: macro_f1\n")),
    "metric: macro_f1",
    "tasks[0].metric",
)
conf(
    "duplicate plan key",
    config(("plan: {singles: true,", "plan: {singles: true, singles: false,")),
    "plan:",
    "plan.singles",
)
conf("not YAML", config(("seeds: [0]", "seeds: [0")), "executor", None)
conf("bad indentation", config(("  - name: b\n", " - name: b\n")), None, None)
conf("not a mapping", "- a\n- b\n", None, None)
conf("empty file", "", None, None)
conf("not UTF-8", config(("name: battery", "name: batt\xe9ry")).encode("latin-1"), 1, None)
conf("unknown top-level key", config(extra="sedes: [1]\n"), "sedes", "sedes")
conf("suite and tasks", config(extra="suite: zh_classical\n"), "suite:", "suite")
conf("neither suite nor tasks", "name: x\nseeds: [0]\n", None, "suite")
conf("name is a list", config(("name: battery", "name: [a, b]")), 1, "name")
conf("name is empty", config(("name: battery", "name: ''")), 1, "name")
conf("base_dir is a number", config(extra="base_dir: 5\n"), "base_dir", "base_dir")
# -- config: seeds
conf("seeds empty", config(("seeds: [0]", "seeds: []")), "seeds:", "seeds")
conf("seed negative", config(("seeds: [0]", "seeds: [-1]")), "seeds:", "seeds[0]")
conf("seed fractional", config(("seeds: [0]", "seeds: [0.5]")), "seeds:", "seeds[0]")
conf("seed boolean", config(("seeds: [0]", "seeds: [0, true]")), "seeds:", "seeds[1]")
conf("seed NaN", config(("seeds: [0]", "seeds: [.nan]")), "seeds:", "seeds[0]")
conf("seed text", config(("seeds: [0]", "seeds: [zero]")), "seeds:", "seeds[0]")
conf("seeds repeated", config(("seeds: [0]", "seeds: [1, 1]")), "seeds:", "seeds")
conf("seeds a mapping", config(("seeds: [0]", "seeds: {a: 1}")), "seeds:", "seeds")
conf(
    "seed too large", config(("seeds: [0]", "seeds: [99999999999999999999]")), "seeds:", "seeds[0]"
)
# -- config: plan
conf(
    "empty plan",
    config(
        (
            "plan: {singles: true, pairs: false, all: false}",
            "plan: {singles: false, pairs: false, all: false}",
        )
    ),
    "plan:",
    "plan",
)
conf("plan flag is 1", config(("singles: true", "singles: 1")), "plan:", "plan.singles")
conf("plan flag is text", config(("pairs: false", "pairs: no way")), "plan:", "plan.pairs")
conf("plan unknown key", config(("all: false}", "all: false, every: true}")), "plan:", "plan.every")
conf(
    "plan is a list",
    config(("plan: {singles: true, pairs: false, all: false}", "plan: [a, b]")),
    "plan:",
    "plan",
)
conf(
    "plan group unknown task",
    config(("all: false}", "all: false, groups: [[a, zz]]}")),
    "plan:",
    "plan.groups[0][1]",
)
conf(
    "plan group repeats a task",
    config(("all: false}", "all: false, groups: [[a, a]]}")),
    "plan:",
    "plan.groups[0]",
)
conf(
    "plan group empty",
    config(("all: false}", "all: false, groups: [[]]}")),
    "plan:",
    "plan.groups[0]",
)
conf(
    "plan group not a list",
    config(("all: false}", "all: false, groups: [a]}")),
    "plan:",
    "plan.groups[0]",
)
conf(
    "plan group task number",
    config(("all: false}", "all: false, groups: [[a, 3]]}")),
    "plan:",
    "plan.groups[0][1]",
)
conf(
    "plan groups a string",
    config(("all: false}", "all: false, groups: 'a,b'}")),
    "plan:",
    "plan.groups",
)
conf(
    "adaptive max_seeds 0",
    config(("all: false}", "all: false, adaptive: {max_seeds: 0}}")),
    "plan:",
    "plan.adaptive.max_seeds",
)
conf(
    "adaptive max_seeds bool",
    config(("all: false}", "all: false, adaptive: {max_seeds: true}}")),
    "plan:",
    "plan.adaptive.max_seeds",
)
conf(
    "adaptive until unknown",
    config(("all: false}", "all: false, adaptive: {max_seeds: 2, until: never}}")),
    "plan:",
    "plan.adaptive.until",
)
conf(
    "adaptive unknown key",
    config(("all: false}", "all: false, adaptive: {max_seeds: 2, seeds: 3}}")),
    "plan:",
    "plan.adaptive",
)
# -- config: executor
conf("executor kind unknown", config(("kind: local", "kind: slurm")), "executor", "executor.kind")
conf("executor workers 0", config(("workers: 1", "workers: 0")), "executor", "executor.workers")
conf(
    "executor workers negative",
    config(("workers: 1", "workers: -3")),
    "executor",
    "executor.workers",
)
conf(
    "executor workers fractional",
    config(("workers: 1", "workers: 2.5")),
    "executor",
    "executor.workers",
)
conf(
    "executor workers bool", config(("workers: 1", "workers: true")), "executor", "executor.workers"
)
conf(
    "executor cpus negative",
    config(("workers: 1", "workers: 1, cpus_per_run: -1")),
    "executor",
    "executor.cpus_per_run",
)
conf(
    "executor cpus NaN",
    config(("workers: 1", "workers: 1, cpus_per_run: .nan")),
    "executor",
    "executor.cpus_per_run",
)
conf(
    "executor gpus infinite",
    config(("workers: 1", "workers: 1, gpus_per_run: .inf")),
    "executor",
    "executor.gpus_per_run",
)
conf(
    "executor address number",
    config(("workers: 1", "workers: 1, address: 5")),
    "executor",
    "executor.address",
)
conf(
    "executor unknown key",
    config(("workers: 1", "workers: 1, nodes: 3")),
    "executor",
    "executor.nodes",
)
# -- config: backend
conf(
    "backend unknown",
    config((f"backend: {TOY}", "backend: {name: nope}")),
    "backend",
    "backend.name",
)
conf(
    "backend name number",
    config((f"backend: {TOY}", "backend: {name: 3}")),
    "backend",
    "backend.name",
)
conf("backend a string", config((f"backend: {TOY}", "backend: scratch")), "backend", "backend")
conf(
    "backend plug-in missing",
    config((f"backend: {TOY}", "backend: {name: 'nomodule_xyz:Factory'}")),
    "backend",
    "backend",
)
conf(
    "backend plug-in bad option",
    config((f"backend: {TOY}", "backend: {name: 'taskaffinity.testing:ToyBackend', size: 3}")),
    "backend",
    "backend",
)
for option, fld in [
    ("lr: .nan", "lr"),
    ("lr: -1", "lr"),
    ("lr: fast", "lr"),
    ("weight_decay: .nan", "weight_decay"),
    ("epochs: .inf", "epochs"),
    ("epochs: 0", "epochs"),
    ("batch_size: 2.5", "batch_size"),
    ("batch_size: true", "batch_size"),
    ("eval_batch_size: 0.5", "eval_batch_size"),
    ("min_steps: true", "min_steps"),
    ("min_steps: -2", "min_steps"),
    ("max_steps: 0", "max_steps"),
    ("warmup: 1.0", "warmup"),
    ("dropout: -0.1", "dropout"),
    ("temperature: .inf", "temperature"),
    ("eval_every: 1.5", "eval_every"),
    ("threads: 0", "threads"),
    ("device: ''", "device"),
    ("random_streams: bogus", "random_streams"),
    ("heads: 3", "heads"),
    ("d_model: 8.0", "d_model"),
    ("optimizer: sgd", "optimizer"),
]:
    conf(f"scratch {option}", scratch(option), "backend", f"backend.{fld}")
conf(
    "encoder model missing",
    config((f"backend: {TOY}", "backend: {name: encoder, model: /nonexistent/encoder-model}")),
    "backend",
    "backend.model",
)
conf(
    "lora model missing",
    config((f"backend: {TOY}", "backend: {name: lora, model: ./missing-lm}")),
    "backend",
    "backend.model",
)
conf(
    "lora answer longer than input",
    config((f"backend: {TOY}", "backend: {name: lora, max_len: 16, max_new_tokens: 16}")),
    "backend",
    "backend.max_new_tokens",
)
# -- config: suites
conf("suite unknown", "name: x\nsuite: no_such_suite\nseeds: [0]\n", 2, "suite")
conf("suite_tasks unknown", "name: x\nsuite: zh_classical\nsuite_tasks: [nope]\n", 3, "suite_tasks")
conf("suite_tasks empty", "name: x\nsuite: zh_classical\nsuite_tasks: []\n", 3, "suite_tasks")
conf("suite plug-in missing", "name: x\nsuite: 'nomodule_xyz:load'\n", 2, "suite")
# -- config: max_examples and tasks_from (LLaMA-Factory datasets)
conf(
    "max_examples zero",
    config(extra="max_examples: {train: 0}\n"),
    "max_examples",
    "max_examples.train",
)
conf(
    "max_examples negative",
    config(extra="max_examples: {dev: -1}\n"),
    "max_examples",
    "max_examples.dev",
)
conf(
    "max_examples text",
    config(extra="max_examples: {test: x}\n"),
    "max_examples",
    "max_examples.test",
)
conf(
    "max_examples unknown split",
    config(extra="max_examples: {validation: 5}\n"),
    "max_examples",
    "max_examples.validation",
)
conf("max_examples a number", config(extra="max_examples: 100\n"), "max_examples", "max_examples")
LF_ROWS = [{"instruction": "q", "input": f"i{i}", "output": "xy"[i % 2]} for i in range(12)]
LF_INFO = (
    '{\n  "lf": {"file_name": "lf.json"},\n'
    '  "chat": {"file_name": "lf.json", "formatting": "sharegpt"}\n}\n'
)
LF_FILES = {"lf/dataset_info.json": LF_INFO, "lf/lf.json": json.dumps(LF_ROWS, indent=2)}


def lf_config(datasets: str = "[lf]", source: str = "lf") -> str:
    """The config with LLaMA-Factory datasets beside its tasks."""
    return config(extra=f"tasks_from:\n  llamafactory: {source}\n  datasets: {datasets}\n")


_add(
    "config",
    "tasks_from dataset absent",
    {**LF_FILES, "study.yaml": lf_config("[lf, poet]")},
    file="study.yaml",
    line="  datasets:",
    field="tasks_from.datasets[1]",
)
_add(
    "config",
    "tasks_from folder without dataset_info.json",
    {"nolf/x.json": "[]", "study.yaml": lf_config(source="nolf")},
    file="study.yaml",
    line="  llamafactory:",
    field="tasks_from.llamafactory",
)
_add(
    "config",
    "tasks_from labels one",
    {**LF_FILES, "study.yaml": lf_config("[{name: lf, labels: [x]}]")},
    file="study.yaml",
    line="  datasets:",
    field="tasks_from.datasets[0].labels",
)
_add(
    "config",
    "tasks_from unknown key",
    {**LF_FILES, "study.yaml": config(extra="tasks_from: {llamafactory: lf, sets: [lf]}\n")},
    file="study.yaml",
    line="tasks_from:",
    field="tasks_from.sets",
)
# -- config: task definitions
conf(
    "tasks empty",
    config(extra="").replace(
        CONFIG[CONFIG.index("tasks:") : CONFIG.index("backend:")], "tasks: []\n"
    ),
    "tasks:",
    "tasks",
)
conf(
    "tasks a string",
    config(extra="").replace(
        CONFIG[CONFIG.index("tasks:") : CONFIG.index("backend:")], "tasks: a\n"
    ),
    "tasks:",
    "tasks",
)
conf("task a number", task_b("  - 3\n"), "  - 3", "tasks[1]")
conf(
    "task without name",
    task_b("  - kind: classification\n" + B_DATA),
    "kind: classification\n" + B_DATA,
    "tasks[1].name",
)
conf("task name number", task_b("  - name: 5\n" + B_DATA), "name: 5", "tasks[1].name")
conf(
    "task name repeated",
    task_b("  - name: a\n" + B_DATA),
    "  - name: a\n" + B_DATA,
    "tasks[1].name",
)
conf(
    "task kind unknown",
    task_b("  - name: b\n    kind: regression\n" + B_DATA),
    "regression",
    "tasks[1].kind",
)
conf(
    "task unknown key", task_b("  - name: b\n    weight: 2\n" + B_DATA), "weight", "tasks[1].weight"
)
conf(
    "task metric unknown", task_b("  - name: b\n    metric: f2\n" + B_DATA), "f2", "tasks[1].metric"
)
conf(
    "task metric of tagging",
    task_b("  - name: b\n    metric: tag_f1\n" + B_DATA),
    "tag_f1",
    "tasks[1].metric",
)
conf(
    "task metric of generation",
    task_b("  - name: b\n    metric: bleu\n" + B_DATA),
    "bleu",
    "tasks[1].metric",
)
conf(
    "task metric a list",
    task_b("  - name: b\n    metric: [accuracy]\n" + B_DATA),
    "[accuracy]",
    "tasks[1].metric",
)
conf(
    "task category a dict",
    task_b("  - name: b\n    category: {x: 1}\n" + B_DATA),
    "category",
    "tasks[1].category",
)
conf(
    "task instruction a list",
    task_b("  - name: b\n    instruction: [a]\n" + B_DATA),
    "instruction",
    "tasks[1].instruction",
)
conf(
    "task fields unknown role",
    task_b("  - name: b\n    fields: {txt: x}\n" + B_DATA),
    "fields",
    "tasks[1].fields",
)
conf(
    "task fields a string",
    task_b("  - name: b\n    fields: text\n" + B_DATA),
    "fields",
    "tasks[1].fields",
)
conf(
    "task fields column a list",
    task_b("  - name: b\n    fields: {text: [a]}\n" + B_DATA),
    "fields",
    "tasks[1].fields.text",
)
conf("task without data", task_b("  - name: b\n"), "  - name: b", "tasks[1].data")
conf("task data a path", task_b("  - name: b\n    data: b.train.jsonl\n"), IN_B, "tasks[1].data")
conf(
    "task data one split",
    task_b("  - name: b\n    data: {train: b.train.jsonl}\n"),
    IN_B,
    "tasks[1].data",
)
conf(
    "task data path a list",
    task_b(
        "  - name: b\n    data: {train: [b.train.jsonl], dev: b.dev.jsonl, test: b.test.jsonl}\n"
    ),
    IN_B,
    "tasks[1].data.train",
)
conf(
    "task split ratios missing",
    task_b("  - name: b\n    data: {path: b.train.jsonl}\n"),
    IN_B,
    "tasks[1].data.split",
)
conf(
    "task split ratio zero",
    task_b(
        "  - name: b\n    data: {path: b.train.jsonl, split: {train: 0.8, dev: 0, test: 0.2}}\n"
    ),
    IN_B,
    "tasks[1].data.split.dev",
)
conf(
    "task split ratio NaN",
    task_b(
        "  - name: b\n    data: {path: b.train.jsonl, split: {train: .nan, dev: 0.1, test: 0.1}}\n"
    ),
    IN_B,
    "tasks[1].data.split.train",
)
conf(
    "task split ratio text",
    task_b(
        "  - name: b\n    data: {path: b.train.jsonl, split: {train: a, dev: 0.1, test: 0.1}}\n"
    ),
    IN_B,
    "tasks[1].data.split.train",
)
conf(
    "task split seed fractional",
    task_b(
        "  - name: b\n    data: {path: b.train.jsonl,"
        " split: {train: 0.8, dev: 0.1, test: 0.1, seed: 1.5}}\n"
    ),
    IN_B,
    "tasks[1].data.split.seed",
)
conf(
    "task split unknown key",
    task_b(
        "  - name: b\n    data: {path: b.train.jsonl,"
        " split: {train: 0.8, dev: 0.1, test: 0.1, val: 0.1}}\n"
    ),
    IN_B,
    "tasks[1].data.split",
)
conf(
    "task train file as test",
    task_b(
        "  - name: b\n    data: {train: b.train.jsonl, dev: b.dev.jsonl, test: b.train.jsonl}\n"
    ),
    IN_B,
    "tasks[1].data.test",
)
conf(
    "task dev file as train by another path",
    task_b(
        "  - name: b\n    data: {train: b.train.jsonl, dev: ./b.train.jsonl, test: b.test.jsonl}\n"
    ),
    IN_B,
    "tasks[1].data.dev",
)


def data(
    name: str,
    files: dict,
    file: str,
    line: int | str | None,
    field: str | None,
    text: str | None = None,
    **kw,
) -> None:
    """A task-file case: task ``b`` reads ``files`` (its train/dev/test by default)."""
    cfg = {"study.yaml": text} if text is not None else {}
    _add("task files", name, {**files, **cfg}, file=file, line=line, field=field, **kw)


def _with(rows: list[dict], at: int, row: dict | str) -> str:
    lines = [json.dumps(r, ensure_ascii=False) for r in rows]
    lines.insert(at, row if isinstance(row, str) else json.dumps(row, ensure_ascii=False))
    return "\n".join(lines) + "\n"


TRAIN = _rows("b", "train", 8)
DEV = _rows("b", "dev", 4)
TEST = _rows("b", "test", 4)
data(
    "label a list",
    {"b.train.jsonl": _with(TRAIN, 2, {"text": "t", "label": ["x", "y"]})},
    "b.train.jsonl",
    3,
    "label",
)
data(
    "label a dict",
    {"b.train.jsonl": _with(TRAIN, 0, {"text": "t", "label": {"x": 1}})},
    "b.train.jsonl",
    1,
    "label",
)
data(
    "text a dict",
    {"b.dev.jsonl": _with(DEV, 1, {"text": {"a": "b"}, "label": "x"})},
    "b.dev.jsonl",
    2,
    "text",
)
data(
    "text a list",
    {"b.test.jsonl": _with(TEST, 3, {"text": ["a", "b"], "label": "x"})},
    "b.test.jsonl",
    4,
    "text",
)
data(
    "text null",
    {"b.train.jsonl": _with(TRAIN, 4, {"text": None, "label": "x"})},
    "b.train.jsonl",
    5,
    "text",
)
data(
    "text empty",
    {"b.train.jsonl": _with(TRAIN, 4, {"text": "  ", "label": "x"})},
    "b.train.jsonl",
    5,
    "text",
)
data(
    "label missing", {"b.train.jsonl": _with(TRAIN, 5, {"text": "t"})}, "b.train.jsonl", 6, "label"
)
data(
    "label empty",
    {"b.train.jsonl": _with(TRAIN, 5, {"text": "t", "label": ""})},
    "b.train.jsonl",
    6,
    "label",
)
data(
    "malformed JSON line",
    {"b.train.jsonl": _with(TRAIN, 6, '{"text": "t", "label": ')},
    "b.train.jsonl",
    7,
    None,
)
data("JSON line a list", {"b.dev.jsonl": _with(DEV, 0, '["t", "x"]')}, "b.dev.jsonl", 1, None)
data("JSON line a number", {"b.dev.jsonl": _with(DEV, 2, "42")}, "b.dev.jsonl", 3, None)
data(
    "not UTF-8 JSONL",
    {"b.train.jsonl": _with(TRAIN, 2, '{"text": "caf\xe9", "label": "x"}').encode("latin-1")},
    "b.train.jsonl",
    3,
    None,
)
data(
    "not UTF-8 JSONL late",
    {"b.test.jsonl": _with(TEST, 4, '{"text": "\xff", "label": "x"}').encode("latin-1")},
    "b.test.jsonl",
    5,
    None,
)
data(
    "label unseen in train",
    {"b.dev.jsonl": _with(DEV, 1, {"text": "new", "label": "z"})},
    "b.dev.jsonl",
    2,
    "label",
)
data("empty split file", {"b.dev.jsonl": ""}, "study.yaml", IN_B, "tasks[1].data.dev")
data("blank lines only", {"b.test.jsonl": "\n\n  \n"}, "study.yaml", IN_B, "tasks[1].data.test")
data(
    "missing data file",
    {},
    "study.yaml",
    IN_B,
    "tasks[1].data.train",
    text=task_b(
        "  - name: b\n    data: {train: nope.jsonl, dev: b.dev.jsonl, test: b.test.jsonl}\n"
    ),
)
data(
    "unknown file type",
    {"b.xlsx": "x"},
    "b.xlsx",
    None,
    None,
    text=task_b("  - name: b\n    data: {train: b.xlsx, dev: b.dev.jsonl, test: b.test.jsonl}\n"),
)
data(
    "data path a folder",
    {"sub/x.txt": "x"},
    "sub",
    None,
    None,
    text=task_b("  - name: b\n    data: {train: sub, dev: b.dev.jsonl, test: b.test.jsonl}\n"),
)
data(
    "identical example in train and test",
    {"b.test.jsonl": _with(TEST, 2, TRAIN[5])},
    "b.test.jsonl",
    3,
    "text",
)
data(
    "identical example in dev and test",
    {"b.test.jsonl": _with(TEST, 0, DEV[1])},
    "b.test.jsonl",
    1,
    "text",
)
data(
    "one label only",
    {"b1.jsonl": _jsonl([{"text": f"o{i}", "label": "x"} for i in range(4)])},
    "study.yaml",
    IN_B,
    "tasks[1].data.train",
    text=task_b("  - name: b\n    data: {train: b1.jsonl, dev: b1d.jsonl, test: b1t.jsonl}\n"),
)
CASES[-1].files.update(
    {
        "b1d.jsonl": _jsonl([{"text": "od", "label": "x"}]),
        "b1t.jsonl": _jsonl([{"text": "ot", "label": "x"}]),
    }
)
GZ_CFG = task_b(
    "  - name: b\n    data: {train: b.train.jsonl.gz, dev: b.dev.jsonl, test: b.test.jsonl}\n"
)
data(
    "truncated jsonl.gz",
    {"b.train.jsonl.gz": _gz(_jsonl(TRAIN))[:-12]},
    "b.train.jsonl.gz",
    None,
    None,
    text=GZ_CFG,
)
data(
    "jsonl.gz not gzip",
    {"b.train.jsonl.gz": _jsonl(TRAIN)},
    "b.train.jsonl.gz",
    None,
    None,
    text=GZ_CFG,
)
data(
    "jsonl.gz not UTF-8",
    {
        "b.train.jsonl.gz": gzip.compress(
            _with(TRAIN, 1, '{"text": "\xe9", "label": "x"}').encode("latin-1")
        )
    },
    "b.train.jsonl.gz",
    2,
    None,
    text=GZ_CFG,
)
# tagging
TAG_CFG = task_b("  - name: b\n    kind: tagging\n" + P_DATA)
P_TRAIN = _tags("train", 8)
data(
    "tags a dict",
    {"p.train.jsonl": _with(P_TRAIN, 1, {"tokens": "ab", "tags": {"a": "O"}})},
    "p.train.jsonl",
    2,
    "tags",
    text=TAG_CFG,
)
data(
    "tokens a number",
    {"p.train.jsonl": _with(P_TRAIN, 2, {"tokens": 12, "tags": ["O", "O"]})},
    "p.train.jsonl",
    3,
    "tokens",
    text=TAG_CFG,
)
data(
    "tag a nested list",
    {"p.train.jsonl": _with(P_TRAIN, 3, {"tokens": "ab", "tags": ["O", ["E"]]})},
    "p.train.jsonl",
    4,
    "tags",
    text=TAG_CFG,
)
data(
    "token a dict",
    {"p.train.jsonl": _with(P_TRAIN, 3, {"tokens": ["a", {"b": 1}], "tags": ["O", "E"]})},
    "p.train.jsonl",
    4,
    "tokens",
    text=TAG_CFG,
)
data(
    "tokens and tags lengths",
    {"p.dev.jsonl": _with(_tags("dev", 4), 1, {"tokens": "abc", "tags": ["O", "E"]})},
    "p.dev.jsonl",
    2,
    "tags",
    text=TAG_CFG,
)
data(
    "tokens empty",
    {"p.train.jsonl": _with(P_TRAIN, 0, {"tokens": [], "tags": []})},
    "p.train.jsonl",
    1,
    "tokens",
    text=TAG_CFG,
)
data(
    "tagging file for classification",
    {},
    "p.train.jsonl",
    1,
    "text",
    text=task_b("  - name: b\n" + P_DATA),
)
data(
    "classification file for tagging",
    {},
    "b.train.jsonl",
    1,
    "tokens",
    text=task_b("  - name: b\n    kind: tagging\n" + B_DATA),
)
# CSV / TSV / Parquet
CSV_CFG = task_b("  - name: b\n    data: {train: b.csv, dev: b.dev.jsonl, test: b.test.jsonl}\n")
CSV_GOOD = "text,label\n" + "".join(f"c{i},{'xy'[i % 2]}\n" for i in range(8))
data(
    "CSV not UTF-8",
    {"b.csv": (CSV_GOOD + "caf\xe9,x\n").encode("latin-1")},
    "b.csv",
    10,
    None,
    text=CSV_CFG,
)
data("CSV ragged row", {"b.csv": CSV_GOOD + "c9,x,extra\n"}, "b.csv", 10, None, text=CSV_CFG)
data(
    "CSV missing column",
    {"b.csv": CSV_GOOD.replace("text,label", "sentence,label")},
    "b.csv",
    2,
    "text",
    text=CSV_CFG,
)
data(
    "CSV header only",
    {"b.csv": "text,label\n"},
    "study.yaml",
    IN_B,
    "tasks[1].data.train",
    text=CSV_CFG,
)
data("CSV empty label", {"b.csv": CSV_GOOD + "c9,\n"}, "b.csv", 10, "label", text=CSV_CFG)
data("CSV unclosed quote", {"b.csv": CSV_GOOD + '"c9,x\n'}, "b.csv", 10, None, text=CSV_CFG)
data(
    "TSV not UTF-8",
    {
        "b.tsv": (
            "text\tlabel\n" + "".join(f"c{i}\t{'xy'[i % 2]}\n" for i in range(8)) + "\xe9\tx\n"
        ).encode("latin-1")
    },
    "b.tsv",
    10,
    None,
    text=task_b("  - name: b\n    data: {train: b.tsv, dev: b.dev.jsonl, test: b.test.jsonl}\n"),
)
PQ_CFG = task_b("  - name: b\n    data: {train: b.parquet, dev: b.dev.jsonl, test: b.test.jsonl}\n")
data(
    "Parquet label list cells",
    {"b.parquet": _parquet([{"text": r["text"], "label": [r["label"]]} for r in TRAIN])},
    "b.parquet",
    1,
    "label",
    text=PQ_CFG,
)
data(
    "Parquet text list cells",
    {"b.parquet": _parquet([{"text": r["text"].split(), "label": r["label"]} for r in TRAIN])},
    "b.parquet",
    1,
    "text",
    text=PQ_CFG,
)
data(
    "Parquet text null",
    {"b.parquet": _parquet([*TRAIN[:2], {"text": None, "label": "x"}, *TRAIN[2:]])},
    "b.parquet",
    3,
    "text",
    text=PQ_CFG,
)
data("Parquet corrupt", {"b.parquet": b"PAR1 not really"}, "b.parquet", None, None, text=PQ_CFG)
# LLaMA-Factory datasets and alpaca records
LF_CFG = lf_config()
data(
    "dataset_info.json malformed",
    {**LF_FILES, "lf/dataset_info.json": LF_INFO.replace('"lf.json"},', "},")},
    "lf/dataset_info.json",
    2,
    None,
    text=LF_CFG,
)
data(
    "dataset_info.json key twice",
    {**LF_FILES, "lf/dataset_info.json": LF_INFO.replace('"chat"', '"lf"')},
    "lf/dataset_info.json",
    3,
    "lf",
    text=LF_CFG,
)
data(
    "LLaMA-Factory sharegpt dataset",
    LF_FILES,
    "lf/dataset_info.json",
    3,
    "chat.formatting",
    text=lf_config("[chat]"),
)
data(
    "LLaMA-Factory data file missing",
    {"lf/dataset_info.json": LF_INFO},
    "lf/dataset_info.json",
    2,
    "lf.file_name",
    text=LF_CFG,
)
LF_BAD = [*LF_ROWS[:2], {"instruction": "q", "input": "z"}, *LF_ROWS[2:]]
data(
    "LLaMA-Factory record without output",
    {**LF_FILES, "lf/lf.json": json.dumps(LF_BAD, indent=2)},
    "lf/lf.json",
    12,
    "output",
    text=LF_CFG,
)
data(
    "LLaMA-Factory JSON array malformed",
    {**LF_FILES, "lf/lf.json": json.dumps(LF_ROWS, indent=2).replace('"i3"', "i3")},
    "lf/lf.json",
    ("i2", "i3"),
    None,
    text=LF_CFG,
)
LF_HIST = {
    "lf": {
        "file_name": "lf.json",
        "columns": {"response": "output", "prompt": "instruction", "history": "history"},
    }
}
data(
    "LLaMA-Factory history not pairs",
    {
        "lf/dataset_info.json": json.dumps(LF_HIST),
        "lf/lf.json": json.dumps([*LF_ROWS[:1], {**LF_ROWS[1], "history": ["q a"]}], indent=2),
    },
    "lf/lf.json",
    7,
    "history",
    text=LF_CFG,
)
data(
    "LLaMA-Factory output outside labels",
    LF_FILES,
    "lf/lf.json",
    7,
    "output",
    text=lf_config("[{name: lf, labels: [x, z]}]"),
)
data(
    "alpaca JSONL without instruction",
    {"b.all.jsonl": _jsonl([*LF_ROWS[:4], {"input": "i", "output": "x"}, *LF_ROWS[4:]])},
    "b.all.jsonl",
    5,
    "instruction",
    text=task_b(
        "  - name: b\n    data: {path: b.all.jsonl, format: alpaca,"
        " split: {train: 0.8, dev: 0.1, test: 0.1}}\n"
    ),
)


def tab(
    name: str,
    files: dict,
    argv: Sequence[str],
    file: str | None,
    line: int | str | None,
    field: str | None,
    **kw,
) -> None:
    _add("tables", name, files, argv, file=file, line=line, field=field, **kw)


SQUARE = ",a,b,c\na,0.8,0.82,0.79\nb,0.5,0.6,0.55\nc,0.9,0.91,0.89\n"
AN = ("analyze", "{d}/scores.csv", "--out", "{d}/out")
tab(
    "square not UTF-8",
    {"scores.csv": (SQUARE + "d\xe9,1,2,3\n").encode("latin-1")},
    AN,
    "scores.csv",
    5,
    None,
)
tab(
    "square missing diagonal",
    {"scores.csv": ",a,b,c\na,,0.82,0.79\nb,0.5,,0.55\nc,0.9,0.91,\n"},
    AN,
    "scores.csv",
    2,
    "a",
)
tab(
    "square one diagonal missing",
    {"scores.csv": SQUARE.replace("b,0.5,0.6,", "b,0.5,,")},
    AN,
    "scores.csv",
    3,
    "b",
)
tab("square text cell", {"scores.csv": SQUARE.replace("0.82", "high")}, AN, "scores.csv", 2, "b")
tab("square infinite cell", {"scores.csv": SQUARE.replace("0.82", "inf")}, AN, "scores.csv", 2, "b")
tab(
    "square ragged row",
    {"scores.csv": SQUARE.replace("b,0.5,0.6,0.55", "b,0.5,0.6")},
    AN,
    "scores.csv",
    3,
    "b",
)
tab("square repeated row", {"scores.csv": SQUARE + "a,0.8,0.82,0.79\n"}, AN, "scores.csv", 5, "a")
tab(
    "square unknown row",
    {"scores.csv": SQUARE.replace("c,0.9", "z,0.9")},
    AN,
    "scores.csv",
    4,
    "task",
)
tab(
    "square duplicate column",
    {"scores.csv": SQUARE.replace(",a,b,c", ",a,b,b")},
    AN,
    "scores.csv",
    1,
    None,
)
tab("square empty", {"scores.csv": "\n\n"}, AN, "scores.csv", None, None)
tab("square missing file", {}, AN, "scores.csv", None, None)
LONG = "target,source,seed,score\na,,0,0.8\na,b,0,0.82\nb,,0,0.5\nb,a,0,0.55\n"
tab(
    "long not UTF-8",
    {"scores.csv": (LONG + "b,\xe9,0,0.5\n").encode("latin-1")},
    AN,
    "scores.csv",
    6,
    None,
)
tab(
    "long seed text",
    {"scores.csv": LONG.replace("a,b,0,0.82", "a,b,x,0.82")},
    AN,
    "scores.csv",
    3,
    "seed",
)
tab("long score text", {"scores.csv": LONG.replace("0.82", "good")}, AN, "scores.csv", 3, "score")
tab(
    "long source is target",
    {"scores.csv": LONG.replace("a,b,0,0.82", "a,a,0,0.82")},
    AN,
    "scores.csv",
    3,
    "source",
)
tab("long repeated row", {"scores.csv": LONG + "a,b,0,0.83\n"}, AN, "scores.csv", 6, None)
tab(
    "long target without single", {"scores.csv": LONG + "c,a,0,0.3\n"}, AN, "scores.csv", None, None
)
tab(
    "long ragged row",
    {"scores.csv": LONG.replace("a,b,0,0.82", "a,b,0")},
    AN,
    "scores.csv",
    3,
    None,
)
tab(
    "categories not UTF-8",
    {"scores.csv": SQUARE, "cats.csv": "task,category\na,x\nb,y\nc,\xe9\n".encode("latin-1")},
    (*AN, "--categories", "{d}/cats.csv"),
    "cats.csv",
    4,
    None,
)
tab(
    "categories missing column",
    {"scores.csv": SQUARE, "cats.csv": "task,kind\na,x\n"},
    (*AN, "--categories", "{d}/cats.csv"),
    "cats.csv",
    1,
    "category",
)
tab(
    "categories missing task",
    {"scores.csv": SQUARE, "cats.csv": "task,category\na,x\nb,y\n"},
    (*AN, "--categories", "{d}/cats.csv"),
    "cats.csv",
    None,
    "category",
)
STANDLEY = "\t".join(["0.5"] * 5) + "\n" + "0.4\t0.3\t\t\t\n" + "\t0.3\t0.2\t\t\n"
SEL = ("select", "{d}/val.txt", "--budget", "3", "--json", "{d}/out/sel.json")
tab(
    "standley not UTF-8",
    {"val.txt": (STANDLEY + "0.1\t\xe9\t\t\t\n").encode("latin-1")},
    SEL,
    "val.txt",
    4,
    None,
)
tab("standley ragged row", {"val.txt": STANDLEY + "0.1\t0.2\n"}, SEL, "val.txt", 4, None)
tab("standley text cell", {"val.txt": STANDLEY + "0.1\tlow\t\t\t\n"}, SEL, "val.txt", 4, "d")
tab(
    "standley test table ragged",
    {"val.txt": STANDLEY, "test.txt": STANDLEY + "0.1\n"},
    (*SEL, "--test", "{d}/test.txt"),
    "test.txt",
    4,
    None,
)
tab(
    "standley test table other tasks",
    {"val.txt": STANDLEY, "test.txt": "0.5\t0.5\t0.5\n0.4\t0.3\t\n"},
    (*SEL, "--test", "{d}/test.txt"),
    "test.txt",
    None,
    None,
)
tab(
    "standley test table other networks",
    {"val.txt": STANDLEY, "test.txt": STANDLEY.replace("0.4\t0.3\t\t\t", "\t\t\t0.3\t0.3")},
    (*SEL, "--test", "{d}/test.txt"),
    "test.txt",
    None,
    None,
)
tab(
    "select budget negative",
    {"val.txt": STANDLEY},
    ("select", "{d}/val.txt", "--budget", "-1"),
    None,
    None,
    "--budget",
)
tab(
    "select budget NaN",
    {"val.txt": STANDLEY},
    ("select", "{d}/val.txt", "--budget", "nan"),
    None,
    None,
    "--budget",
)
tab("select missing table", {}, SEL, "val.txt", None, None)
X = "1 0 0\n0 1 0\n0 0 1\n1 1 0\n1 1 1\n"
Y = "0 0 0\n0 0 0\n0 0 0\n0.1 -0.2 0\n0.1 0.1 0.3\n"
MTG = (
    "partition",
    "{d}/y.csv",
    "--members",
    "{d}/x.csv",
    "--format",
    "mtgnet",
    "--json",
    "{d}/out/p.json",
)
tab(
    "mtgnet members not UTF-8",
    {"x.csv": (X + "1 \xe9 1\n").encode("latin-1"), "y.csv": Y},
    MTG,
    "x.csv",
    6,
    None,
)
tab(
    "mtgnet gains not UTF-8",
    {"x.csv": X, "y.csv": Y.replace("0.1 0.1 0.3", "0.1 0.1 \xe9").encode("latin-1")},
    MTG,
    "y.csv",
    5,
    None,
)
tab(
    "mtgnet membership 2", {"x.csv": X.replace("1 1 0", "1 2 0"), "y.csv": Y}, MTG, "x.csv", 4, "t1"
)
tab("mtgnet gains rows", {"x.csv": X, "y.csv": Y + "0 0 0\n"}, MTG, "y.csv", None, None)
tab(
    "mtgnet gain outside",
    {"x.csv": X, "y.csv": Y.replace("0.1 -0.2 0", "0.1 -0.2 0.5")},
    MTG,
    "y.csv",
    4,
    "t2",
)
tab(
    "mtgnet without members",
    {"y.csv": Y},
    ("partition", "{d}/y.csv", "--format", "mtgnet"),
    None,
    None,
    "--members",
)
tab(
    "partition max groups negative",
    {"x.csv": X, "y.csv": Y},
    (*MTG, "--max-groups=-1"),
    None,
    None,
    "--max-groups",
)
tab(
    "partition groups zero",
    {"x.csv": X, "y.csv": Y},
    (*MTG, "--groups", "0"),
    None,
    None,
    "--groups",
)
tab(
    "partition method unknown",
    {"x.csv": X, "y.csv": Y},
    (*MTG, "--method", "nope"),
    None,
    None,
    "method",
)
tab(
    "partition budget NaN",
    {"x.csv": X, "y.csv": Y},
    (*MTG, "--budget", "nan"),
    None,
    None,
    "--budget",
)
tab(
    "partition test table not UTF-8",
    {"x.csv": X, "y.csv": Y, "yt.csv": Y.replace("0.3", "\xe9").encode("latin-1")},
    (*MTG, "--test", "{d}/yt.csv"),
    "yt.csv",
    5,
    None,
)
tab(
    "partition test table other shape",
    {"x.csv": X, "y.csv": Y, "yt.csv": "0 0\n0 0\n"},
    (*MTG, "--test", "{d}/yt.csv"),
    "yt.csv",
    None,
    None,
)
GROUPS = "group,task,score\na,a,0.5\nb,b,0.6\na+b,a,0.55\na+b,b,0.65\n"
CSVP = ("partition", "{d}/g.csv", "--format", "csv", "--json", "{d}/out/p.json")
tab(
    "groups csv not UTF-8",
    {"g.csv": (GROUPS + "a+b,\xe9,0.1\n").encode("latin-1")},
    CSVP,
    "g.csv",
    6,
    None,
)
tab("groups csv task outside group", {"g.csv": GROUPS + "a,b,0.1\n"}, CSVP, "g.csv", 6, "task")
tab("groups csv score text", {"g.csv": GROUPS.replace("0.55", "x")}, CSVP, "g.csv", 4, "score")
tab(
    "surrogate not UTF-8",
    {"g.csv": (GROUPS + "a+b,\xe9,0.1\n").encode("latin-1")},
    ("surrogate", "{d}/g.csv", "--format", "csv", "--samples", "2"),
    "g.csv",
    6,
    None,
)
tab(
    "select affinity not UTF-8",
    {"aff.csv": ",a,b\na,,0.1\nb,\xe9,\n".encode("latin-1")},
    ("select", "{d}/aff.csv", "--format", "affinity", "--budget", "1"),
    "aff.csv",
    3,
    None,
)
tab(
    "select square matrix as standley",
    {"s.csv": SQUARE},
    ("select", "{d}/s.csv", "--format", "standley", "--budget", "2", "--json", "{d}/out/s.json"),
    "s.csv",
    1,
    "format",
)
tab(
    "partition long csv as matrix",
    {"g.csv": GROUPS},
    ("partition", "{d}/g.csv", "--format", "matrix", "--json", "{d}/out/p.json"),
    "g.csv",
    1,
    "format",
)
tab(
    "select pair measured one way",
    {"s.csv": SQUARE.replace("b,0.5,", "b,,")},
    ("select", "{d}/s.csv", "--budget", "2", "--json", "{d}/out/s.json"),
    "s.csv",
    3,
    "a",
)
tab(
    "analyze a report's stability table",
    {"stability.csv": "task,single,max\na,0.8,0.9\nb,0.5,0.6\n"},
    ("analyze", "{d}/stability.csv"),
    "stability.csv",
    1,
    None,
)


def cli(
    name: str,
    files: dict,
    argv: Sequence[str],
    file: str | None,
    line: int | str | None,
    field: str | None,
    **kw,
) -> None:
    _add("CLI arguments", name, files, argv, file=file, line=line, field=field, **kw)


cli("run --workers -3", {"study.yaml": CONFIG}, (*RUN, "--workers", "-3"), None, None, "--workers")
cli("run --workers 0", {"study.yaml": CONFIG}, (*RUN, "--workers", "0"), None, None, "--workers")
cli(
    "run --workers text",
    {"study.yaml": CONFIG},
    (*RUN, "--workers", "two"),
    None,
    None,
    "--workers",
)
cli(
    "run config missing",
    {},
    ("run", "{d}/absent.yaml", "--out", "{d}/out"),
    "absent.yaml",
    None,
    None,
)
cli(
    "run config a folder",
    {"conf/x.txt": "x"},
    ("run", "{d}/conf", "--out", "{d}/out"),
    "conf",
    None,
    None,
)
cli("run unknown option", {"study.yaml": CONFIG}, (*RUN, "--epochs", "3"), None, None, "--epochs")
cli(
    "demo --workers -3",
    {},
    ("demo", "--out", "{d}/out", "--workers", "-3"),
    None,
    None,
    "--workers",
)
cli("status no study", {}, ("status", "{d}/out"), "out", None, None)
cli("report no study", {}, ("report", "{d}/nothing", "--out", "{d}/out"), "nothing", None, None)
cli(
    "estimate bad config",
    {"study.yaml": config(extra="seeds: [5]\n")},
    ("estimate", "{d}/study.yaml", "-m", "tag", "--json", "{d}/out/e.json"),
    "study.yaml",
    "seeds: [5]",
    "seeds",
)
cli(
    "estimate unknown method",
    {"study.yaml": CONFIG},
    ("estimate", "{d}/study.yaml", "-m", "nope", "--json", "{d}/out/e.json"),
    None,
    None,
    "method",
)
cli(
    "estimate budget negative",
    {"study.yaml": CONFIG},
    ("estimate", "{d}/study.yaml", "-m", "tag", "--budget", "-0.5", "--json", "{d}/out/e.json"),
    None,
    None,
    "budget",
)
cli(
    "pvi not UTF-8 config",
    {"study.yaml": CONFIG.replace("battery", "b\xe9").encode("latin-1")},
    ("pvi", "{d}/study.yaml", "--csv", "{d}/out/p.csv"),
    "study.yaml",
    1,
    None,
)
cli(
    "pvi alpha out of range",
    {"study.yaml": CONFIG},
    ("pvi", "{d}/study.yaml", "--alpha", "2", "--csv", "{d}/out/p.csv"),
    None,
    None,
    "alpha",
)

# a handful run as real processes: stderr, exit status and no traceback as a user sees them
for _name in (
    "duplicate top-level key",
    "truncated jsonl.gz",
    "run --workers -3",
    "square missing diagonal",
    "not UTF-8 JSONL",
):
    _i = next(i for i, c in enumerate(CASES) if c.name == _name)
    _c = CASES[_i]
    CASES.append(
        Case(
            _c.name + " (process)",
            _c.area,
            _c.files,
            _c.argv,
            _c.file,
            _c.line,
            _c.field,
            subprocess=True,
        )
    )


# ---------------------------------------------------------------------------------------
# running a case


@dataclass(frozen=True)
class Outcome:
    """What a case did: ``refused`` = exit 2, no traceback, nothing written; ``names_*``:
    whether the message names the file / line / field (None when the case has none)."""

    case: Case
    exit_code: int
    output: str
    traceback: bool
    wrote: tuple[str, ...]
    names_file: bool | None
    names_line: bool | None
    names_field: bool | None
    problems: tuple[str, ...] = field(default=())

    @property
    def refused(self) -> bool:
        return self.exit_code == 2 and not self.traceback and not self.wrote

    @property
    def ok(self) -> bool:
        return self.refused and not self.problems


Invoke = Callable[[list[str]], tuple[int, str, bool]]


def invoke_cli(argv: list[str]) -> tuple[int, str, bool]:
    """``(exit code, output, raised)`` of the CLI in this process (typer's CliRunner);
    ``raised``: an exception escaped the command (the user would see a traceback)."""
    from typer.testing import CliRunner

    from taskaffinity.cli import app

    res = CliRunner().invoke(app, argv)
    raised = res.exception is not None and not isinstance(res.exception, SystemExit)
    return res.exit_code, res.output, raised


def invoke_subprocess(argv: list[str]) -> tuple[int, str, bool]:
    """``(exit code, stdout + stderr, False)`` of ``taskaffinity ARGV`` in a new process."""
    code = "from taskaffinity.cli import main; main()"
    proc = subprocess.run(
        [sys.executable, "-c", code, *argv], capture_output=True, text=True, timeout=120
    )
    return proc.returncode, proc.stdout + proc.stderr, False


def _line_number(case: Case, files: dict[str, str | bytes]) -> int | None:
    if case.line is None or isinstance(case.line, int):
        return case.line
    content = files[case.file]
    text = content.decode("latin-1") if isinstance(content, bytes) else content
    after, marker = case.line if isinstance(case.line, tuple) else ("", case.line)
    at = text.index(marker, text.index(after))
    return text[:at].count("\n") + 1


def run_case(case: Case, folder: Path, invoke: Invoke | None = None) -> Outcome:
    """Write the case's files into ``folder`` (empty), run its command, judge the output."""
    files = dict(BASE_FILES)
    if case.area in ("config", "task files"):
        files["study.yaml"] = CONFIG
    files.update(case.files)
    for rel, content in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    before = {p for p in folder.rglob("*")}
    argv = [a.replace("{d}", str(folder)) for a in case.argv]
    if invoke is None:
        invoke = invoke_subprocess if case.subprocess else invoke_cli
    code, output, raised = invoke(argv)
    wrote = tuple(sorted(str(p.relative_to(folder)) for p in set(folder.rglob("*")) - before))
    traceback = raised or "Traceback" in output or "Aborted" in output
    line = _line_number(case, files)
    names_file = names_line = names_field = None
    if case.file is not None:
        names_file = Path(case.file).name in output
        if line is not None:
            pattern = re.escape(Path(case.file).name) + rf"[^\s:]*:{line}:"
            names_line = re.search(pattern, output) is not None
    if case.field is not None:
        name = case.field.removeprefix("--")
        names_field = f"field '{name}'" in output or f"--{name.replace('_', '-')}" in output
    problems = [
        what
        for what, bad in (
            (f"exit {code}", code != 2),
            ("traceback", traceback),
            (f"wrote {list(wrote)}", bool(wrote)),
            (f"no file {case.file}", names_file is False),
            (f"no line {line}", names_line is False),
            (f"no field {case.field}", names_field is False),
        )
        if bad
    ]
    return Outcome(
        case, code, output, traceback, wrote, names_file, names_line, names_field, tuple(problems)
    )


def table(outcomes: Sequence[Outcome]) -> str:
    """Markdown table per area: cases, refused cleanly, and how many messages name the
    file / line / field out of the cases that have one."""
    areas = sorted({o.case.area for o in outcomes}, key=[c.area for c in CASES].index)
    rows = [
        "| input | cases | refused cleanly | names the file | names the line | names the field |",
        "|---|---|---|---|---|---|",
    ]

    def count(group: Sequence[Outcome], attr: str) -> str:
        have = [getattr(o, attr) for o in group if getattr(o, attr) is not None]
        return f"{sum(have)}/{len(have)}"

    for area in [*areas, "all"]:
        group = [o for o in outcomes if area in ("all", o.case.area)]
        name = "**all**" if area == "all" else area
        rows.append(
            f"| {name} | {len(group)} | {sum(o.refused for o in group)}/{len(group)} | "
            f"{count(group, 'names_file')} | {count(group, 'names_line')} | "
            f"{count(group, 'names_field')} |"
        )
    return "\n".join(rows)
