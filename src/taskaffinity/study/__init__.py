"""Studies: run plans, the SQLite result store, executors (local, process pool, Ray) and
reading a stored study back.

``run_study(config, out_dir)`` trains every planned run not yet stored complete;
``open_study(out_dir)`` returns the stored runs as :class:`StudyData` (``score_table()``,
``bootstrap_scores(seed)``, ``baselines()``, ``categories()``). Several drivers may run
one study at once: each claims a run before training it (:class:`Lease`).
"""

from taskaffinity.study._active_plan import ActivePlan, ActiveRound, plan_candidates
from taskaffinity.study._bootstrap import resampled_scores
from taskaffinity.study._claims import DEFAULT_LEASE, Lease, holder_is_dead, this_holder
from taskaffinity.study._context import StudyContext, make_executor
from taskaffinity.study._contract import Executor, Outcome
from taskaffinity.study._data import StudyData, open_study
from taskaffinity.study._dry_run import DryRun, dry_run
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
from taskaffinity.study._layout import CONFIG_NAME, STORE_NAME
from taskaffinity.study._plan import plan_groups, plan_runs, submission_order
from taskaffinity.study._records import decode_predictions, encode_predictions
from taskaffinity.study._schema import SCHEMA_VERSION, RunKeys
from taskaffinity.study._sqlite import StoreError, store_errors
from taskaffinity.study._status import RunStatus, StudyStatus, study_status
from taskaffinity.study._store import ResultStore
from taskaffinity.study._study import StudySummary, make_backend, run_study
from taskaffinity.study._timeouts import RunTimeLimit
from taskaffinity.study._validate import check_study

__all__ = [
    "CONFIG_NAME",
    "DEFAULT_LEASE",
    "FEWSHOT_NAME",
    "SCHEMA_VERSION",
    "STORE_NAME",
    "ActivePlan",
    "ActiveRound",
    "DryRun",
    "Executor",
    "FewShotResult",
    "Lease",
    "LostAttempt",
    "Outcome",
    "PoolExecutor",
    "ResultStore",
    "RunKeys",
    "RunStatus",
    "RunTimeLimit",
    "SequentialExecutor",
    "StoreError",
    "StudyContext",
    "StudyData",
    "StudyStatus",
    "StudySummary",
    "check_study",
    "decode_predictions",
    "default_shots",
    "demonstrations",
    "dry_run",
    "encode_predictions",
    "failed_result",
    "holder_is_dead",
    "make_backend",
    "make_executor",
    "open_study",
    "plan_candidates",
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
