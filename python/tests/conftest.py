"""Fixtures of the Python package's tests.

- ``seed``: the Python version (tests/seed/budget_audit.py, unmodified) loaded as its own module,
  with its ``config.settings`` stub; its capacity and ceiling are set per test.
- ``pair``: a seed log and a budget_audit log in a fresh directory, fed the same ticks.
- ``cli``: the budget-audit command (BA_TEST_CLI, else build/budget-audit, else skipped).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
SEED_DIR = HERE / "seed"
REPO = HERE.parents[1]

CAPACITY_KW = 500.0


def _load_seed():
    sys.path.insert(0, str(SEED_DIR))  # for its `from config.settings import ...`
    try:
        spec = importlib.util.spec_from_file_location("seed_budget_audit", SEED_DIR / "budget_audit.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules["seed_budget_audit"] = module  # dataclasses look their module up
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(SEED_DIR))
    return module


_SEED = _load_seed()


@pytest.fixture
def seed(monkeypatch):
    monkeypatch.setattr(_SEED, "SYSTEM_CAPACITY_KW", CAPACITY_KW)
    monkeypatch.setattr(_SEED, "MAX_ENERGY_REDUCTION_PCT", 5)
    return _SEED


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch, tmp_path):
    # Nothing from the developer's environment decides a test's settings.
    for var in list(os.environ):
        if var.startswith("BUDGET_AUDIT_"):
            monkeypatch.delenv(var)
    monkeypatch.chdir(tmp_path)


class Pair:
    """The seed's log and ours, in one directory, logging the same ticks."""

    def __init__(self, seed_module, root: Path):
        import budget_audit

        self.root = root
        self.seed = seed_module.BudgetAuditLog(root / "seed" / "slot_log.parquet")
        self.ours = budget_audit.BudgetAuditLog(root / "ours" / "slot_log", capacity_kw=CAPACITY_KW,
                                                max_reduction_pct=5, sync="none")

    def log(self, ticks):
        for t in ticks:
            self.seed.log_slot(t)
            self.ours.log_slot(t)


@pytest.fixture
def pair(seed, tmp_path):
    p = Pair(seed, tmp_path)
    yield p
    p.ours.close()


def find_cli():
    env = os.environ.get("BA_TEST_CLI")
    candidates = [env] if env else []
    candidates += [str(REPO / "build" / "budget-audit"), str(REPO / "build-asan" / "budget-audit")]
    for c in candidates:
        if c and os.access(c, os.X_OK):
            return c
    return shutil.which("budget-audit")


@pytest.fixture
def cli():
    named = os.environ.get("BA_TEST_CLI")
    if named and not os.access(named, os.X_OK):
        pytest.fail(f"BA_TEST_CLI={named} is not an executable (make unit builds it)")
    path = find_cli()
    if path is None:
        pytest.skip("no budget-audit command built (make build)")
    return path


def run_python(args, env=None, cwd=None, **kw):
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([sys.executable] + list(args), env=full_env, cwd=cwd, capture_output=True, text=True, **kw)
