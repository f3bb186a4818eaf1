"""Open a written report in headless Chromium: the page renders and every figure decodes."""

from __future__ import annotations

import re
import shutil
import subprocess

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
