"""Score tables from outside: importers (Standley et al. 2020, MTG-Net of Song et al. 2022,
long CSV, square score matrix) behind one :func:`read_table` (and :func:`read_scores`, the
measured scores ``analyze`` takes), the one square-CSV reader behind score and affinity
matrices (:func:`read_square_csv`; :func:`read_affinity`: a square CSV or an estimate's
JSON; :func:`write_affinity_csv`), telling formats apart (:func:`detect_format`),
the higher-order approximation (HOA) and the surrogate model of Li, Nguyen and Zhang
(2023) that predict unmeasured groups, and small conversions. How well those predictors
do (the sampling study) is judged in :mod:`taskaffinity.evaluation`.
"""

from taskaffinity.tables._csv import (
    is_long_csv,
    read_long_csv,
    read_seeded_csv,
    write_long_csv,
    write_seeded_csv,
)
from taskaffinity.tables._detect import detect_format, resolve_format
from taskaffinity.tables._hoa import hoa, pair_scores
from taskaffinity.tables._mtgnet import read_matrix, read_mtgnet
from taskaffinity.tables._read import TableFormat, read_scores, read_table
from taskaffinity.tables._square import (
    read_affinity,
    read_score_matrix,
    read_square_csv,
    write_affinity_csv,
)
from taskaffinity.tables._standley import STANDLEY_TASKS, read_standley
from taskaffinity.tables._subset import pairwise_table, sample_groups, take_rows
from taskaffinity.tables._surrogate import Surrogate, all_groups

__all__ = [
    "STANDLEY_TASKS",
    "Surrogate",
    "TableFormat",
    "all_groups",
    "detect_format",
    "hoa",
    "is_long_csv",
    "pair_scores",
    "pairwise_table",
    "read_affinity",
    "read_long_csv",
    "read_matrix",
    "read_mtgnet",
    "read_score_matrix",
    "read_scores",
    "read_seeded_csv",
    "read_square_csv",
    "read_standley",
    "read_table",
    "resolve_format",
    "sample_groups",
    "take_rows",
    "write_affinity_csv",
    "write_long_csv",
    "write_seeded_csv",
]
