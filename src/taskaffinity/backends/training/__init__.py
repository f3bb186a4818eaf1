"""The training every backend shares: the loop, sampling, checkpoint selection, averaging.

A backend supplies a trainer (its model and how it scores); this subpackage trains it
with the one schedule every backend follows, so single and joint runs of any backend
differ only in their model:

* :func:`fit_loop` (``_loop``): AdamW with warm-up and decay, one task per optimizer step,
  ``grad_accum`` batches per step, each optionally cut into micro-batches; dev scored
  every ``eval_every`` steps; calls a :class:`Probe` (``_probe``) with a
  :class:`ProbeContext`; :class:`Trainer` (``_protocol``) is what it needs of a trainer;
* :func:`run_streams`, :func:`step_counts`, :func:`task_probabilities` (``_sampling``):
  which task each step trains, its batches, and the run length;
* :class:`CheckpointSelection`, :class:`TaskCheckpoint` (``_selection``): per-task
  best-dev checkpoints and the test scores taken from them;
* :class:`WeightAverage` (``_averaging``): the exponential moving average of the weights
  that dev and test are scored with when ``ema > 0``;
* :func:`fit_in_memory`, :class:`RunOutOfMemoryError` (``_memory``): a run that runs out
  of memory retried with smaller micro-batches, or told in one line;
* :data:`IGNORE` (``_labels``): the label id of positions without a gold label.

Trainers built on it: :class:`~taskaffinity.backends.heads.HeadTrainer` (``scratch``,
``encoder``) and :class:`~taskaffinity.backends.lora.LoraTrainer` (``lora``).
"""

from taskaffinity.backends.training._averaging import WeightAverage
from taskaffinity.backends.training._labels import IGNORE
from taskaffinity.backends.training._loop import PROBE_SEED_OFFSET, fit_loop, micro_weights
from taskaffinity.backends.training._memory import (
    RunOutOfMemoryError,
    fit_in_memory,
    is_out_of_memory,
    release_memory,
)
from taskaffinity.backends.training._probe import Probe, ProbeContext
from taskaffinity.backends.training._protocol import Trainer
from taskaffinity.backends.training._sampling import (
    RUN_STREAMS,
    RunStreams,
    run_streams,
    step_counts,
    task_probabilities,
)
from taskaffinity.backends.training._selection import CheckpointSelection, TaskCheckpoint

__all__ = [
    "IGNORE",
    "PROBE_SEED_OFFSET",
    "RUN_STREAMS",
    "CheckpointSelection",
    "Probe",
    "ProbeContext",
    "RunOutOfMemoryError",
    "RunStreams",
    "TaskCheckpoint",
    "Trainer",
    "WeightAverage",
    "fit_in_memory",
    "fit_loop",
    "is_out_of_memory",
    "micro_weights",
    "release_memory",
    "run_streams",
    "step_counts",
    "task_probabilities",
]
