"""BudgetAuditLog: the Python version's API over budget-audit's log, in process.

The Python version (budget_audit.py) rewrote one Parquet file per tick and swallowed every error.
This class keeps its names, attributes, defaults, dict keys and numbers, and writes through the
library: a durable journal append per tick, month files sealed in the background, a hash chain.
Where it differs on purpose (a retried tick is logged once, a conflicting one refused; timestamps
are instants in UTC) the README's migration guide says so.
"""

from __future__ import annotations

import collections
import datetime as _dt
import json
import logging
import os
import threading
import weakref
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence, Union

from . import _core, _ticks
from .errors import ClosedError, ConfigError, Error, InvalidError, LockedError, LogNotFoundError, from_stream_error

logger = logging.getLogger("budget_audit")

PathLike = Union[str, "os.PathLike[str]"]

# The log's columns (the sealed Parquet files' names, in their order) and the bit of each in the
# library's column sets; `seq` last, only when asked for.
COLUMNS = (
    "timestamp",
    "date",
    "slot_index",
    "planned_offset_deg",
    "actual_offset_deg",
    "energy_cost_kwh",
    "budget_spent_kwh",
    "budget_remaining_kwh",
    "gate_passed",
    "source",
    "stage_id",
)
_COLUMN_BITS = {name: 1 << i for i, name in enumerate(COLUMNS)}
_COLUMN_BITS["seq"] = _core.COL_SEQ

_SYNC_MODES = ("always", "batch", "none")
# Ticks log_slot() keeps while no writer could be opened (the lock held by another process, the
# directory not writable yet): the library's own retry queue takes over once one is open.
_PENDING_CAPACITY = 100_000

_live_logs: "weakref.WeakSet[BudgetAuditLog]" = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for log in list(_live_logs):
        log._forget_parents_writer()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _utc_micros(value: Any, timezone: str, what: str) -> int:
    """A bound of a time range as UTC microseconds: a datetime (naive: UTC), a date (the site's
    local midnight), or text as ``budget-audit export --since`` takes it (ISO-8601, or a date)."""
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            value = value.replace(tzinfo=_dt.timezone.utc)
        delta = value - _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
        return delta // _dt.timedelta(microseconds=1)
    if isinstance(value, _dt.date):
        return _core.time_bound_us(value.isoformat(), timezone)
    if isinstance(value, str):
        try:
            return _core.time_bound_us(value.strip(), timezone)
        except InvalidError as e:
            raise InvalidError(f"{what}: {e}") from None
    raise InvalidError(f"{what}: expected a datetime, a date or an ISO-8601 string, got {type(value).__name__}")


_numpy_order: Optional[bool] = None


def _numpy_sums_whole_arrays() -> bool:
    """Whether the numpy at hand sums a float64 array pairwise as a whole (numpy 2) rather than in
    chunks of its 8192-value buffer (numpy 1): asked once, of numpy itself, on arrays where the two
    orders give different last bits (util/numpy_sum.h). Without numpy: the whole-array order of the
    numpy this package is pinned to."""
    global _numpy_order
    if _numpy_order is None:
        try:
            import numpy as np
        except ImportError:
            _numpy_order = True
            return _numpy_order
        whole = False
        for seed in range(1, 9):
            a = np.random.default_rng(seed).uniform(0.0, 2.5, 100_003).round(3)
            chunked = 0.0
            for i in range(0, len(a), 8192):
                chunked += float(np.add.reduce(a[i:i + 8192]))
            if float(np.add.reduce(a)) != chunked:
                whole = True
                break
        _numpy_order = whole
    return _numpy_order


def _warn_seal(seal_error: Optional[str]) -> None:
    if seal_error is not None:
        logger.warning("Budget audit: sealing into Parquet failed: %s (the records are safe in the journal; "
                       "sealing is tried again at the next day change and when the log closes)", seal_error)


def _close_inherited_descriptors(log_dir: str) -> None:
    """Closes this process's descriptors of files in (or of) the log directory (Linux)."""
    fd_dir = "/proc/self/fd"
    if not os.path.isdir(fd_dir):
        return
    root = os.path.realpath(log_dir)
    for name in os.listdir(fd_dir):
        try:
            target = os.readlink(os.path.join(fd_dir, name))
        except OSError:
            continue
        if target == root or target.startswith(root + os.sep):
            try:
                os.close(int(name))
            except OSError:
                pass


