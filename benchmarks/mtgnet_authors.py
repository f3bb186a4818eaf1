"""MTG-Net, the authors' own code (Song et al., NeurIPS 2022), run on this machine on the
published tables and scored with the replay protocol of ``benchmarks/active.py``.

The authors' repository (https://github.com/ShawnKS/MTG-Net) is NOT vendored here: clone it
(``git clone https://github.com/ShawnKS/MTG-Net /work/mtgnet-src``) and give its path as
``mtgnet`` in the config. It runs in its own virtual environment (``python``: torch, numpy,
pandas, scikit-learn, tqdm), one subprocess per table and seed, through this same file in
``--worker`` mode, which imports their ``model/util.py`` and calls their
``model_training`` unchanged, with these run-time shims (no file of theirs is edited):

- device: their code puts tensors and modules on ``'cuda:' + gpu_id``, ``'cuda:0'`` and
  ``'cuda:1'``; ``torch.Tensor.to`` and ``torch.nn.Module.to`` map any CUDA device to the CPU;
- data: their ``getdataset`` reads ETTm1 from the authors' home directory and the others
  from ``../gain_collection`` relative to the working folder; it is replaced by the same
  ``pandas.read_csv`` calls on ``<mtgnet>/gain_collection/collected_gain`` (ETTm1's
  membership file is published as ``ETTm1_x.csv``, theirs read ``ETTm1_mask.csv``);
- stop: their acquisition loop runs to ``n(n-1)/2`` acquisitions (strategy ``activeper``);
  when fewer are needed, a wrapper around their ``HOINetTransformer`` class, built once at
  the start of every acquisition round, keeps a reference to the round's trajectory lists
  and ends the loop once the last snapshot needed is in them;
- embeddings: in their last round they ``np.save`` ragged lists of task embeddings (for
  their visualisation notebook), which numpy 2 refuses; those saves are skipped;
- speed (``memo: 1``): in evaluation mode their model's forward is memoised per model
  copy and input content. Every epoch they re-predict all untrained rows with both ensemble
  members (and the test rows, the same membership rows again), though a member changes
  only when replaced; evaluation draws no random numbers, so the outputs are the same;
- the working folder is a scratch folder (their ``./log`` and ``./embedding_collect*``).

Their loop (``strategy='activeper'``, ``step=1``): train on every single task and the
all-task run (``n + 1`` rows, validation gains), then per round retrain the predictor from
scratch, predict every untrained row, and train (reveal) the row with the largest |predicted
gain| for task ``round mod n``. Round ``a``'s snapshot is their ``model_pred``: predictions
for the untrained rows, measured validation gains for the trained rows, so R = n + 1 + a.
We take the snapshots at ``a = K*n`` (R = n + 1 + K*n).

Each snapshot becomes a predicted gain table (rows = the table's combinations in file
order, columns = tasks; NaN outside a combination) and is grouped two ways per budget B:
``ours`` = ``taskaffinity.grouping.select_networks`` exactly as ``active.py`` chooses
(``_choose``: exact, 30 s of HiGHS per selection on mimic27); ``theirs`` = the authors'
search as their notebooks call it: ``search.best_search`` (exhaustive, cost 1 per network)
on taskonomy, ``search.approx_search`` (greedy with 5 starts) on ETTm1 and mimic27, on the
prediction with -99 outside each combination. Both are scored with ``active.score``: each
task counts the test gain of the chosen network with its best predicted value, mean over
tasks, x 100.

Usage: ``python benchmarks/mtgnet_authors.py --config benchmarks/configs/mtgnet_authors/NAME.yaml``
(writes ``benchmarks/results/mtgnet_authors/NAME.{md,json}``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import weakref
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
FILES = {
    "taskonomy": ("taskonomy", "taskonomy_x.csv", "taskonomy.csv", "taskonomy.csv", ",", " "),
    "ETTm1": ("ETT", "ETTm1_x.csv", "ETTm1_val_y.csv", "ETTm1_y.csv", " ", " "),
    "mimic27": ("mimic27", "mimic_x.csv", "mimic_y_valid.csv", "mimic_y_test.csv", " ", " "),
}
"""Table name -> (folder, membership, validation gains, test gains, x separator, y separator)
under ``gain_collection/collected_gain`` (the separators their ``getdataset`` uses)."""


# ----------------------------------------------------------------------------------------
# worker: runs in the authors' environment (torch, pandas); imports nothing of ours
# ----------------------------------------------------------------------------------------


class _Stop(Exception):
    """Raised inside their loop once the last snapshot needed is recorded."""


def _cpu_only(torch: Any) -> None:
    """Map every CUDA device given to ``Tensor.to`` / ``Module.to`` to the CPU."""

    def is_cuda(d: Any) -> bool:
        return (isinstance(d, str) and d.startswith("cuda")) or (
            isinstance(d, torch.device) and d.type == "cuda"
        )

    def wrap(orig: Any) -> Any:
        def to(self: Any, *args: Any, **kwargs: Any) -> Any:
            args = tuple("cpu" if is_cuda(a) else a for a in args)
            if is_cuda(kwargs.get("device")):
                kwargs["device"] = "cpu"
            return orig(self, *args, **kwargs)

        return to

    torch.Tensor.to = wrap(torch.Tensor.to)
    torch.nn.Module.to = wrap(torch.nn.Module.to)


def _their_search(table: str, pred: np.ndarray, mask: np.ndarray, budgets: list[int]) -> dict:
    """The authors' grouping search on one snapshot: for each budget, the chosen rows (of
    ``mask``, shape (rows, n)) or an error text. ``pred`` (rows, n): predicted gains."""
    import copy

    import search  # the authors' model/search.py

    cost = pred.astype(float).copy()
    cost[mask == 0] = -99.0  # as their approx_optimal and notebooks do
    ids = np.repeat(np.arange(len(mask), dtype=float)[:, None], mask.shape[1], axis=1)
    out: dict[int, Any] = {}
    for b in budgets:
        try:
            if table == "taskonomy":  # their taskonomy notebook: exhaustive search

                class Cand:
                    def __init__(self, k: int) -> None:
                        self.performance, self.group_index, self.cost = cost[k], k, 1

                best = search.best_search([Cand(k) for k in range(len(cost))], b, [])
                rows = sorted(int(c.group_index) for c in best)
            else:  # their ETTm1 / mimic27 notebooks: approx_optimal -> approx_search, 5 starts
                _, sel = search.approx_search(
                    b, copy.deepcopy(cost), mask, copy.deepcopy(cost), cost, 3000, 5, ids, mask
                )
                sel = np.atleast_2d(sel)
                rows = sorted({int(r[0]) for r in sel})
            out[b] = rows
        except Exception as err:  # their search failing is a result to report
            out[b] = f"{type(err).__name__}: {err}"
    return out


def worker(args: argparse.Namespace) -> None:
    """Run their ``model_training`` for one table and seed; write the snapshots at
    ``args.snapshots`` (acquisition rounds) and their search's choices to ``args.out``."""
    import pandas as pd
    import torch

    torch.set_num_threads(args.threads)
    _cpu_only(torch)
    src = Path(args.mtgnet).resolve()
    sys.path.insert(0, str(src / "model"))
    folder, fx, fv, ft, sx, sy = FILES[args.table]
    data = src / "gain_collection" / "collected_gain" / folder

    def getdataset(dataset: str, ratio: Any = None) -> tuple:
        read = [
            np.array(pd.read_csv(data / f, header=None, sep=s))
            for f, s in ((fx, sx), (fv, sy), (fx, sx), (ft, sy))
        ]
        return tuple(read)

    scratch = Path(tempfile.mkdtemp(prefix="mtgnet_"))
    for d in ("embedding_collect", "embedding_collect_0.1"):
        (scratch / d).mkdir()
    os.chdir(scratch)
    import util  # the authors' model/util.py

    util.getdataset = getdataset
    save = np.save

    def np_save(file: Any, arr: Any, *a: Any, **k: Any) -> None:
        if not str(file).startswith("./embedding_collect"):
            save(file, arr, *a, **k)

    np.save = np_save  # their last round dumps ragged embedding lists, which numpy 2 refuses
    snaps = sorted(args.snapshots)
    state: dict[str, Any] = {"built": 0, "times": {}}
    t0 = time.perf_counter()
    base = util.HOINetTransformer
    memos: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    class Watched(base):  # type: ignore[misc, valid-type]
        """Their model; each build marks the start of an acquisition round."""

        def __init__(self, *a: Any, **k: Any) -> None:
            state["built"] += 1
            if state["built"] == 1:  # built once before the loop: take the trajectory lists
                caller = sys._getframe(1).f_locals
                state["pred"], state["mask"] = caller["total_pred_traj"], caller["total_mask_traj"]
            done = state["built"] - 2  # rounds finished before this build
            if done >= 1:
                state["times"][done - 1] = time.perf_counter() - t0
            if done > snaps[-1]:
                raise _Stop
            super().__init__(*a, **k)

        def forward(self, inputs: Any, index: Any) -> Any:
            """Their forward; in evaluation mode memoised per model copy and input content
            (their loop re-predicts the unchanged ensemble members on the same rows every
            epoch, and the test rows equal the validation rows)."""
            if self.training or not args.memo:
                return super().forward(inputs, index)
            key = (tuple(inputs.shape), inputs.numpy().tobytes(), index.numpy().tobytes())
            memo = memos.setdefault(self, {})  # not an attribute: their deep copies start empty
            if key not in memo:
                memo[key] = super().forward(inputs, index)
            return memo[key]

    util.HOINetTransformer = Watched
    with contextlib.suppress(_Stop):
        util.model_training(
            dataset=args.table,
            ratio="1",
            temperature=0.00001,
            num_layers=args.layers,
            num_hidden=args.hidden,
            ensemble_num=args.ensemble,
            gpu_id="0",
            end_num=2,
            step=1,
            strategy="activeper",
            seed=args.seed,
            dropout_rate=args.dropout,
        )
    state["times"].setdefault(snaps[-1], time.perf_counter() - t0)
    pred, mask = state["pred"], state["mask"]
    result: dict[str, Any] = {"snapshots": {}}
    for a in snaps:
        if a >= len(pred):
            raise SystemExit(f"their loop ended after {len(pred) - 1} rounds, {a} asked")
        p, m = np.asarray(pred[a], dtype=float), np.asarray(mask[a], dtype=int)
        result["snapshots"][a] = {
            "pred": p.tolist(),
            "mask": m.tolist(),
            "seconds": state["times"][a],
            "theirs": _their_search(args.table, p, m, args.budgets),
        }
    Path(args.out).write_text(json.dumps(result))
    os.chdir(tempfile.gettempdir())
    shutil.rmtree(scratch, ignore_errors=True)


