"""Study configuration: YAML <-> validated dataclasses, with errors naming file, line, field.

A study config names the tasks (a built-in ``suite``, or a list of ``tasks`` dicts and/or
LLaMA-Factory datasets ``tasks_from``), optionally ``max_examples`` per split, the
``backend`` and its hyperparameters, the ``plan`` (which task groups to train), the
``seeds`` and the ``executor``::

    suite: zh_classical
    max_examples: {train: 1000, test: 500}
    backend: {name: scratch, epochs: 3}
    plan: {singles: true, pairs: true, all: true, groups: [[a, b, c]]}
    seeds: [0, 1]
    executor: {kind: local, workers: 2}

Every dataclass validates itself in ``__post_init__`` and raises :class:`InputError` with a
dotted ``field`` (``plan.groups[0][1]``); :func:`load_config` adds the YAML file and line.

``_sections`` holds the section dataclasses (:class:`BackendConfig`, :class:`PlanConfig`,
:class:`ExecutorConfig`), ``_study`` the whole :class:`StudyConfig`, ``_load`` reading and
writing YAML (:func:`load_config`, :func:`config_from_dict`, :func:`dump_config`).
"""

from taskaffinity.config._load import config_from_dict, dump_config, load_config
from taskaffinity.config._sections import BackendConfig, ExecutorConfig, PlanConfig
from taskaffinity.config._study import MAX_SEED, StudyConfig, import_object

__all__ = [
    "MAX_SEED",
    "BackendConfig",
    "ExecutorConfig",
    "PlanConfig",
    "StudyConfig",
    "config_from_dict",
    "dump_config",
    "import_object",
    "load_config",
]
