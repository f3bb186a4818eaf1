"""The shared trainer of hard parameter sharing: one body, one linear head per task.

* :class:`Body`: what a backend's shared body implements (``featurize``, ``forward``,
  ``param_groups``, ``out_dim``); :func:`pad_2d` pads featurized rows;
* :class:`HeadTrainer`: trains a body with one head per task and scores them;
* :func:`fit_loop` and its :class:`Trainer` protocol: the training schedule of every
  trainer (this one and the ``lora`` backend's), with :func:`step_counts` for the run
  length;
* :class:`CheckpointSelection` and :class:`TaskCheckpoint`: per-task best-dev checkpoints,
  shared by every trainer;
* :data:`IGNORE`: the label id of positions without a gold label.
"""

from taskaffinity.backends.heads._body import Body, pad_2d
from taskaffinity.backends.heads._loop import Trainer, fit_loop
from taskaffinity.backends.heads._sampling import step_counts
from taskaffinity.backends.heads._selection import CheckpointSelection, TaskCheckpoint
from taskaffinity.backends.heads._task_state import IGNORE
from taskaffinity.backends.heads._trainer import HeadTrainer

__all__ = [
    "IGNORE",
    "Body",
    "CheckpointSelection",
    "HeadTrainer",
    "TaskCheckpoint",
    "Trainer",
    "fit_loop",
    "pad_2d",
    "step_counts",
]