# ----------------------------------------------------------------------------------------
# driver: runs in the project's environment, scores with benchmarks/active.py
# ----------------------------------------------------------------------------------------


def _predicted_table(snap: dict, val: Any) -> Any:
    """Their snapshot as a :class:`ScoreTable` in ``val``'s row order (rows = combinations,
    columns = tasks, NaN outside a combination); rows are matched by membership."""
    from taskaffinity.types import ScoreTable

    pred, mask = np.array(snap["pred"]), np.array(snap["mask"])
    index = {tuple(r): i for i, r in enumerate(mask.astype(int))}
    tasks = val.tasks
    scores = np.full(val.scores.shape, np.nan)
    for g, grp in enumerate(val.groups):
        key = tuple(int(t in grp) for t in tasks)
        i = index[key]
        scores[g] = np.where(np.array(key) == 1, pred[i], np.nan)
    return ScoreTable(tasks, val.groups, scores, np.ones(len(val.groups)), True)


def _run_one(
    args: argparse.Namespace, table: str, seed: int, rounds: list[int], budgets: list[int]
) -> dict:
    """One subprocess of their code in their environment; its JSON result, kept in
    ``args.cache`` (a rerun with the same settings reads it instead of training again), with
    their printed output beside it (``.log``)."""
    settings = (table, seed, *rounds, args.layers, args.hidden, args.ensemble, args.dropout)
    cached = args.cache / ("_".join(map(str, settings)) + f"_b{max(budgets)}.json")
    if cached.is_file():
        res = json.loads(cached.read_text())
        res["cached"] = str(cached)
        return res
    args.cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.json"
        cmd = [
            str(args.python),
            str(Path(__file__).resolve()),
            "--worker",
            "--mtgnet", str(args.mtgnet),
            "--table", table,
            "--seed", str(seed),
            "--snapshots", *map(str, rounds),
            "--budgets", *map(str, budgets),
            "--layers", str(args.layers),
            "--hidden", str(args.hidden),
            "--ensemble", str(args.ensemble),
            "--dropout", str(args.dropout),
            "--threads", str(args.threads),
            "--memo", str(args.memo),
            "--out", str(out),
        ]  # fmt: skip
        t0 = time.perf_counter()
        log = cached.with_suffix(".log")  # their own prints ("cost N" per round): progress
        with log.open("w") as out_log:
            proc = subprocess.run(cmd, stdout=out_log, stderr=subprocess.PIPE, text=True)
        if proc.returncode != 0:
            raise SystemExit(f"their code failed ({table}, seed {seed}):\n{proc.stderr[-3000:]}")
        res = json.loads(out.read_text())
        res["wall"] = time.perf_counter() - t0
        cached.write_text(json.dumps(res))
        return res


