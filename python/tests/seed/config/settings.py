"""The settings module the Python version imports (config/settings.py of its project).

A stub for the side-by-side tests: the values come from the environment the test sets, and tests
also set the module attributes the seed reads at call time (SYSTEM_CAPACITY_KW and
MAX_ENERGY_REDUCTION_PCT are looked up when weekly_report() runs).
"""

import os
from pathlib import Path

DATA_DIR = Path(os.environ.get("SEED_DATA_DIR", "./data"))
SYSTEM_CAPACITY_KW = float(os.environ.get("SEED_CAPACITY_KW", "500"))
_pct = os.environ.get("SEED_MAX_REDUCTION_PCT", "5")
MAX_ENERGY_REDUCTION_PCT = float(_pct) if "." in _pct else int(_pct)
