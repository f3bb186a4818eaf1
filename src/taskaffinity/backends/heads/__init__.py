"""The head trainer of hard parameter sharing: one shared body, one linear head per task.

Used by the ``scratch`` and ``encoder`` backends (the ``lora`` backend has no heads); the
schedule it trains with is the shared one of :mod:`taskaffinity.backends.training`.

* :class:`Body` (``_body``): what a backend's shared body implements (``featurize``,
  ``forward``, ``param_groups``, ``out_dim``); :func:`pad_2d` pads featurized rows;
  :func:`make_head` makes a task's head;
* :class:`HeadTrainer` (``_trainer``): trains a body with one head per task and scores
  them; its per-task data and checkpoints are ``_task_state``'s ``TaskState``;
* :data:`IGNORE`: the label id of positions without a gold label (from
  :mod:`taskaffinity.backends.training`).
"""

from taskaffinity.backends.heads._body import Body, make_head, pad_2d
from taskaffinity.backends.heads._trainer import HeadTrainer
from taskaffinity.backends.training._labels import IGNORE

__all__ = ["IGNORE", "Body", "HeadTrainer", "make_head", "pad_2d"]
