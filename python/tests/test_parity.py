"""budget_audit side by side with the unmodified Python version, on the same tick objects.

For every tick set (tests/ticks.py): daily_summary() of every day and of a day without records,
weekly_report(), load() (pandas.testing.assert_frame_equal, dtypes included) and the
``python -m`` output are equal. Where budget_audit differs on purpose, a test asserts exactly
that difference (the README's migration guide names each one):

- timestamps are instants: load() gives them in UTC where the Python version kept the first
  tick's offset (or none, for naive datetimes, which budget_audit reads as UTC);
- a retried tick (same timestamp and content) is logged once, not twice;
- a tick conflicting with a logged one (same timestamp, other content) is refused;
- an attribute that is None takes the default, as a missing one does (the Python version stored
  None).
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace as Tick

import pandas as pd
import pandas.testing as pdt
import pytest

import budget_audit
import ticks as tick_sets
from conftest import CAPACITY_KW, run_python


def _days(ticks):
    days = []
    for t in ticks:
        d = str(t.timestamp.date())
        if d not in days:
            days.append(d)
    return days


@pytest.mark.parametrize("name", sorted(tick_sets.SETS))
def test_reports_equal(pair, name):
    ticks = tick_sets.SETS[name]()
    pair.log(ticks)
    assert pair.ours.weekly_report() == pair.seed.weekly_report()
    for day in _days(ticks) + ["2031-01-01"]:
        d = date.fromisoformat(day)
        ours, theirs = pair.ours.daily_summary(d), pair.seed.daily_summary(d)
        assert ours == theirs, day
        # Python types too (int stays int, float stays float).
        assert [type(v) for v in ours.values()] == [type(v) for v in theirs.values()], day


@pytest.mark.parametrize("name", sorted(set(tick_sets.SETS) - tick_sets.NOT_UTC))
def test_load_equal(pair, name):
    pair.log(tick_sets.SETS[name]())
    pdt.assert_frame_equal(pair.ours.load(), pair.seed.load())


@pytest.mark.parametrize("name", sorted(tick_sets.NOT_UTC))
def test_load_differs_in_the_timestamps_zone_only(pair, name):
    pair.log(tick_sets.SETS[name]())
    ours, theirs = pair.ours.load(), pair.seed.load()
    assert str(ours["timestamp"].dtype) == "datetime64[us, UTC]"
    if theirs["timestamp"].dt.tz is None:  # naive: read as UTC
        expected_ts = theirs["timestamp"].dt.tz_localize("UTC")
    else:  # the first tick's offset: the same instants
        assert str(theirs["timestamp"].dtype) != "datetime64[us, UTC]"
        expected_ts = theirs["timestamp"].dt.tz_convert("UTC")
    pdt.assert_series_equal(ours["timestamp"], expected_ts)
    pdt.assert_frame_equal(ours.drop(columns="timestamp"), theirs.drop(columns="timestamp"))


def test_load_of_an_empty_log(pair):
    pdt.assert_frame_equal(pair.ours.load(), pair.seed.load())
    assert pair.ours.weekly_report() == pair.seed.weekly_report() == {"error": "No audit data"}
    assert pair.ours.daily_summary(date(2026, 6, 1)) == pair.seed.daily_summary(date(2026, 6, 1))


def test_load_columns_seq_and_range(pair):
    ticks = tick_sets.plain_days(days=2, per_day=4)
    pair.log(ticks)
    full = pair.seed.load()
    df = pair.ours.load(columns=["energy_cost_kwh", "timestamp", "seq"])
    assert list(df.columns) == ["energy_cost_kwh", "timestamp", "seq"]
    assert df["seq"].tolist() == list(range(1, len(ticks) + 1))
    pdt.assert_series_equal(df["energy_cost_kwh"], full["energy_cost_kwh"])
    since = datetime(2026, 6, 2, tzinfo=timezone.utc)
    part = pair.ours.load(since=since)
    pdt.assert_frame_equal(part, full[full["timestamp"] >= since].reset_index(drop=True))
    # A date is the site's local midnight (UTC here), as `export --since DATE`.
    pdt.assert_frame_equal(pair.ours.load(until="2026-06-02"), full[full["timestamp"] < since].reset_index(drop=True))
    with pytest.raises(budget_audit.InvalidError, match="columns: 'energy' is not a column"):
        pair.ours.load(columns=["energy"])


def test_journal_records_are_loaded_and_sealed_ones_too(pair):
    ticks = tick_sets.plain_days(days=3, per_day=6)
    pair.log(ticks)
    pair.ours.seal()
    more = tick_sets.plain_days(days=1, per_day=6, start=datetime(2026, 6, 4, tzinfo=timezone.utc), seed=9)
    pair.log(more)  # in the journal only
    pdt.assert_frame_equal(pair.ours.load(), pair.seed.load())


def test_retried_tick_is_logged_once(pair, caplog):
    ticks = tick_sets.plain_days(days=1, per_day=6)
    pair.log(ticks)
    seq = pair.ours.log_slot(ticks[2])  # a controller resending a tick
    pair.seed.log_slot(ticks[2])
    assert seq == 3  # its first seq
    ours, theirs = pair.ours.load(), pair.seed.load()
    assert len(theirs) == len(ticks) + 1 and len(ours) == len(ticks)
    pdt.assert_frame_equal(ours, theirs.drop(index=len(ticks)).reset_index(drop=True))
    # The rollup counts the tick once: the Python version's numbers without its double.
    assert pair.ours.append(ticks[2]) == 3


def test_conflicting_tick_is_refused(pair, caplog):
    ticks = tick_sets.plain_days(days=1, per_day=6)
    pair.log(ticks)
    other = Tick(**{**vars(ticks[1]), "energy_cost_kwh": 99.0})
    with caplog.at_level("ERROR", logger="budget_audit"):
        assert pair.ours.log_slot(other) is None
    assert "already logged as seq 2" in caplog.text
    pair.seed.log_slot(other)
    assert len(pair.seed.load()) == len(ticks) + 1 and len(pair.ours.load()) == len(ticks)
    with pytest.raises(budget_audit.ConflictError) as e:
        pair.ours.append(other)
    assert e.value.seq == 2 and e.value.code == "AlreadyExists"


def test_none_attributes_take_the_default(pair):
    ts = datetime(2026, 6, 1, 12, tzinfo=timezone.utc)
    with_none = Tick(timestamp=ts, slot_index=None, plan_offset_deg=None, energy_cost_kwh=None,
                     live_gate_passed=None, source=None, stage_id=None)
    pair.log([with_none])
    row = pair.ours.load().iloc[0]
    assert (row["slot_index"], row["planned_offset_deg"], row["energy_cost_kwh"], row["gate_passed"],
            row["source"], row["stage_id"]) == (-1, 0.0, 0.0, False, "", "unknown")
    theirs = pair.seed.load().iloc[0]  # the Python version stored the Nones
    assert pd.isna(theirs["slot_index"]) and pd.isna(theirs["stage_id"])


def test_missing_timestamp_is_now_in_utc(pair):
    before = datetime.now(timezone.utc).replace(microsecond=0)
    pair.log([Tick(slot_index=7, energy_cost_kwh=0.5)])
    ours, theirs = pair.ours.load(), pair.seed.load()
    after = datetime.now(timezone.utc) + timedelta(seconds=1)
    assert before <= ours["timestamp"].iloc[0] <= after
    assert ours["date"].iloc[0] == theirs["date"].iloc[0]
    pdt.assert_frame_equal(ours.drop(columns="timestamp"), theirs.drop(columns="timestamp"))


def test_takeover_of_the_python_versions_file(seed, tmp_path):
    old = tmp_path / "data" / "budget_audit" / "slot_log.parquet"
    legacy = seed.BudgetAuditLog(old)
    for t in tick_sets.plain_days(days=2, per_day=5):
        legacy.log_slot(t)
    before = old.read_bytes()
    expected = legacy.load()
    log = budget_audit.BudgetAuditLog(old, capacity_kw=CAPACITY_KW)
    assert log.path == old.with_suffix("")
    pdt.assert_frame_equal(log.load(), expected)
    assert log.weekly_report() == legacy.weekly_report()
    # Twice: nothing added; the old file untouched.
    again = budget_audit.BudgetAuditLog(old, capacity_kw=CAPACITY_KW)
    pdt.assert_frame_equal(again.load(), expected)
    assert again.snapshot().last_seq == len(expected)
    assert old.read_bytes() == before
    # The default location takes it over too (the one-line change).
    default = budget_audit.BudgetAuditLog(capacity_kw=CAPACITY_KW)
    assert default.path == (tmp_path / "data" / "budget_audit" / "slot_log").relative_to(tmp_path) or \
        default.path.resolve() == (tmp_path / "data" / "budget_audit" / "slot_log")
    pdt.assert_frame_equal(default.load(), expected)
    # A writer after the takeover continues the same log.
    nxt = Tick(timestamp=datetime(2026, 6, 3, tzinfo=timezone.utc), energy_cost_kwh=1.0)
    assert default.append(nxt) == len(expected) + 1
    default.close()


@pytest.mark.parametrize("name", ["plain_days", "rounding_boundaries", "offset_datetimes"])
def test_module_output_equal(seed, tmp_path, name):
    """python -m budget_audit [--report | --daily D | nothing]: the same bytes."""
    ticks = tick_sets.SETS[name]()
    seed_data, our_data = tmp_path / "seed", tmp_path / "ours"
    legacy = seed.BudgetAuditLog(seed_data / "budget_audit" / "slot_log.parquet")
    ours = budget_audit.BudgetAuditLog(our_data / "budget_audit" / "slot_log", sync="none")
    for t in ticks:
        legacy.log_slot(t)
        ours.log_slot(t)
    ours.close()
    seed_env = {"SEED_DATA_DIR": str(seed_data), "SEED_CAPACITY_KW": str(CAPACITY_KW), "PYTHONPATH": str(tmp_path)}
    our_env = {"BUDGET_AUDIT_DATA_DIR": str(our_data), "BUDGET_AUDIT_CAPACITY_KW": str(CAPACITY_KW),
               "BUDGET_AUDIT_MAX_REDUCTION_PCT": "5"}
    import conftest

    seed_script = ["-c", "import runpy, sys; sys.path.insert(0, %r); runpy.run_path(%r, run_name='__main__')"
                   % (str(conftest.SEED_DIR), str(conftest.SEED_DIR / "budget_audit.py"))]
    day = str(ticks[0].timestamp.date())
    for args in ([], ["--report"], ["--daily", day], ["--daily", "2031-01-01"]):
        theirs = run_python(seed_script[:1] + [seed_script[1]] + args, env=seed_env)
        mine = run_python(["-m", "budget_audit"] + args, env=our_env)
        assert theirs.returncode == 0, theirs.stderr
        assert mine.returncode == 0, mine.stderr
        assert mine.stdout == theirs.stdout, args


def test_module_output_of_an_empty_log(seed, tmp_path):
    mine = run_python(["-m", "budget_audit"], env={"BUDGET_AUDIT_DATA_DIR": str(tmp_path / "none")})
    assert (mine.returncode, mine.stdout) == (0, "No audit data yet.\n")


def test_report_json_is_the_clis(pair, cli):
    """The package's dicts are the command-line tool's JSON, parsed."""
    import subprocess

    pair.log(tick_sets.plain_days(days=2, per_day=6))
    pair.ours.close()
    out = subprocess.run([cli, "--log", str(pair.ours.path), "--capacity-kw", str(CAPACITY_KW), "report"],
                         capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == pair.ours.weekly_report()


def test_weekly_report_sums_in_the_order_of_the_numpy_at_hand(seed, tmp_path):
    """Past 8192 records numpy 1 and numpy 2 add a column in different orders (chunks of its
    buffer against one pairwise tree), and a total on a rounding tie comes out differently: these
    12,000 costs sum to 14998.0405 exactly; numpy 2 gives 14998.04, numpy 1 14998.041. The package
    asks its numpy which order it uses; the Python version, run on the same rows, is the judge."""
    import numpy as np

    rng = np.random.default_rng(0)
    costs = rng.integers(0, 2500, 12000) / 1000.0
    costs[-1] = 0.0005
    start = datetime(2026, 6, 1, tzinfo=timezone.utc)
    stamps = [start + timedelta(minutes=i) for i in range(len(costs))]
    # The Python version's file, as its log_slot would have left it (one row per tick).
    legacy = seed.BudgetAuditLog(tmp_path / "seed" / "slot_log.parquet")
    pd.DataFrame({
        "timestamp": stamps, "date": [str(t.date()) for t in stamps], "slot_index": range(len(costs)),
        "planned_offset_deg": 0.0, "actual_offset_deg": 0.0, "energy_cost_kwh": costs,
        "budget_spent_kwh": 0.0, "budget_remaining_kwh": 0.0, "gate_passed": False, "source": "",
        "stage_id": "unknown"}).to_parquet(legacy.path, index=False)
    ours = budget_audit.BudgetAuditLog(tmp_path / "ours", capacity_kw=CAPACITY_KW, max_reduction_pct=5, sync="none")
    for t, c in zip(stamps, costs):
        ours.append(Tick(timestamp=t, energy_cost_kwh=float(c)))
    expected = legacy.weekly_report()
    assert ours.weekly_report() == expected
    ours.seal()  # from the sealed files' summaries too
    assert ours.weekly_report() == expected
    if np.lib.NumpyVersion(np.__version__) >= "2.0.0":
        assert expected["total_cost_kwh"] == 14998.04
    ours.close()
