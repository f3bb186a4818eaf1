"""Open a written report in headless Chromium: the page renders and every figure decodes."""

from __future__ import annotations

import re
import shutil
import subprocess
import warnings

import numpy as np
import pytest

from taskaffinity.analysis import analyze, score_table_from_matrix
from taskaffinity.report import write_table_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)"
    ),
]
# Sets the title to "IMAGES <decoded>/<all>" once the page and its images have loaded.
PROBE = (
    "<script>window.addEventListener('load',()=>{const i=[...document.images];"
    "document.title='IMAGES '+i.filter(x=>x.complete&&x.naturalWidth>0).length+'/'+i.length;"
    "});</script>"
)


def _chromium(*args: str) -> subprocess.CompletedProcess:
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)


def test_report_renders_with_figures(tmp_path):
    tasks = ("punctuation", "tonal", "poet", "dynasty", "ci_tune", "shijing")
    rng = np.random.default_rng(0)
    scores = 0.6 + 0.3 * rng.random((6, 6))
    table = score_table_from_matrix(tasks, scores)
    cats = dict(zip(tasks, ["basic", "basic", "knowledge", "knowledge", "genre", "genre"],
                    strict=True))  # fmt: skip
    a = analyze(table, categories=cats, baselines=dict.fromkeys(tasks, 0.3))
    path = write_table_report(a, tmp_path / "report", title="Browser check")
    probe = path.with_name("probe.html")
    probe.write_text(path.read_text().replace("</body>", PROBE + "</body>"))

    dom = _chromium("--virtual-time-budget=10000", "--dump-dom", probe.as_uri())
    title = re.search(r"<title>(.*?)</title>", dom.stdout)
    assert title, dom.stderr[-2000:]
    assert title.group(1) == "IMAGES 3/3"
    assert "Gain rates</h2>" in dom.stdout

    shot = tmp_path / "shot.png"
    _chromium("--window-size=1200,2400", f"--screenshot={shot}", path.as_uri())
    assert shot.is_file() and shot.stat().st_size > 20_000  # a rendered page, not blank


# Sets the title to "UNSETTLED <marked cells> <hatched?>" once the page has loaded.
UNSETTLED_PROBE = (
    "<script>window.addEventListener('load',()=>{const u=[...document.querySelectorAll("
    "'td.unsettled')];document.title='UNSETTLED '+u.length+' '+(u.length>0&&"
    "getComputedStyle(u[0]).backgroundImage.includes('repeating-linear-gradient'));});"
    "</script>"
)


def test_report_marks_cells_whose_sign_is_not_settled(tmp_path):
    """Four seeds: b helps a by +10% in every seed (settled); the other cells move by
    seed noise around 0 (not settled). The page hatches exactly the unsettled cells and
    states the study's reliability."""
    from taskaffinity.types import ScoreTable

    tasks = ("a", "b", "c")
    groups = (("a",), ("b",), ("c",), ("a", "b"), ("a", "c"), ("b", "c"))
    rng = np.random.default_rng(1)
    cube = np.full((4, len(groups), 3), np.nan)
    for s in range(4):
        single = 0.5 + 0.02 * rng.standard_normal(3)
        cube[s, 0, 0], cube[s, 1, 1], cube[s, 2, 2] = single
        noise = 0.03 * rng.standard_normal(4)
        cube[s, 3, 0], cube[s, 3, 1] = single[0] * 1.10, single[1] + noise[0]
        cube[s, 4, 0], cube[s, 4, 2] = single[0] + noise[1], single[2] + noise[2]
        cube[s, 5, 1], cube[s, 5, 2] = single[1] - noise[3], single[2] + noise[3]
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = np.nanmean(cube, 0)
    table = ScoreTable(tasks, groups, mean, np.ones(6), True, seed_scores=cube)
    a = analyze(table, seeds=[0, 1, 2, 3])
    assert a.settled[0, 1] == 1
    expected = int(np.sum(np.isfinite(a.gain_rate) & (np.nan_to_num(a.settled, nan=1) == 0)))
    assert 1 <= expected <= 5

    path = write_table_report(a, tmp_path / "report", title="Settled check")
    page = path.read_text()
    assert "How far to trust these numbers" in page and "split-half Spearman" in page
    probe = path.with_name("probe.html")
    probe.write_text(page.replace("</body>", UNSETTLED_PROBE + "</body>"))
    dom = _chromium("--virtual-time-budget=10000", "--dump-dom", probe.as_uri())
    title = re.search(r"<title>(.*?)</title>", dom.stdout)
    assert title, dom.stderr[-2000:]
    assert title.group(1) == f"UNSETTLED {expected} true"


# Sets the title to "REC <budgets> <open> <opened after a click> <task rows> <before heatmap>
# <statement shown>" once the page has loaded: the Recommendation section as a reader meets
# it.
RECOMMENDATION_PROBE = (
    "<script>window.addEventListener('load',()=>{"
    "const sec=document.getElementById('recommendation');"
    "const d=[...sec.querySelectorAll('details.rec-budget')];"
    "const open=d.filter(x=>x.open).length;"
    "d[1].querySelector('summary').click();"
    "const after=d.filter(x=>x.open).length;"
    "const rows=d[0].querySelectorAll('table')[0].querySelectorAll('tbody tr').length;"
    "const gain=document.getElementById('gain-rates');"
    "const before=!!(sec.compareDocumentPosition(gain)&Node.DOCUMENT_POSITION_FOLLOWING);"
    "const st=d[0].querySelector('p.statement');"
    "const shown=st!==null&&st.offsetHeight>0&&st.textContent.length>20;"
    "document.title='REC '+d.length+' '+open+' '+after+' '+rows+' '+before+' '+shown;"
    "});</script>"
)


def _table_backend():
    """The rule-scored test backend of tests/unit/recommendation (loaded by path)."""
    import importlib.util
    import sys
    from pathlib import Path

    if "_table_backend" in sys.modules:
        return sys.modules["_table_backend"]
    path = Path(__file__).parents[1] / "unit" / "recommendation" / "_table_backend.py"
    spec = importlib.util.spec_from_file_location("_table_backend", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["_table_backend"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_recommendation_section_in_the_browser(tmp_path):
    """A three-task study with dev scores: the report opens on its Recommendation, above
    the heatmap, one collapsible block per budget (the first open), each task's network
    listed, and the sentence on what the data can separate visible."""
    from taskaffinity.report import write_study_report

    def rule(group, task, seed, split):
        base = {"more_a": 0.80, "has_c": 0.85, "first": 0.75}[task]
        together = 0.06 if set(group) == {"has_c", "more_a"} else 0.0
        return base + together + 0.004 * ((seed + len(task)) % 3)

    study = _table_backend().run_table_study(tmp_path / "s", rule)
    path = write_study_report(study, tmp_path / "report")
    page = path.read_text()
    assert 'id="recommendation"' in page
    probe = path.with_name("probe.html")
    probe.write_text(page.replace("</body>", RECOMMENDATION_PROBE + "</body>"))
    dom = _chromium("--virtual-time-budget=10000", "--dump-dom", probe.as_uri())
    title = re.search(r"<title>(.*?)</title>", dom.stdout)
    assert title, dom.stderr[-2000:]
    assert title.group(1) == "REC 3 1 2 3 true true"
    shot = tmp_path / "shot.png"
    _chromium("--window-size=1200,1600", f"--screenshot={shot}", path.as_uri())
    assert shot.is_file() and shot.stat().st_size > 20_000