def _stats(vals: list[list[float]], budgets: list[int]) -> dict:
    a = np.array(vals, dtype=float)
    return {
        b: {
            "mean": float(np.nanmean(a[:, i])),
            "sd": float(np.nanstd(a[:, i], ddof=1)) if np.isfinite(a[:, i]).sum() > 1 else 0.0,
            "n": int(np.isfinite(a[:, i]).sum()),
        }
        for i, b in enumerate(budgets)
    }


def driver(args: argparse.Namespace, stem: Path | None) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from active import _choose, load, score

    if not (Path(args.mtgnet) / "model" / "util.py").is_file():
        raise SystemExit(
            f"the authors' MTG-Net code is not at {args.mtgnet} (it is not vendored in this "
            "repository): git clone https://github.com/ShawnKS/MTG-Net "
            f"{args.mtgnet}, or set mtgnet in the config"
        )
    if not Path(args.python).is_file():
        raise SystemExit(f"no Python at {args.python} (the environment for their code)")
    if not args.fixtures.is_dir():
        raise SystemExit(f"fixtures not found: {args.fixtures}")
    if stem is None:
        stem = ROOT / "benchmarks" / "results" / "mtgnet_authors" / "mtgnet_authors"
    stem.parent.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {
        "command": "python benchmarks/mtgnet_authors.py "
        + (f"--config {args.config}" if args.config else " ".join(sys.argv[1:])),
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, CPU",
        "load_at_start": os.getloadavg()[0],
        "settings": {
            k: getattr(args, k)
            for k in ("layers", "hidden", "ensemble", "dropout", "threads", "memo")
        },
        "tables": {},
    }
    for tname in args.tables:
        r = load(args.fixtures, tname)
        n = r.val.n_tasks
        budgets = [b for b in args.budgets if b <= len(r.budgets)] or list(r.budgets)
        ks = sorted({1.0, 2.0, (n - 1) / 2})
        big_rs = [round(n + 1 + k * n) for k in ks if round(n + 1 + k * n) in args.r or not args.r]
        res: dict[str, Any] = {"budgets": budgets, "R": {}}
        per: dict[int, dict[str, list]] = {
            R: {"ours": [], "theirs": [], "runs": []} for R in big_rs
        }
        row_of = {  # membership vector -> the table's group (its own task order)
            tuple(int(t in g) for t in r.val.tasks): g for g in r.val.groups
        }
        rounds = [R - n - 1 for R in big_rs]
        # each seed is a subprocess of their code; ``jobs`` of them at a time
        seeds = range(args.seeds)
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            runs = list(
                pool.map(partial(_run_one, args, tname, rounds=rounds, budgets=budgets), seeds)
            )
        for seed, run in enumerate(runs):
            for R, a in zip(big_rs, rounds, strict=True):
                snap = run["snapshots"][str(a)]
                table = _predicted_table(snap, r.val)
                mask = np.array(snap["mask"])
                ours = [_choose(table, b, r) for b in budgets]
                theirs, failed = [], {}
                for b in budgets:
                    rows = snap["theirs"][str(b)]
                    if isinstance(rows, str):
                        theirs.append(float("nan"))
                        failed[b] = rows
                        continue
                    groups = tuple(row_of[tuple(int(m) for m in mask[i])] for i in rows)
                    covered = {t for g in groups for t in g}
                    if covered != set(r.val.tasks):
                        theirs.append(float("nan"))
                        failed[b] = f"{len(r.val.tasks) - len(covered)} task(s) not covered"
                        continue
                    theirs.append(score(groups, table, r.test))
                per[R]["ours"].append(ours)
                per[R]["theirs"].append(theirs)
                per[R]["runs"].append({"seed": seed, "seconds": snap["seconds"], "failed": failed})
                print(
                    f"{tname} R={R} seed {seed} ({snap['seconds']:.0f} s): ours "
                    f"{[round(v, 2) for v in ours]} theirs {[round(v, 2) for v in theirs]}",
                    flush=True,
                )
            print(f"{tname} seed {seed}: run {run['wall']:.0f} s", flush=True)
        for R in big_rs:
            res["R"][R] = {
                "seeds": len(per[R]["ours"]),
                "ours": _stats(per[R]["ours"], budgets),
                "theirs": _stats(per[R]["theirs"], budgets),
                "runs": per[R]["runs"],
                "per_seed": {"ours": per[R]["ours"], "theirs": per[R]["theirs"]},
            }
        res["oracle"] = {b: _choose(r.val, b, r) for b in budgets}
        results["tables"][tname] = res
    results["load_at_end"] = os.getloadavg()[0]
    stem.with_suffix(".json").write_text(json.dumps(results, indent=1, default=str) + "\n")
    stem.with_suffix(".md").write_text(markdown(results) + "\n")


