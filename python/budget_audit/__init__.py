"""budget_audit: the energy-sacrifice audit log of agrivoltaic solar plants, in process.

The Python version's API (``BudgetAuditLog().log_slot(tick)``, ``load()``, ``daily_summary()``,
``weekly_report()``, ``python -m budget_audit``) over budget-audit's C++ library: each tick a
durable journal append, the history sealed into plain Parquet files, a hash chain over every
record. Moving from the Python version is a one-line change::

    from budget_audit import BudgetAuditLog   # was: from src.budget_audit import BudgetAuditLog
    audit = BudgetAuditLog()
    audit.log_slot(tick_result)

See the README's Python section and migration guide.
"""

from __future__ import annotations

from . import _core
from .errors import (
    ClosedError,
    ConfigError,
    ConflictError,
    CorruptionError,
    Error,
    InvalidError,
    LockedError,
    LogNotFoundError,
    StorageError,
    _BY_CODE,
)

_core.set_error_classes(dict(_BY_CODE))

from ._log import COLUMNS, BudgetAuditLog, Snapshot  # noqa: E402

__version__ = _core.version()

__all__ = [
    "BudgetAuditLog",
    "Snapshot",
    "COLUMNS",
    "Error",
    "InvalidError",
    "ConfigError",
    "ConflictError",
    "LockedError",
    "CorruptionError",
    "LogNotFoundError",
    "StorageError",
    "ClosedError",
]
