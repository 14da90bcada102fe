"""Independent readers of what budget_audit writes: pandas/pyarrow on the sealed Parquet
directory, and pyarrow, polars and DuckDB on the snapshot's Arrow stream (the PyCapsule
interface), with the right types."""

from __future__ import annotations

from datetime import datetime, timezone

import pandas as pd
import pandas.testing as pdt
import pyarrow as pa
import pytest

import budget_audit
import ticks as tick_sets

EXPECTED_TYPES = {
    "timestamp": pa.timestamp("us", tz="UTC"),
    "date": pa.string(),
    "slot_index": pa.int64(),
    "planned_offset_deg": pa.float64(),
    "actual_offset_deg": pa.float64(),
    "energy_cost_kwh": pa.float64(),
    "budget_spent_kwh": pa.float64(),
    "budget_remaining_kwh": pa.float64(),
    "gate_passed": pa.bool_(),
    "source": pa.string(),
    "stage_id": pa.string(),
    "seq": pa.int64(),
}


@pytest.fixture
def log(tmp_path):
    log = budget_audit.BudgetAuditLog(tmp_path / "slot_log", capacity_kw=500, sync="none")
    for t in tick_sets.plain_days(days=4, per_day=12):
        assert log.log_slot(t) is not None
    yield log
    log.close()


def test_read_parquet_of_the_directory_is_the_sealed_history(log):
    log.seal()
    sealed = log.snapshot().sealed_seq
    assert sealed == 48
    # Today's records stay in the journal, which pandas never sees.
    log.log_slot(tick_sets.Tick(timestamp=datetime(2026, 6, 5, tzinfo=timezone.utc), energy_cost_kwh=1.0))
    df = pd.read_parquet(log.path, engine="pyarrow")
    assert len(df) == sealed
    ours = log.load(columns=list(budget_audit.COLUMNS) + ["seq"]).iloc[:sealed]
    df = df.sort_values("seq").reset_index(drop=True)
    pdt.assert_frame_equal(df[ours.columns], ours, check_dtype=True)


def test_pyarrow_reads_the_stream(log):
    snap = log.snapshot()
    table = pa.table(snap)
    assert table.num_rows == 48
    assert {f.name: f.type for f in table.schema} == EXPECTED_TYPES
    assert table.column("seq").to_pylist() == list(range(1, 49))
    # A second read of the same snapshot gives the same records.
    assert pa.table(snap).equals(table)
    sub = pa.table(log.snapshot(columns=["energy_cost_kwh", "gate_passed"], seq=False))
    assert sub.column_names == ["energy_cost_kwh", "gate_passed"]


def test_polars_reads_the_stream(log):
    pl = pytest.importorskip("polars")
    df = pl.DataFrame(log.snapshot())
    assert df.height == 48
    assert df.schema["timestamp"] == pl.Datetime("us", "UTC")
    assert df.schema["gate_passed"] == pl.Boolean
    assert df.schema["source"] == pl.String
    assert df["energy_cost_kwh"].sum() == pytest.approx(log.load()["energy_cost_kwh"].sum())


def test_duckdb_reads_the_stream(log):
    duckdb = pytest.importorskip("duckdb")
    snap = log.snapshot()  # DuckDB scans an object with __arrow_c_stream__ by its variable's name
    con = duckdb.connect()
    row = con.execute("SELECT count(*), sum(energy_cost_kwh), count(*) FILTER (WHERE gate_passed), "
                      "min(timestamp) FROM snap").fetchone()
    df = log.load()
    assert row[0] == 48
    assert row[1] == pytest.approx(df["energy_cost_kwh"].sum())
    assert row[2] == int(df["gate_passed"].sum())
    assert row[3] == datetime(2026, 6, 1, tzinfo=timezone.utc)
    types = dict(con.execute("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM snap)").fetchall())
    assert types["timestamp"] == "TIMESTAMP WITH TIME ZONE" and types["gate_passed"] == "BOOLEAN"


def test_the_stream_is_a_view(log):
    snap = log.snapshot()
    log.log_slot(tick_sets.Tick(timestamp=datetime(2026, 7, 1, tzinfo=timezone.utc)))
    assert pa.table(snap).num_rows == 48
    assert pa.table(log.snapshot()).num_rows == 49
