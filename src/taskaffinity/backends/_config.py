"""Backend configurations: dataclasses with help text and validation (peft style).

Every field carries its help text in ``metadata["help"]``; ``__post_init__`` raises
:class:`~taskaffinity.errors.InputError` naming the offending field. ``to_dict()`` is the
JSON-able form stored in a :class:`~taskaffinity.types.RunSpec`; the execution-only
fields ``device`` and ``threads`` are left out of it (they must not change results, so
they are not part of a run's identity).

``TrainConfig`` lives in :mod:`taskaffinity.backends._train_config`; ``ScratchConfig`` and
``EncoderConfig`` in :mod:`taskaffinity.backends._backend_configs`; all are re-exported here.
"""

from taskaffinity.backends._backend_configs import EncoderConfig, ScratchConfig
from taskaffinity.backends._train_config import TrainConfig

__all__ = ["EncoderConfig", "ScratchConfig", "TrainConfig"]