def markdown(results: dict) -> str:
    """The result as Markdown: one table per published table, rows = (R, grouping),
    columns = budgets B, cells = mean ± sd over seeds (%)."""
    s = results["settings"]
    lines = [
        "# MTG-Net, the authors' code, on the published tables",
        "",
        f"Command: `{results['command']}` on {results['machine']} (1-minute load "
        f"{results['load_at_start']:.1f} at the start, {results['load_at_end']:.1f} at the end). "
        "Their `model_training` (strategy `activeper`, step 1, "
        f"{s['layers']} layers, hidden size {s['hidden']}, ensemble {s['ensemble']}, dropout "
        f"{s['dropout']}, {s['threads']} torch thread(s)) trained on validation gains; "
        "snapshots at R = n + 1 + K*n trained combinations. `ours`: exact selection "
        "(`select_networks`, as `active.py`) on their predictions; `theirs`: their "
        "`search.py` (`best_search` on taskonomy, `approx_search` with 5 starts otherwise). "
        "Scored on test gains: mean over tasks of the assigned network's test gain, %, "
        "mean ± sd over seeds (seeds 0..S-1). Seconds: wall time of their loop up to that "
        "snapshot, per seed.",
        "",
    ]
    for tname, res in results["tables"].items():
        budgets = res["budgets"]
        lines += [
            f"## {tname}",
            "",
            "| R | grouping | seeds | " + " | ".join(f"B = {b}" for b in budgets) + " |",
            "|---|---|---|" + "---|" * len(budgets),
        ]
        orc = res["oracle"]
        lines.append(
            "| all | oracle (validation) | - | "
            + " | ".join(f"{orc.get(b, orc.get(str(b))):.2f}" for b in budgets)
            + " |"
        )
        for R, d in res["R"].items():
            for which in ("ours", "theirs"):
                cells = []
                for b in budgets:
                    v = d[which].get(b, d[which].get(str(b)))
                    if v["n"] == 0:
                        cells.append("failed")
                    elif v["n"] < d["seeds"]:
                        cells.append(f"{v['mean']:.2f} ± {v['sd']:.2f} ({v['n']})")
                    else:
                        cells.append(f"{v['mean']:.2f} ± {v['sd']:.2f}")
                lines.append(f"| {R} | {which} | {d['seeds']} | " + " | ".join(cells) + " |")
        lines.append("")
        for R, d in res["R"].items():
            secs = ", ".join(f"{x['seconds']:.0f}" for x in d["runs"])
            lines.append(f"- R = {R}: seconds per seed {secs}")
            for x in d["runs"]:
                for b, why in x["failed"].items():
                    lines.append(f"  - seed {x['seed']}, B = {b}: their search: {why}")
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--table", help=argparse.SUPPRESS)
    ap.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--snapshots", type=int, nargs="+", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    ap.add_argument("--mtgnet", type=Path, default=Path("/work/mtgnet-src"))
    ap.add_argument("--python", type=Path, default=Path("/work/venvs/mtgnet/bin/python"))
    fixtures = os.environ.get("TASKAFFINITY_FIXTURES") or ROOT.parent / "shared" / "fixtures"
    ap.add_argument("--fixtures", type=Path, default=Path(fixtures))
    ap.add_argument("--tables", nargs="+", default=["taskonomy", "ETTm1", "mimic27"])
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument(
        "--jobs", type=int, default=1, help="seeds run at once (one subprocess of theirs each)"
    )
    ap.add_argument(
        "--cache",
        type=Path,
        default=Path(tempfile.gettempdir()) / "mtgnet_authors",
        help="folder for their runs' raw snapshots (not committed)",
    )
    ap.add_argument("--r", type=int, nargs="*", default=[], help="R values (default: all)")
    ap.add_argument("--budgets", type=int, nargs="+", default=list(range(1, 11)))
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--ensemble", type=int, default=2)
    ap.add_argument("--dropout", type=float, default=0.5)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument(
        "--memo",
        type=int,
        default=1,
        help="1: memoise their evaluation-mode forward passes (same outputs, less time)",
    )
    if "--worker" in sys.argv:
        worker(ap.parse_args())
        return
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from _bench_config import parse_args

    args, stem = parse_args(ap, "mtgnet_authors")
    driver(args, stem)


if __name__ == "__main__":
    main()
