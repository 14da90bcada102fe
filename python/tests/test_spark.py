"""The fleet's compliance on a real Spark standalone cluster (budget_audit.spark, docs/spark.md).

A fleet of >= 100 generated sites (tools/fleet_gen.py: zones on both hemispheres, budget years
from 01-01, 04-01 and 07-01, every potential basis, ledger anomalies) is published to a fleet
store; scripts/spark-cluster.sh starts one master and two workers on loopback from the pyspark
package in the venv (Java from Debian); the job runs on it, as `python -m budget_audit.spark`
and through spark-submit, and its table must equal the embedded one: `budget-audit fleet
compliance` when the CLI has it, else each site's own `budget-audit compliance`. DuckDB's
read_parquet('DEST/*/*.parquet', hive_partitioning=true) must see every sealed row exactly once.

Skipped only when pyspark is not installed (the extra "spark"; the venv's lock has it) or when
Java cannot be installed.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import zoneinfo
from pathlib import Path

import pytest

from conftest import REPO, find_cli

pyspark = pytest.importorskip("pyspark", reason="pyspark is not installed (the package's extra \"spark\")")

from budget_audit import spark as fleet_spark  # noqa: E402

SITES = 104
START = dt.date(2026, 6, 22)
DAYS = 16  # through 2026-07-07: a month's change, the 07-01 budget years' start
TICK_SECONDS = 600
YEAR = 2026
AS_OF = "2026-07-05"

# The figures compared, by the names of `budget-audit compliance --format json`.
FIGURES = ("budget_year", "as_of", "timezone", "potential", "ceiling_pct", "ceiling_kwh", "spent_kwh", "slots",
           "interventions", "expected_share_to_date", "budget_to_date_kwh", "pace", "projected_kwh",
           "naive_projected_kwh", "compliant_projection", "days_of_budget_left", "log")
# The figures the DuckDB statement of docs/spark.md gives (days_of_budget_left is the driver's walk).
SQL_FIGURES = ("timezone", "ceiling_pct", "ceiling_kwh", "spent_kwh", "slots", "interventions",
               "expected_share_to_date", "budget_to_date_kwh", "pace", "projected_kwh", "naive_projected_kwh",
               "compliant_projection", "finding_checks")


def _load_fleet_gen():
    spec = importlib.util.spec_from_file_location("fleet_gen", REPO / "tools" / "fleet_gen.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


fleet_gen = _load_fleet_gen()


def _cli() -> str:
    path = find_cli()
    if path is None:
        pytest.skip("no budget-audit command built (make build)")
    return path


def _spark_env() -> dict:
    env = dict(os.environ)
    env["SPARK_LOCAL_IP"] = "127.0.0.1"  # the driver too: the executors connect back to it
    env["PYSPARK_PYTHON"] = sys.executable
    env.pop("SPARK_HOME", None)
    return env


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    state = tmp_path_factory.mktemp("spark-cluster")
    script = REPO / "scripts" / "spark-cluster.sh"
    env = dict(os.environ, VENV=str(Path(sys.executable).parent.parent))
    # The script installs Debian's openjdk-17-jre-headless when there is no java: only a
    # failure to do so skips.
    def stop():
        subprocess.run(["bash", str(script), "stop", str(state)], capture_output=True, text=True, env=env,
                       timeout=300)

    p = subprocess.run(["bash", str(script), "start", str(state)], capture_output=True, text=True, env=env,
                       timeout=600)
    if p.returncode != 0:
        stop()  # whatever part of it did start
        if shutil.which("java") is None:
            pytest.skip(f"Java could not be installed for Spark: {p.stderr.strip()[-300:]}")
        pytest.fail(f"spark-cluster.sh start failed:\n{p.stdout}\n{p.stderr}")
    url = p.stdout.strip().splitlines()[-1]
    try:
        assert url.startswith("spark://127.0.0.1:")
        yield url
    finally:
        stop()


@pytest.fixture(scope="module")
def fleet(tmp_path_factory):
    """(sites' list, DEST): the generated fleet published to a store."""
    cli = _cli()
    root = tmp_path_factory.mktemp("fleet")
    dest = root / "store"
    args = [str(root / "sites"), "--sites", str(SITES), "--start", START.isoformat(), "--days", str(DAYS),
            "--tick-seconds", str(TICK_SECONDS), "--seed", "15", "--cli", cli, "--publish", str(dest)]
    assert fleet_gen.main(args) == 0
    sites = json.loads((root / "sites" / "fleet.json").read_text())["sites"]
    return cli, sites, dest


def _embedded(cli: str, sites: list, dest: Path):
    """The embedded table, {site_id: figures} and the site ids in its order: `budget-audit fleet
    compliance` when the CLI has it, else each site's own report; with each site's own report's
    findings named (finding_checks) either way."""
    own = {}
    for s in sites:
        q = subprocess.run([cli, "--config", s["config"], "--log", s["log"], "compliance", "--year", str(YEAR),
                            "--as-of", AS_OF, "--format", "json"], capture_output=True, text=True)
        assert q.returncode == 0, q.stderr
        r = json.loads(q.stdout)
        row = {k: r[k] for k in FIGURES}
        row["findings"] = len(r["findings"])
        row["finding_checks"] = [f["check"] for f in r["findings"]]
        own[s["site_id"]] = row
    p = subprocess.run([cli, "fleet", "compliance", str(dest), "--year", str(YEAR), "--as-of", AS_OF,
                        "--format", "json"], capture_output=True, text=True)
    if p.returncode == 0:
        fleet = json.loads(p.stdout)["sites"]
        table = {}
        for f in fleet:
            assert "error" not in f, f
            # The embedded fleet report equals each site's own report.
            assert {k: f[k] for k in FIGURES} == {k: own[f["site_id"]][k] for k in FIGURES}, f["site_id"]
            assert f["findings"] == own[f["site_id"]]["findings"]
            table[f["site_id"]] = dict(f, finding_checks=own[f["site_id"]]["finding_checks"])
        return table, [f["site_id"] for f in fleet]
    print(f"no `budget-audit fleet compliance` ({p.stderr.strip()[:200]}): comparing with each site's own report")
    order = sorted(own, key=lambda k: (own[k]["pace"] is None, -(own[k]["pace"] or 0.0), k))
    return own, order


def _run_job(command: list) -> dict:
    p = subprocess.run(command, capture_output=True, text=True, env=_spark_env(), timeout=900)
    assert p.returncode == 0, f"{' '.join(command)}: exit {p.returncode}\n{p.stderr[-4000:]}"
    return json.loads(p.stdout)


def _assert_equal(spark_out: dict, embedded: dict, order: list):
    got = {s["site_id"]: s for s in spark_out["sites"]}
    assert sorted(got) == sorted(embedded)
    mismatches = []
    for site_id, want in embedded.items():
        for k in FIGURES:
            # Exact: the same doubles, bit for bit (json round-trips them).
            if got[site_id][k] != want[k]:
                mismatches.append(f"{site_id} {k}: spark {got[site_id][k]!r}, embedded {want[k]!r}")
        if got[site_id]["findings"] != want["findings"] or got[site_id]["finding_checks"] != want["finding_checks"]:
            mismatches.append(f"{site_id} findings: spark {got[site_id]['finding_checks']}, "
                              f"embedded {want['finding_checks']}")
    assert not mismatches, "\n".join(mismatches[:40])
    assert [s["site_id"] for s in spark_out["sites"]] == order


def test_spark_cluster_equals_embedded(fleet, cluster):
    cli, sites, dest = fleet
    assert len(sites) >= 100
    embedded, order = _embedded(cli, sites, dest)
    # The fleet is not a quiet one: the anomalies fleet_gen put in are seen (by the embedded report).
    fired = {c for row in embedded.values() for c in row["finding_checks"]}
    assert fired == set(fleet_spark.CHECKS)  # every ledger check fires somewhere
    # Some sites' files interleave (rows dated in UTC land in the other month's file): the
    # one-stretch path is taken too.
    interleaved = 0
    for d in dest.glob("site=*"):
        f = sorted((x["min_seq"], x["max_seq"]) for x in json.loads((d / "_manifest.json").read_text())["files"])
        interleaved += any(f[i - 1][1] >= f[i][0] for i in range(1, len(f)))
    assert interleaved > 0
    zones = {s["timezone"] for s in sites}
    assert {"Australia/Sydney", "America/Santiago", "Europe/Paris", "Asia/Kathmandu"} <= zones

    out = _run_job([sys.executable, "-m", "budget_audit.spark", str(dest), "--year", str(YEAR),
                    "--as-of", AS_OF, "--master", cluster])
    _assert_equal(out, embedded, order)

    # spark-submit, from the pyspark package's own bin/, runs the module file alone.
    submit = Path(pyspark.__file__).parent / "bin" / "spark-submit"
    out2 = _run_job([str(submit), "--master", cluster, str(Path(fleet_spark.__file__)), str(dest),
                     "--year", str(YEAR), "--as-of", AS_OF])
    assert out2 == out

    # The DuckDB statement of docs/spark.md, as it stands there, gives the same figures.
    duck = _duckdb_fleet(dest)
    assert [r["site_id"] for r in duck] == order
    bad = [f"{r['site_id']} {k}: duckdb {r[k]!r}, embedded {embedded[r['site_id']][k]!r}"
           for r in duck for k in SQL_FIGURES if r[k] != embedded[r["site_id"]][k]]
    assert not bad, "\n".join(bad[:40])


def test_fleet_verify_on_the_cluster(fleet, cluster, tmp_path):
    """fleet verify on Spark: every site verified in parallel on the executors by the Python
    package; a changed byte in one site's month file is found, naming the site and the file."""
    _, sites, dest = fleet
    store = tmp_path / "store"
    shutil.copytree(dest, store)
    victim = sorted(store.glob("site=*"))[7]
    month = sorted(victim.glob("*.parquet"))[-1]
    data = bytearray(month.read_bytes())
    data[len(data) // 2] ^= 0x01
    month.write_bytes(bytes(data))
    p = subprocess.run([sys.executable, "-m", "budget_audit.spark", str(store), "--verify", "--master", cluster],
                       capture_output=True, text=True, env=_spark_env(), timeout=900)
    assert p.returncode == 1, p.stderr[-3000:]
    report = json.loads(p.stdout)
    assert report["intact"] is False and len(report["sites"]) == len(sites)
    by_id = {r["site_id"]: r for r in report["sites"]}
    bad = by_id.pop(victim.name[len("site="):])
    assert not bad["intact"] and month.name in bad["error"] and "SHA-256" in bad["error"]
    rows = {s["site_id"]: s["rows"] for s in sites}
    assert all(r["intact"] and r["records"] == rows[k] for k, r in by_id.items())


def _duckdb_fleet(dest: Path) -> list:
    duckdb = pytest.importorskip("duckdb")
    doc = (REPO / "docs" / "spark.md").read_text()
    sql = doc.split("<!-- duckdb-fleet-sql -->")[1].split("```sql")[1].split("```")[0]
    sql = sql.replace("'DEST/", f"'{dest}/").replace("make_date(2026,", f"make_date({YEAR},")
    sql = sql.replace("DATE '2026-07-05'", f"DATE '{AS_OF}'")
    cur = duckdb.connect().execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def test_duckdb_sees_every_sealed_row_once(fleet):
    duckdb = pytest.importorskip("duckdb")
    _, sites, dest = fleet
    sealed = 0
    per_site = {}
    for d in dest.glob("site=*"):
        manifest = json.loads((d / "_manifest.json").read_text())
        rows = sum(f["rows"] for f in manifest["files"])
        per_site[d.name[len("site="):]] = rows
        sealed += rows
    assert sealed == sum(s["rows"] for s in sites)  # every generated tick was sealed and published
    con = duckdb.connect()
    glob = str(dest / "*" / "*.parquet")
    total, distinct = con.execute(
        "SELECT count(*), count(DISTINCT (site, seq)) FROM read_parquet(?, hive_partitioning=true)",
        [glob]).fetchone()
    assert total == sealed and distinct == sealed
    by_site = dict(con.execute("SELECT site, count(*) FROM read_parquet(?, hive_partitioning=true) GROUP BY site",
                               [glob]).fetchall())
    assert by_site == per_site
    # The partition key is in the path only: no file has a site column of its own.
    columns = [r[0] for r in con.execute("DESCRIBE SELECT * FROM read_parquet(?, hive_partitioning=false)",
                                         [glob]).fetchall()]
    assert "site" not in columns


# ---- the driver's arithmetic, without Spark ----------------------------------------------------


def test_budget_year_and_share():
    assert fleet_spark.budget_year("07-01", 2026, dt.date(2026, 7, 5)) == (dt.date(2026, 7, 1),
                                                                           dt.date(2027, 6, 30))
    assert fleet_spark.budget_year("07-01", None, dt.date(2026, 3, 5)) == (dt.date(2025, 7, 1),
                                                                           dt.date(2026, 6, 30))
    m = [i / 78 for i in range(1, 13)]
    assert fleet_spark.day_share(m, dt.date(2028, 2, 10)) == m[1] / 29


def test_start_of_day_when_midnight_does_not_exist():
    # Chile moves its clocks at 24:00: 2026-09-06 begins at 01:00 -03 (04:00 UTC).
    tz = zoneinfo.ZoneInfo("America/Santiago")
    us = fleet_spark.start_of_day(tz, dt.date(2026, 9, 6))
    assert dt.datetime.fromtimestamp(us / 1e6, dt.timezone.utc) == dt.datetime(2026, 9, 6, 4,
                                                                                tzinfo=dt.timezone.utc)
    paris = fleet_spark.start_of_day(zoneinfo.ZoneInfo("Europe/Paris"), dt.date(2026, 7, 1))
    assert dt.datetime.fromtimestamp(paris / 1e6, dt.timezone.utc) == dt.datetime(2026, 6, 30, 22,
                                                                                  tzinfo=dt.timezone.utc)


def test_compensated_sum_keeps_small_costs():
    s = fleet_spark.CompensatedSum()
    for x in [1e16, 1.0, -1e16]:
        s.add(x)
    assert s.value() == 1.0  # a plain sum gives 0.0
