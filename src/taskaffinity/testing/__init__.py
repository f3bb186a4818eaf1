"""Contract suites and a toy backend for anyone who writes a plug-in.

As ``optuna.testing`` and scikit-learn's estimator checks do, taskaffinity ships the
checks its own plug-ins pass, so a new backend, estimator or grouping search is held to
the same rules (docs/design.md, "Contracts")::

    from taskaffinity.testing import check_backend, check_estimator, check_search
    check_backend(MyBackend(), my_suite)      # spec/run contract, determinism, pickling
    check_estimator("my_estimator")           # after registering it
    check_search("my_search")                 # exact searches: equal to brute force
    check_predictor("my_predictor")           # predictors of combination gains

Each check raises ``AssertionError`` naming the broken rule. :class:`ToyBackend` (a
millisecond nearest-centroid backend) with :func:`toy_suite`, :func:`synthetic_suite`,
:func:`make_task`, :func:`random_table` and :func:`random_affinity` are the small inputs
the checks use; :class:`ProbeBackend` (the toy backend that can hang and records which
process and GPU trained each run) tests executors.
"""

from taskaffinity.testing._backend_checks import BackendChecks, check_backend
from taskaffinity.testing._estimator_checks import (
    REFERENCE_COST,
    EstimatorChecks,
    check_estimator,
)
from taskaffinity.testing._predictor_checks import (
    Planted,
    PredictorChecks,
    check_predictor,
    planted_table,
)
from taskaffinity.testing._probe import ProbeBackend, read_probes
from taskaffinity.testing._search_checks import (
    check_affinity_select,
    check_deterministic,
    check_partition,
    check_search,
    check_select,
    complete_table,
    random_affinity,
    random_table,
)
from taskaffinity.testing._toy import (
    TINY_SCRATCH,
    ToyBackend,
    make_task,
    synthetic_suite,
    toy_suite,
    write_synthetic_study,
    write_toy_config,
)

__all__ = [
    "REFERENCE_COST",
    "TINY_SCRATCH",
    "BackendChecks",
    "EstimatorChecks",
    "Planted",
    "PredictorChecks",
    "ProbeBackend",
    "ToyBackend",
    "check_affinity_select",
    "check_backend",
    "check_deterministic",
    "check_estimator",
    "check_partition",
    "check_predictor",
    "check_search",
    "check_select",
    "complete_table",
    "make_task",
    "planted_table",
    "random_affinity",
    "random_table",
    "read_probes",
    "synthetic_suite",
    "toy_suite",
    "write_synthetic_study",
    "write_toy_config",
]
