#!/usr/bin/python3
"""Runs the Python module budget_audit.py's own code on a file of ticks and
writes what its command line (`python -m src.budget_audit ...`) prints.

    /usr/bin/python3 run_seed.py MODULE.py --ticks TICKS.jsonl --capacity KW --pct PCT \
        --out DIR [--daily DATE]... [--data-dir DIR]

Writes into --out:
    default.txt         what `python -m src.budget_audit` prints (no flags)
    report.json         what `python -m src.budget_audit --report` prints
    daily-DATE.json     what `python -m src.budget_audit --daily DATE` prints, per --daily

How the module is run (nothing in its text is changed):
  * `config.settings` is a stub module in sys.modules with DATA_DIR (a fresh
    temporary directory unless --data-dir), SYSTEM_CAPACITY_KW and
    MAX_ENERGY_REDUCTION_PCT. KW and PCT keep the Python type they are written
    with: "5" is the int 5, "5.0" or "2.50" a float (the report prints
    ceiling_pct as given: 5 or 5.0).
  * Exactly two pandas calls are swapped, by monkeypatching pandas before the
    module runs: pandas.read_parquet(path) -> pandas.read_pickle(path) and
    DataFrame.to_parquet(path, index=False) -> DataFrame.to_pickle(path).
    Pickle keeps every column's dtype as it was in memory; Debian's pandas has no
    pyarrow. The file keeps the module's name, slot_log.parquet.
  * Each tick (one JSON object per line, the budget-audit `log` command's input)
    becomes an object whose attributes are exactly the keys present, so a missing
    field takes the module's getattr() default. JSON numbers stay int or float as
    json.loads gives them; `timestamp` is parsed with datetime.fromisoformat and
    must carry an offset (a missing timestamp would default to now(), so it is
    refused here). BudgetAuditLog().log_slot(tick) is called for each, in file order.
  * The outputs come from running the module's own `if __name__ == "__main__":`
    block (runpy.run_path with run_name="__main__") with sys.argv set to
    [], ["--report"] and ["--daily", DATE], capturing stdout.

log_slot() swallows every exception with a logged warning; any warning, or a log
whose row count is not the number of ticks, makes this script fail (exit 1) so a
golden file can never silently miss a row.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import json
import logging
import re
import runpy
import sys
import tempfile
import types
from datetime import datetime
from pathlib import Path

import pandas as pd

TICK_FIELDS = (
    "timestamp", "slot_index", "plan_offset_deg", "target_angle", "energy_cost_kwh",
    "budget_spent_kwh", "budget_remaining_kwh", "live_gate_passed", "source", "stage_id",
)


def number_as_written(text: str):
    """'5' -> int 5; '5.0', '2.50', '1e3' -> float (as a Python config file would hold)."""
    if re.fullmatch(r"[+-]?[0-9]+", text):
        return int(text)
    return float(text)


class Tick:
    """A tick result with only the attributes that the JSON object has."""


def no_duplicate_keys(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError(f"duplicate key in {keys}")
    return dict(pairs)


def read_ticks(path: Path) -> list[Tick]:
    ticks = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.endswith("\n"):
                sys.exit(f"{path}:{n}: last line has no newline")
            obj = json.loads(line, object_pairs_hook=no_duplicate_keys)
            if not isinstance(obj, dict):
                sys.exit(f"{path}:{n}: not a JSON object")
            if "timestamp" not in obj:
                sys.exit(f"{path}:{n}: no timestamp (the module's default is now())")
            tick = Tick()
            for key, value in obj.items():
                if key == "timestamp":
                    value = datetime.fromisoformat(value)
                    if value.tzinfo is None:
                        sys.exit(f"{path}:{n}: timestamp without an offset")
                setattr(tick, key, value)
            ticks.append(tick)
    return ticks


def install_settings(data_dir: Path, capacity, pct) -> None:
    config = types.ModuleType("config")
    settings = types.ModuleType("config.settings")
    settings.DATA_DIR = data_dir
    settings.SYSTEM_CAPACITY_KW = capacity
    settings.MAX_ENERGY_REDUCTION_PCT = pct
    config.settings = settings
    sys.modules["config"] = config
    sys.modules["config.settings"] = settings


def swap_parquet_for_pickle() -> None:
    def read_parquet(path, *args, **kwargs):
        if args or kwargs:
            raise TypeError(f"unexpected read_parquet arguments {args} {kwargs}")
        return pd.read_pickle(path)

    def to_parquet(self, path, *args, index=None, **kwargs):
        if args or kwargs or index is not False:
            raise TypeError(f"unexpected to_parquet arguments {args} {kwargs} index={index}")
        self.to_pickle(path)

    pd.read_parquet = read_parquet
    pd.DataFrame.to_parquet = to_parquet


class WarningTrap(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def run_main(module_path: Path, argv: list[str]) -> str:
    """What `python -m src.budget_audit ARGV...` prints."""
    saved = sys.argv
    sys.argv = [str(module_path)] + argv
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            runpy.run_path(str(module_path), run_name="__main__")
    finally:
        sys.argv = saved
    return out.getvalue()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("module", type=Path, help="budget_audit.py (the unmodified module)")
    ap.add_argument("--ticks", type=Path, required=True)
    ap.add_argument("--capacity", required=True, help="SYSTEM_CAPACITY_KW, int or float as written")
    ap.add_argument("--pct", required=True, help="MAX_ENERGY_REDUCTION_PCT, int or float as written")
    ap.add_argument("--daily", action="append", default=[], help="a --daily DATE to run (repeatable)")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--data-dir", type=Path, help="DATA_DIR (default: a fresh temporary directory)")
    args = ap.parse_args()

    module_path = args.module.resolve()
    ticks = read_ticks(args.ticks)
    with contextlib.ExitStack() as stack:
        if args.data_dir is None:
            data_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="budget_audit_seed.")))
        else:
            data_dir = args.data_dir.resolve()
            if (data_dir / "budget_audit" / "slot_log.parquet").exists():
                sys.exit(f"{data_dir} already holds a log")
        install_settings(data_dir, number_as_written(args.capacity), number_as_written(args.pct))
        swap_parquet_for_pickle()
        trap = WarningTrap()
        logging.getLogger().addHandler(trap)

        spec = importlib.util.spec_from_file_location("budget_audit", module_path)
        module = importlib.util.module_from_spec(spec)
        sys.modules["budget_audit"] = module
        spec.loader.exec_module(module)

        audit = module.BudgetAuditLog()
        for tick in ticks:
            audit.log_slot(tick)
        if trap.messages:
            sys.exit("log_slot() swallowed an error: " + "; ".join(trap.messages[:5]))
        rows = len(audit.load())
        if rows != len(ticks):
            sys.exit(f"the log has {rows} rows for {len(ticks)} ticks")

        outputs = {"default.txt": [], "report.json": ["--report"]}
        for day in args.daily:
            outputs[f"daily-{day}.json"] = ["--daily", day]
        args.out.mkdir(parents=True, exist_ok=True)
        for name, argv in outputs.items():
            text = run_main(module_path, argv)
            if trap.messages:
                sys.exit(f"{name}: warning: " + "; ".join(trap.messages[:5]))
            (args.out / name).write_bytes(text.encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