class Snapshot:
    """A consistent, read-only view of the log, taken without the writer's lock.

    It implements the Arrow PyCapsule interface: ``pyarrow.table(s)``, ``polars.DataFrame(s)`` (or
    ``polars.from_arrow``) and DuckDB read the records without a Python object per row. Each call
    of ``__arrow_c_stream__`` streams the view's records again, in seq order.
    """

    def __init__(self, core: "_core.Snapshot", columns: int, since_us: Optional[int],
                 until_us: Optional[int], date: Optional[str]):
        self._core = core
        self._columns = columns
        self._since_us = since_us
        self._until_us = until_us
        self._date = date

    @property
    def last_seq(self) -> int:
        """Records in the view: seqs 1..last_seq."""
        return self._core.last_seq

    @property
    def sealed_seq(self) -> int:
        """Of which these are in the sealed Parquet history."""
        return self._core.sealed_seq

    @property
    def head(self) -> str:
        """The hash chain's head after last_seq (hex): what a checkpoint of this view holds."""
        return self._core.head

    @property
    def log_id(self) -> str:
        return self._core.log_id

    def __len__(self) -> int:
        return self._core.last_seq

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        # The schema is the log's own (timestamp[us, UTC], utf8, int64, float64, bool); a
        # requested schema is not negotiated (the interface allows ignoring it).
        return self._core.arrow_stream(self._columns, self._since_us, self._until_us, self._date, 131072)

    def to_arrow(self):
        """The records as a pyarrow.Table (the library's errors raised as budget_audit's)."""
        import pyarrow as pa

        try:
            return pa.RecordBatchReader.from_stream(self).read_all()
        except (OSError, pa.ArrowException) as exc:
            err = from_stream_error(exc)
            if err is None:
                raise
            raise err from None


