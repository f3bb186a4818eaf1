"""Benchmark results are named from committed configs, and the index names files that exist.

``benchmarks/results/<benchmark>/<path>.<ext>`` must come from
``benchmarks/configs/<benchmark>/<path>.yaml`` (``benchmarks/_bench_config.py`` derives the
one from the other), so no result file carries a hand-typed name; every result path that
``benchmarks/README.md`` (the index) names must exist.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results"
CONFIGS = ROOT / "benchmarks" / "configs"
SUFFIXES = (".components.json", ".json", ".md")


def _stem(path: Path) -> Path:
    """``reliability/x.components.json`` -> ``reliability/x``."""
    rel = path.relative_to(RESULTS).as_posix()
    for suffix in SUFFIXES:
        if rel.endswith(suffix):
            return Path(rel.removesuffix(suffix))
    raise AssertionError(f"{path}: a result is .md, .json or .components.json")


def test_every_result_file_has_its_config() -> None:
    files = [p for p in RESULTS.rglob("*") if p.is_file() and p.name != "README.md"]
    assert files, "no benchmark results found"
    orphans = sorted(
        str(p.relative_to(ROOT))
        for p in files
        if not (CONFIGS / _stem(p)).with_suffix(".yaml").is_file()
    )
    assert orphans == [], f"result files without a config under benchmarks/configs/: {orphans}"


def test_every_superseded_result_says_what_replaced_it() -> None:
    for folder in RESULTS.rglob("superseded"):
        readme = (folder / "README.md").read_text(encoding="utf-8")
        for path in folder.glob("*.md"):
            if path.name != "README.md":
                assert f"`{_stem(path).name}`" in readme, f"{path}: no line in {folder}/README.md"


def test_the_index_names_existing_results() -> None:
    index = (ROOT / "benchmarks" / "README.md").read_text(encoding="utf-8")
    named = [n for n in re.findall(r"`(results/[^`]+)`", index) if "<" not in n]
    assert named, "benchmarks/README.md names no result file"
    missing = []
    for name in named:
        base, _, alts = name.partition("{")
        options = alts.rstrip("}").split(",") if alts else [""]
        for option in options:
            target = ROOT / "benchmarks" / f"{base}{option}"
            if "*" in target.name:
                if not list(target.parent.glob(target.name)):
                    missing.append(name)
            elif not target.exists():
                missing.append(name)
    assert missing == [], f"benchmarks/README.md names result files that do not exist: {missing}"
