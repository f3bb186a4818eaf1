"""Studies: run plans, the SQLite result store, executors (local, process pool, Ray) and
reading a stored study back.

``run_study(config, out_dir)`` trains every planned run not yet stored complete;
``open_study(out_dir)`` returns the stored runs as :class:`StudyData` (``score_table()``,
``bootstrap_scores(seed)``, ``baselines()``, ``categories()``). Several drivers may run
one study at once: each claims a run before training it (:class:`Lease`).
"""

from taskaffinity.study._bootstrap import resampled_scores
from taskaffinity.study._claims import DEFAULT_LEASE, Lease, holder_is_dead, this_holder
from taskaffinity.study._data import StudyData, open_study, study_status
from taskaffinity.study._executors import (
    LostAttempt,
    PoolExecutor,
    SequentialExecutor,
    failed_result,
    safe_run,
)
from taskaffinity.study._fewshot import (
    FEWSHOT_NAME,
    FewShotResult,
    default_shots,
    demonstrations,
    read_fewshot,
    run_fewshot,
)
from taskaffinity.study._migrate import migrate_keys
from taskaffinity.study._plan import plan_groups, plan_runs, submission_order
from taskaffinity.study._store import (
    ResultStore,
    StoreError,
    decode_predictions,
    encode_predictions,
    store_errors,
)
from taskaffinity.study._study import STORE_NAME, StudySummary, make_backend, run_study
from taskaffinity.study._validate import check_study

__all__ = [
    "DEFAULT_LEASE",
    "FEWSHOT_NAME",
    "STORE_NAME",
    "FewShotResult",
    "Lease",
    "LostAttempt",
    "PoolExecutor",
    "ResultStore",
    "SequentialExecutor",
    "StoreError",
    "StudyData",
    "StudySummary",
    "check_study",
    "decode_predictions",
    "default_shots",
    "demonstrations",
    "encode_predictions",
    "failed_result",
    "holder_is_dead",
    "make_backend",
    "migrate_keys",
    "open_study",
    "plan_groups",
    "plan_runs",
    "read_fewshot",
    "resampled_scores",
    "run_fewshot",
    "run_study",
    "safe_run",
    "store_errors",
    "study_status",
    "submission_order",
    "this_holder",
]