class BudgetAuditLog:
    """Append-only audit log of budget slot spends (the Python version's class, on budget-audit).

    ``path``: a log directory, or the Python version's file (``.../slot_log.parquet``): the log is
    then the ``slot_log/`` directory beside it and the old file, when it exists, is imported into it
    once per process (rows already logged are skipped; the file is left untouched). ``None``: the
    log the command-line tool finds (``$BUDGET_AUDIT_DATA_DIR`` or ``./data``, then
    ``<data>/budget_audit/slot_log``), taking over ``<data>/budget_audit/slot_log.parquet`` the
    same way.

    Settings (for the reports and the site's days): keyword > environment > TOML file (``config``,
    ``$BUDGET_AUDIT_CONFIG``, ``<data>/budget_audit.toml``) > defaults, as the command-line tool.

    Constructing one takes no lock and reads nothing: the writer's lock is taken by the first write
    (``log_slot``, ``append``), so reports, ``load()`` and ``python -m budget_audit`` work from
    other processes while a controller logs. Thread-safe: any thread may call any method.

    ``sync``: ``"always"`` (each tick durable before it is acknowledged), ``"batch"`` (durable at
    ``sync()``), ``"none"`` (the OS decides; tests and bulk loads only).
    """

    def __init__(
        self,
        path: Optional[PathLike] = None,
        *,
        capacity_kw: Optional[float] = None,
        max_reduction_pct: Optional[float] = None,
        timezone: Optional[str] = None,
        config: Optional[PathLike] = None,
        sync: str = "always",
    ) -> None:
        if sync not in _SYNC_MODES:
            raise InvalidError(f'sync: must be "always", "batch" or "none", got {sync!r}')
        self._capacity_kw = None if capacity_kw is None else float(capacity_kw)
        self._pct = None if max_reduction_pct is None else float(max_reduction_pct)
        self._pct_is_integer = isinstance(max_reduction_pct, int) and not isinstance(max_reduction_pct, bool)
        self._timezone = timezone
        self._config_file = None if config is None else os.fspath(config)
        self._sync = sync
        self._lock = threading.RLock()
        self._writer: Optional[_core.Writer] = None
        self._writer_pid = 0
        self._forked_from: Optional[int] = None
        self._closed = False
        self._pending: collections.deque = collections.deque()
        self._settings_cache: Optional[dict] = None
        self._took_over = False
        if path is None:
            try:
                self._dir = _core.find_log_dir(None, self._config_file)
            except InvalidError as e:  # a config file named here or by $BUDGET_AUDIT_CONFIG
                raise ConfigError(str(e)) from None
            legacy = self._dir + ".parquet"
        else:
            p = os.fspath(path)
            if p.endswith(".parquet"):
                legacy = p
                self._dir = p[: -len(".parquet")]
            else:
                legacy = None
                self._dir = p
        self._legacy_file = legacy
        _live_logs.add(self)

    # ---- where and how

    @property
    def path(self) -> Path:
        """The log's directory."""
        return Path(self._dir)

    @property
    def legacy_path(self) -> Optional[Path]:
        """The Python version's file this log takes over, if any."""
        return None if self._legacy_file is None else Path(self._legacy_file)

    def settings(self) -> dict:
        """The settings in force and where each came from (ConfigError when they are wrong)."""
        with self._lock:
            if self._settings_cache is None:
                try:
                    self._settings_cache = _core.load_config(
                        None, self._config_file, self._capacity_kw, self._pct, self._pct_is_integer, self._timezone
                    )
                except InvalidError as e:
                    raise ConfigError(str(e)) from None
            return dict(self._settings_cache)

    # ---- writing

    def log_slot(self, tick_result: Any) -> Optional[int]:
        """Append a tick result to the audit log, as the Python version did; never raises.

        Reads the tick's attributes (timestamp, slot_index, plan_offset_deg, target_angle,
        energy_cost_kwh, budget_spent_kwh, budget_remaining_kwh, live_gate_passed, source,
        stage_id) with the Python version's defaults. Returns the record's seq once it is durable.
        A failure is a warning on the ``budget_audit`` logger and returns None: a tick the disk
        refused waits in the retry queue (bounded) and is written before the next one; a tick the
        validation policy refuses (NaN, a 1 MiB string, ...) or that conflicts with a logged one is
        dropped, with an error logged.
        """
        try:
            text = _ticks.to_json(tick_result) if not isinstance(tick_result, str) else tick_result
        except Exception as exc:  # a tick whose attributes cannot even be read
            logger.error("Budget audit log failed: the tick could not be read: %s", exc)
            return None
        try:
            with self._lock:
                writer = self._writer_for_log_slot()
                if writer is None:
                    if len(self._pending) >= _PENDING_CAPACITY:
                        logger.error("Budget audit log failed: %d ticks wait already; tick dropped", len(self._pending))
                        return None
                    self._pending.append(text)
                    return None
                self._hand_over_pending(writer)
                code, message, seq, _, seal_error = writer.log_slot(text)
            _warn_seal(seal_error)
            if code is None:
                return seq
            self._warn(code, message, writer)
            return None
        except Exception as exc:  # never into the control loop
            logger.warning("Budget audit log failed: %s", exc)
            return None

    def append(self, tick: Any) -> int:
        """Append one tick (an object with the tick attributes, or a mapping of them) and return
        its seq once durable. Raises: InvalidError (the validation policy's words, naming the
        attribute), ConflictError (a different record has this timestamp; ``.seq`` is it),
        LockedError, StorageError. A retried tick (same timestamp and content) returns its
        existing seq and writes nothing."""
        text = _ticks.to_json(tick)
        with self._lock:
            writer = self._writer_or_raise()
            self._hand_over_pending(writer)
            seq, _, seal_error = writer.append(text)
        _warn_seal(seal_error)
        return seq

    def flush(self) -> int:
        """Retries the ticks that wait (log_slot() kept them while the disk or the lock refused
        them) now, oldest first; returns how many still wait. Never raises: a failure is a
        warning, as in log_slot()."""
        with self._lock:
            writer = self._writer_for_log_slot()
            if writer is None:
                return len(self._pending)
            try:
                self._hand_over_pending(writer)
                writer.flush_retry_queue()
            except Error as exc:
                logger.warning("Budget audit log failed: %s (%d ticks wait in the retry queue)", exc,
                               writer.retry_queue_size())
            return writer.retry_queue_size()

    @property
    def pending(self) -> int:
        """Ticks log_slot() accepted that are not yet durable (they wait to be retried)."""
        with self._lock:
            waiting = len(self._pending)
            if self._writer is not None:
                waiting += self._writer.retry_queue_size()
            return waiting

    def sync(self) -> None:
        """Makes every appended tick durable (for sync="batch")."""
        with self._lock:
            if self._writer is not None:
                self._writer.sync()

    def seal(self) -> None:
        """Seals every record logged so far into the Parquet history now (normally done in the
        background when a day ends)."""
        with self._lock:
            self._writer_or_raise().seal()

    def close(self) -> None:
        """Writes what waits, seals the days that have ended, makes everything durable, records a
        clean close and releases the lock. Raises the first failure after closing anyway (the
        records stay safe in the journal). Later writes raise ClosedError; reads still work."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            writer, self._writer = self._writer, None
            if writer is None:
                if self._pending:
                    logger.error("Budget audit log closed with %d ticks never written (no writer could be opened)",
                                 len(self._pending))
                return
            try:
                self._hand_over_pending(writer)
                try:
                    writer.flush_retry_queue()
                except Error as exc:
                    logger.error("Budget audit log closed with %d ticks not written: %s",
                                 writer.retry_queue_size(), exc)
            finally:
                writer.close()

    def __enter__(self) -> "BudgetAuditLog":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # ---- reading

    def snapshot(self, columns: Optional[Sequence[str]] = None, *, since: Any = None, until: Any = None,
                 date: Any = None, seq: bool = True) -> Snapshot:
        """A consistent view of the log now (sealed history and journal), as an Arrow stream.

        ``columns``: the log's column names (default: all, with ``seq`` last unless seq=False);
        ``since``/``until``: instants (datetime; naive is UTC), dates (the site's local midnight) or
        ISO-8601 strings, ``since <= timestamp < until``; ``date``: only records of that ``date``.
        """
        bits = self._column_bits(columns, seq)
        tz = self._site_timezone()
        since_us = None if since is None else _utc_micros(since, tz, "since")
        until_us = None if until is None else _utc_micros(until, tz, "until")
        day = None if date is None else self._date_text(date)
        core = self._open_snapshot()
        if core is None:
            raise LogNotFoundError(f"no audit log at {self._dir}")
        return Snapshot(core, bits, since_us, until_us, day)

    def load(self, columns: Optional[Sequence[str]] = None, since: Any = None, until: Any = None):
        """The audit log as a pandas DataFrame: the Python version's columns, dtypes and values
        (timestamps as UTC instants), today's journal records included, in seq order. ``seq`` is a
        column only when asked for in ``columns``. An empty or missing log: an empty DataFrame."""
        import pandas as pd

        names = list(COLUMNS) if columns is None else [str(c) for c in columns]
        core = self._open_snapshot()
        if core is None or core.last_seq == 0:
            return pd.DataFrame()
        bits = self._column_bits(names, False)
        tz = self._site_timezone() if (since is not None or until is not None) else "UTC"
        since_us = None if since is None else _utc_micros(since, tz, "since")
        until_us = None if until is None else _utc_micros(until, tz, "until")
        snap = Snapshot(core, bits, since_us, until_us, None)
        df = snap.to_arrow().to_pandas()
        if list(df.columns) != names:
            df = df[names]
        return df

    def _exists(self) -> bool:
        self._take_over_legacy(for_reading=True)
        return os.path.isdir(self._dir)

    def daily_summary(self, target_date: Any = None) -> dict:
        """Summarize a single day's budget usage: the Python version's dict (keys, order, types,
        values). ``target_date`` (date, datetime or 'YYYY-MM-DD'; default: today in the site's
        time zone) is matched against the ``date`` column."""
        if target_date is None:
            day = _core.today_in_zone(self._site_timezone())
        else:
            day = self._date_text(target_date)
        if not self._exists():
            return {"error": "No audit data"}
        try:
            return json.loads(_core.daily_summary_json(self._dir, day, _numpy_sums_whole_arrays()))
        except LogNotFoundError:
            return {"error": "No audit data"}

    def weekly_report(self) -> dict:
        """Generate a weekly rollup report for budget compliance: the Python version's dict. Needs
        the plant's capacity (capacity_kw=, $BUDGET_AUDIT_CAPACITY_KW or the config file) once
        the log holds records; ConfigError says how to set it."""
        records, report = self._default_output()
        return {"error": "No audit data"} if report is None else report

    def _default_output(self) -> "tuple[int, Optional[dict]]":
        """(records, rollup) of one view, for python -m budget_audit; (0, None) for no data."""
        if not self._exists():
            return 0, None
        try:
            s = self.settings()
        except ConfigError:
            core = self._open_snapshot()  # a broken setting matters only with records to report
            if core is None or core.last_seq == 0:
                return 0, None
            raise
        try:  # one view: the report says how many records it covered
            records, text = _core.weekly_report_json(self._dir, s["capacity_kw"], s["max_reduction_pct"],
                                                     s["max_reduction_pct_is_integer"], _numpy_sums_whole_arrays())
        except LogNotFoundError:
            return 0, None
        except InvalidError:
            if s["capacity_kw"] is None:
                raise ConfigError(s["missing_capacity_message"]) from None
            raise
        return (records, json.loads(text)) if records else (0, None)

    def compliance(self, year: Optional[int] = None, as_of: Any = None, format: str = "dict") -> Any:
        """The budget year's compliance report (docs/compliance.md): the plant's real potential,
        the seasons, site-local days, where the budget went, the ledger checks; ``budget-audit
        compliance [--year Y] [--as-of DATE] --format json|table|html``, the same figures and text.
        ``year``: the budget year starting in that calendar year (default: the one holding
        ``as_of``); ``as_of``: the last day covered, a date or ``YYYY-MM-DD`` (default: today in
        the site's zone, or the year's last day when that is earlier). ``format``: "dict" (the
        JSON parsed), "json", "table" or "html" (text). Raises ConfigError for the settings (no
        capacity for the potential's basis, a potential file missing or malformed) and
        InvalidError for the arguments (a bad date, an as_of after the budget year), with the
        command's words."""
        if format not in ("dict", "json", "table", "html"):
            raise InvalidError(f'format: expected "dict", "json", "table" or "html", got {format!r}')
        day = None if as_of is None else self._date_argument(as_of, "as_of")
        text = self._with_settings(_core.compliance_text, year=year, as_of=day,
                                   format="json" if format == "dict" else format)
        return json.loads(text) if format == "dict" else text

    def allowance(self, date: Any = None, format: str = "dict") -> Any:
        """The energy (kWh) the controller may sacrifice on the site-local day ``date`` (a date or
        ``YYYY-MM-DD``; default: today) so that the budget year stays within its ceiling:
        ``allowance_kwh`` and how it was computed (``budget-audit allowance [DATE]``).
        ``format``: "dict" (the JSON parsed), "json" or "table" (text). Errors as compliance()."""
        if format not in ("dict", "json", "table"):
            raise InvalidError(f'format: expected "dict", "json" or "table", got {format!r}')
        day = None if date is None else self._date_argument(date, "date")
        text = self._with_settings(_core.allowance_text, date=day, format="table" if format == "table" else "json")
        return json.loads(text) if format == "dict" else text

    def _with_settings(self, fn, **kw):
        self.settings()  # a wrong setting is a ConfigError naming it
        if not self._exists():
            raise LogNotFoundError(f"no audit log at {self._dir}")
        # The settings' own errors come as ConfigError, the arguments' as InvalidError.
        return fn(self._dir, self._config_file, self._capacity_kw, self._pct, self._pct_is_integer,
                  self._timezone, **kw)

    def verify(self) -> dict:
        """Verifies the whole log (every sealed file's SHA-256, every seq, the hash chain, the
        manifest): the report as a dict; CorruptionError naming the first problem."""
        return json.loads(_core.verify_json(self._dir))

    def checkpoint(self, sign: Optional[PathLike] = None) -> dict:
        """(log id, seq, head hash, time) of the log as it is now, after verifying it; signed with
        the Ed25519 secret key in the file ``sign`` (see ``budget-audit keygen``) when given."""
        return json.loads(_core.checkpoint_json(self._dir, None if sign is None else os.fspath(sign)))

    # ---- internals

    def _site_timezone(self) -> str:
        try:
            return self.settings()["timezone"]
        except ConfigError:
            if self._timezone:
                return self._timezone
            raise

    @staticmethod
    def _date_text(value: Any) -> str:
        if isinstance(value, _dt.datetime):
            return value.date().isoformat()
        if isinstance(value, _dt.date):
            return value.isoformat()
        text = str(value)
        try:
            return _dt.date.fromisoformat(text).isoformat()
        except ValueError:
            raise InvalidError(f"date: expected YYYY-MM-DD, got {text!r}") from None

    @staticmethod
    def _date_argument(value: Any, what: str) -> str:
        """A day argument of compliance() and allowance(): a date (a datetime: its own calendar
        date) as YYYY-MM-DD; text as given, for the library to judge in the command's words."""
        if isinstance(value, _dt.date):  # a datetime too
            return BudgetAuditLog._date_text(value)
        if isinstance(value, str):
            return value
        raise InvalidError(f"{what}: expected a date or 'YYYY-MM-DD', got {type(value).__name__}")

    @staticmethod
    def _column_bits(columns: Optional[Iterable[str]], seq: bool) -> int:
        if columns is None:
            return _core.ALL_COLUMNS if seq else _core.ALL_COLUMNS & ~_core.COL_SEQ
        bits = 0
        for name in columns:
            bit = _COLUMN_BITS.get(name)
            if bit is None:
                raise InvalidError(f"columns: {name!r} is not a column of the log ({', '.join(COLUMNS)}, seq)")
            bits |= bit
        return bits

    def _open_snapshot(self) -> Optional["_core.Snapshot"]:
        self._take_over_legacy(for_reading=True)
        try:
            return _core.Snapshot.open(self._dir)
        except LogNotFoundError:
            return None

    def _take_over_legacy(self, for_reading: bool) -> None:
        """Imports the Python version's file once (rows already logged are skipped)."""
        with self._lock:
            if self._took_over or self._legacy_file is None or self._writer is not None:
                return
            if not os.path.isfile(self._legacy_file):
                self._took_over = True
                return
            try:
                summary = json.loads(_core.import_json(self._dir, [self._legacy_file], self._holder()))
            except LockedError:
                if for_reading:
                    return  # its writer, in another process, takes it over
                raise
            self._took_over = True
            appended = summary.get("appended", 0) if isinstance(summary, dict) else 0
            if appended:
                logger.info("Budget audit: took over %s: %s records imported into %s",
                            self._legacy_file, appended, self._dir)

    def _holder(self) -> str:
        return f"python budget_audit (pid {os.getpid()})"

    def _open_writer(self) -> "_core.Writer":
        if self._closed:
            raise ClosedError(f"{self._dir}: the log was closed")
        if self._forked_from is not None:
            raise ClosedError(
                f"{self._dir}: this BudgetAuditLog's writer belongs to process {self._forked_from} "
                "(this process is a fork of it); create a new BudgetAuditLog here once that writer is closed")
        self._take_over_legacy(for_reading=False)
        try:
            tz = self.settings()["timezone"]
        except ConfigError as exc:
            logger.warning("Budget audit: %s; the days to seal are counted in UTC", exc)
            tz = "UTC"
        writer = _core.Writer.open(self._dir, self._sync, tz, self._holder(), 0.0, 100_000)
        self._writer = writer
        self._writer_pid = os.getpid()
        return writer

    def _writer_or_raise(self) -> "_core.Writer":
        if self._writer is not None:
            return self._writer
        return self._open_writer()

    def _writer_for_log_slot(self) -> Optional["_core.Writer"]:
        if self._writer is not None:
            return self._writer
        try:
            return self._open_writer()
        except Error as exc:
            logger.warning("Budget audit log failed: %s (the tick waits: %d waiting)", exc, len(self._pending) + 1)
            return None

    def _hand_over_pending(self, writer: "_core.Writer") -> None:
        while self._pending:
            code, message, _, _, seal_error = writer.log_slot(self._pending.popleft())
            _warn_seal(seal_error)
            if code is not None:
                self._warn(code, message, writer)

    def _warn(self, code: str, message: str, writer: "_core.Writer") -> None:
        if code in ("InvalidArgument", "AlreadyExists"):
            logger.error("Budget audit log refused a tick: %s", message)
        elif code == "ResourceExhausted" and "retry queue full" in message:
            logger.error("Budget audit log failed: %s", message)
        else:
            logger.warning("Budget audit log failed: %s (the tick waits in the retry queue: %d waiting)",
                           message, writer.retry_queue_size())

    def _forget_parents_writer(self) -> None:
        # In a child after fork(): the writer (its lock, its seal thread) is the parent's. The
        # child forgets it without closing it, and closes its copies of the writer's descriptors
        # (the lock and the journal): the parent's lock stays held by the parent's own, and a
        # long-lived child (a multiprocessing worker) does not keep the log locked after the
        # parent closed it.
        if self._writer is not None:
            self._writer.abandon()
            self._writer = None
            self._forked_from = self._writer_pid
            _close_inherited_descriptors(self._dir)
        self._lock = threading.RLock()

    def __repr__(self) -> str:
        state = "closed" if self._closed else ("writing" if self._writer is not None else "not writing")
        return f"BudgetAuditLog({self._dir!r}, {state})"
