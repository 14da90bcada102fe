"""BudgetAuditLog.compliance() and .allowance() (docs/compliance.md) on logs built through the
package, at a northern site (Europe/Paris, budget year from 01-01, its own monthly shares) and a
southern one (Australia/Sydney, budget year from 07-01, the default southern shares), months of
ticks across both sites' DST changes, some of them given in UTC so that their ``date`` column is
not the site's day:

- the figures, the table and the page are the command's (``budget-audit compliance`` and
  ``allowance`` over the same log and config file), byte for byte;
- the figures are the documented formulas computed here by hand: spent_kwh the sum of the costs
  of the ticks whose day in the site's zone is covered, the months, the expected share, pace,
  projections, days of budget left, the allowance;
- a controller that spends exactly its allowance every day ends the year at the ceiling;
- errors are the command's words: the arguments' as InvalidError, the settings' as ConfigError.
"""

from __future__ import annotations

import json
import math
import os
import random
import shutil
import subprocess
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace as Tick
from zoneinfo import ZoneInfo

import pytest

import budget_audit

UTC = timezone.utc

# Local times of a day's ticks (clear of the DST changes' missing and repeated hours); those at
# these positions are handed over in UTC, so their `date` column is the UTC date (for 00:10 in
# Paris and in Sydney, the day before the site's).
TICK_TIMES = ((0, 10), (5, 30), (11, 0), (13, 45), (16, 40), (22, 30), (23, 50))
GIVEN_IN_UTC = (0, 3, 5)

# docs/compliance.md's default southern shares (percent).
DEFAULT_SOUTH = [13.5, 10.5, 9.0, 6.5, 4.5, 3.5, 4.0, 5.0, 7.5, 10.0, 12.0, 14.0]
PARIS_SHARES = [2.09, 3.19, 6.25, 9.68, 13.72, 15.55, 16.06, 13.59, 9.36, 5.74, 2.91, 1.86]


class Site:
    """A plant: its zone, budget year, config file, monthly shares and ticks, what was logged (by
    site day), and the as-of days and allowance days the tests ask about."""

    def __init__(self, name, zone, year_start, config, shares_pct, first, last, seed):
        self.name = name
        self.zone = zone
        self.tz = ZoneInfo(zone)
        self.year_start = year_start  # (month, day)
        self.config_text = config
        self.shares = [p / 100 for p in shares_pct]
        self.first, self.last = first, last  # the ticks' local days
        self.seed = seed
        self.ceiling = None  # set by each site's config below
        self.records = []  # (site day, cost, gate, date column) of every tick logged
        self.as_of = []  # (year or None, as_of)
        self.allowance_days = []
        self.dir = None
        self.config = None

    def ticks(self):
        rng = random.Random(self.seed)
        spent = 0.0
        d = self.first
        while d <= self.last:
            for k, (h, m) in enumerate(TICK_TIMES):
                local = datetime(d.year, d.month, d.day, h, m, tzinfo=self.tz)
                ts = local.astimezone(UTC) if k in GIVEN_IN_UTC else local
                gate = rng.random() < 0.6
                cost = round(rng.uniform(0.0, 4.0), rng.choice([1, 2, 3])) if gate else 0.0
                spent += cost
                yield Tick(timestamp=ts, slot_index=k, plan_offset_deg=float(k), target_angle=float(k),
                           energy_cost_kwh=cost, budget_spent_kwh=spent, budget_remaining_kwh=1e6 - spent,
                           live_gate_passed=gate, source=rng.choice(["plan", "frost"]),
                           stage_id=rng.choice(["heading", "flowering"]))
            d += timedelta(days=1)

    # ---- the documented formulas, by hand

    def budget_year(self, day, year=None):
        """(first day, last day) of the budget year holding `day`, or starting in `year`."""
        m, dd = self.year_start
        if year is None:
            year = day.year if day >= date(day.year, m, dd) else day.year - 1
        return date(year, m, dd), date(year + 1, m, dd) - timedelta(days=1)

    def s(self, day):
        """A day's share: its month's share over the month's days."""
        nxt = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
        return self.shares[day.month - 1] / (nxt - date(day.year, day.month, 1)).days

    def share_between(self, a, b):
        total, d = 0.0, a
        while d <= b:
            total += self.s(d)
            d += timedelta(days=1)
        return total

    def covered(self, start, end):
        return [r for r in self.records if start <= r[0] <= end]


def _paris():
    site = Site("paris", "Europe/Paris", (1, 1),
                'capacity_kw = 500\nmax_reduction_pct = 1.25\ntimezone = "Europe/Paris"\n'
                "annual_potential_kwh = 614630\n"
                f"monthly_share = {PARIS_SHARES}\n",
                PARIS_SHARES, date(2024, 12, 20), date(2025, 9, 30), seed=3)
    site.ceiling = 1.25 / 100 * 614630
    # as_of values (year None: the budget year holding it): the year's first day, the DST
    # changes, a month's end, the last tick's day, after the ticks, the year's last day; the
    # year before (its last ticks).
    site.as_of = [(None, "2025-01-01"), (None, "2025-03-30"), (None, "2025-06-30"), (None, "2025-09-30"),
                  (None, "2025-10-26"), (2025, "2025-12-31"), (2024, "2024-12-31")]
    site.allowance_days = ["2025-01-01", "2025-03-30", "2025-06-15", "2025-09-30", "2025-10-26", "2025-12-31",
                           "2024-12-24"]
    return site


def _sydney():
    site = Site("sydney", "Australia/Sydney", (7, 1),
                'capacity_kw = 250\nmax_reduction_pct = 5\ntimezone = "Australia/Sydney"\n'
                'budget_year_start = "07-01"\nspecific_yield_kwh_per_kwp = 1450\nlatitude = -33.87\n',
                DEFAULT_SOUTH, date(2025, 6, 20), date(2026, 1, 10), seed=5)
    site.ceiling = 5 / 100 * (1450 * 250)
    site.as_of = [(None, "2025-06-25"), (None, "2025-07-01"), (None, "2025-10-05"), (None, "2025-12-31"),
                  (None, "2026-01-10"), (2025, "2026-03-01"), (None, "2026-06-30")]
    site.allowance_days = ["2025-06-30", "2025-07-01", "2025-10-05", "2026-01-01", "2026-01-10", "2026-06-30"]
    return site


SITES = {"paris": _paris, "sydney": _sydney}


@pytest.fixture(scope="module", params=sorted(SITES))
def site(request, tmp_path_factory):
    """A site's log, built once per module through the package (append)."""
    s = SITES[request.param]()
    root = tmp_path_factory.mktemp(s.name)
    s.config = root / "site.toml"
    s.config.write_text(s.config_text)
    s.dir = root / "log"
    with pytest.MonkeyPatch.context() as mp:
        for var in list(os.environ):
            if var.startswith("BUDGET_AUDIT_"):
                mp.delenv(var)
        with budget_audit.BudgetAuditLog(s.dir, config=s.config, sync="none") as log:
            for t in s.ticks():
                log.append(t)
                day = t.timestamp.astimezone(s.tz).date()
                s.records.append((day, t.energy_cost_kwh, t.live_gate_passed, t.timestamp.date()))
    return s


def _log(site):
    return budget_audit.BudgetAuditLog(site.dir, config=site.config)


def _run(cli, site, *args, log_dir=None, config=None):
    return subprocess.run([cli, "--log", str(log_dir or site.dir), "--config", str(config or site.config)]
                          + [str(a) for a in args], capture_output=True, text=True)


def _compliance_args(year, as_of):
    args = ["compliance"]
    if year is not None:
        args += ["--year", year]
    if as_of is not None:
        args += ["--as-of", as_of]
    return args


def _day(text):
    return date.fromisoformat(text)


def _days(a, b):
    d = a
    while d <= b:
        yield d
        d += timedelta(days=1)


# ---------------------------------------------------------------- the command's output


def _without_now(report):
    """The report without what depends on the moment it is made: an outage through today runs
    to now."""
    for f in report["findings"]:
        if f["check"] == "outage":
            for key in ("message", "value", "timestamps"):
                f.pop(key, None)
    return report


def test_compliance_is_the_commands(site, cli):
    log = _log(site)
    for year, as_of in site.as_of:  # all in the past: the same text, byte for byte
        r = _run(cli, site, *_compliance_args(year, as_of), "--format", "json")
        assert r.returncode == 0, r.stderr
        assert log.compliance(year=year, as_of=as_of, format="json") == r.stdout, (year, as_of)
        assert log.compliance(year=year, as_of=as_of) == json.loads(r.stdout), (year, as_of)
    # Today (the default): the same figures.
    r = _run(cli, site, "compliance")
    assert r.returncode == 0, r.stderr
    assert _without_now(log.compliance()) == _without_now(json.loads(r.stdout))
    # A date object is its YYYY-MM-DD.
    year, as_of = site.as_of[2]
    assert log.compliance(year=year, as_of=_day(as_of)) == log.compliance(year=year, as_of=as_of)
    for fmt in ("table", "html"):
        r = _run(cli, site, *_compliance_args(year, as_of), "--format", fmt)
        assert r.returncode == 0, r.stderr
        assert log.compliance(year=year, as_of=as_of, format=fmt) == r.stdout, fmt


def test_allowance_is_the_commands(site, cli):
    log = _log(site)
    for day in site.allowance_days + [None]:
        args = ["allowance"] + ([day] if day else [])
        r = _run(cli, site, *args)
        assert r.returncode == 0, r.stderr
        assert log.allowance(day) == json.loads(r.stdout), day
        assert log.allowance(day, format="json") == r.stdout, day
        t = _run(cli, site, *args, "--format", "table")
        assert t.returncode == 0, t.stderr
        assert log.allowance(day, format="table") == t.stdout, day
    assert log.allowance(_day(site.allowance_days[0])) == log.allowance(site.allowance_days[0])


# ---------------------------------------------------------------- the formulas, by hand


def test_figures_are_the_documented_formulas(site):
    log = _log(site)
    for year, as_of_text in site.as_of:
        as_of = _day(as_of_text)
        start, end = site.budget_year(as_of, year)
        rep = log.compliance(year=year, as_of=as_of_text)
        where = f"{site.name} as of {as_of}"
        assert rep["budget_year"] == {"start": start.isoformat(), "end": end.isoformat()}, where
        assert rep["as_of"] == as_of_text and rep["timezone"] == site.zone
        assert rep["potential"]["monthly_share"] == pytest.approx(site.shares, rel=1e-12)
        assert rep["ceiling_kwh"] == pytest.approx(site.ceiling, rel=1e-12)

        covered = site.covered(start, as_of)
        spent = math.fsum(c for _, c, _, _ in covered)
        assert rep["spent_kwh"] == pytest.approx(spent, rel=1e-12, abs=1e-9), where
        assert rep["slots"] == len(covered), where
        assert rep["interventions"] == sum(1 for _, _, g, _ in covered if g), where

        share = site.share_between(start, as_of)
        assert rep["expected_share_to_date"] == pytest.approx(share, rel=1e-12), where
        budget = site.ceiling * share
        assert rep["budget_to_date_kwh"] == pytest.approx(budget, rel=1e-12), where
        assert rep["pace"] == pytest.approx(spent / budget, rel=1e-12), where
        projected = spent / share
        assert rep["projected_kwh"] == pytest.approx(projected, rel=1e-12), where
        assert rep["compliant_projection"] == (projected <= site.ceiling), where
        # The Python version's: the daily average over the distinct `date` values (each tick's
        # own calendar date, not the site's day) × 365.
        dates = {d for _, _, _, d in covered}
        if dates:
            assert rep["naive_projected_kwh"] == pytest.approx(spent / len(dates) * 365, rel=1e-12), where
        else:
            assert rep["naive_projected_kwh"] is None, where
        # Days of budget left: spending the projected year in the seasons' proportions from the
        # day after as_of, the whole days before the running total exceeds the ceiling.
        left, running = None, spent
        if spent >= site.ceiling:
            left = 0
        else:
            for n, d in enumerate(_days(as_of + timedelta(days=1), end)):
                running += projected * site.s(d)
                if running > site.ceiling:
                    left = n
                    break
        assert rep["days_of_budget_left"] == left, where

        # One month object per month of the budget year through as_of.
        months = []
        d = start
        while d <= as_of:
            key = d.strftime("%Y-%m")
            mine = [r for r in covered if r[0].strftime("%Y-%m") == key]
            months.append({"month": key, "spent_kwh": math.fsum(c for _, c, _, _ in mine),
                           "budget_kwh": site.ceiling * site.shares[d.month - 1],
                           "interventions": sum(1 for _, _, g, _ in mine if g), "slots": len(mine)})
            d = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
        assert [m["month"] for m in rep["months"]] == [m["month"] for m in months], where
        for got, want in zip(rep["months"], months):
            month = want.pop("month")
            assert got.pop("month") == month
            assert got == pytest.approx(want, rel=1e-12, abs=1e-9), (where, month)

        # The ticks handed over in UTC just after the site's midnight: a date column that is not
        # the site's day.
        not_site_day = sum(1 for day, _, _, d in covered if d != day)
        found = [f for f in rep["findings"] if f["check"] == "date_not_site_day"]
        if not_site_day:
            assert len(found) == 1 and found[0]["count"] == not_site_day, where
        else:
            assert not found, where


def test_spent_buckets_by_the_sites_day_not_the_utc_day(site):
    """Around the budget year's first day, the ticks of the site's first local hours (the UTC
    day before) count in the new year, those of its last hours before it in the old one."""
    start, end = site.budget_year(site.first + timedelta(days=40))
    rep = _log(site).compliance(as_of=start.isoformat())
    first_day = [r for r in site.records if r[0] == start]
    assert first_day and any(d != start for _, _, _, d in first_day)  # some are the UTC day before
    assert rep["slots"] == len(first_day) == len(TICK_TIMES)
    assert rep["spent_kwh"] == pytest.approx(math.fsum(c for _, c, _, _ in first_day), rel=1e-12, abs=1e-12)
    before = _log(site).compliance(as_of=(start - timedelta(days=1)).isoformat())
    assert before["budget_year"]["end"] == (start - timedelta(days=1)).isoformat()
    prior = [r for r in site.records if r[0] < start]
    assert before["slots"] == len(prior)


def test_allowance_is_the_documented_formula(site):
    log = _log(site)
    for text in site.allowance_days:
        day = _day(text)
        start, end = site.budget_year(day)
        a = log.allowance(text)
        spent_before = math.fsum(c for d, c, _, _ in site.records if start <= d < day)
        remaining = site.share_between(day, end)
        want = max(0.0, (site.ceiling - spent_before) * site.s(day) / remaining)
        assert a["date"] == text
        assert a["budget_year"] == {"start": start.isoformat(), "end": end.isoformat()}
        assert a["ceiling_kwh"] == pytest.approx(site.ceiling, rel=1e-12)
        assert a["spent_before_kwh"] == pytest.approx(spent_before, rel=1e-12, abs=1e-9), text
        assert a["day_share"] == pytest.approx(site.s(day), rel=1e-12), text
        assert a["remaining_share"] == pytest.approx(remaining, rel=1e-12), text
        assert a["allowance_kwh"] == pytest.approx(want, rel=1e-12, abs=1e-12), text


def test_spending_each_allowance_ends_the_year_at_the_ceiling(site, tmp_path):
    """From the day after the last tick to the budget year's last day, a controller logs each
    day exactly its allowance: the allowances sum to the budget left, each is the budget left ×
    s(d) ÷ the shares left, and the year ends at the ceiling."""
    shutil.copytree(site.dir, tmp_path / "log")
    first = site.last + timedelta(days=1)
    start, end = site.budget_year(first)
    left = site.ceiling - math.fsum(c for d, c, _, _ in site.records if start <= d < first)
    assert left > 0
    shares_left = site.share_between(first, end)
    allowances = []
    with budget_audit.BudgetAuditLog(tmp_path / "log", config=site.config, sync="none") as log:
        for d in _days(first, end):
            a = log.allowance(d)["allowance_kwh"]
            assert a == pytest.approx(left * site.s(d) / shares_left, rel=1e-9), d
            allowances.append(a)
            log.append(Tick(timestamp=datetime(d.year, d.month, d.day, 12, tzinfo=site.tz), energy_cost_kwh=a,
                            live_gate_passed=True, source="allowance"))
        assert math.fsum(allowances) == pytest.approx(left, rel=1e-6)
        # Read with those ticks in the journal (the writer is open): the year's records, sealed
        # and not, count alike.
        year_end = log.compliance(as_of=end)
        records = len(site.covered(start, end)) + len(allowances)
        assert year_end["slots"] == sum(m["slots"] for m in year_end["months"]) == records
        assert year_end["spent_kwh"] == pytest.approx(site.ceiling, rel=1e-6)
        assert year_end["compliant_projection"] is True
        assert year_end["pace"] == pytest.approx(1.0, rel=1e-6)


def test_nothing_is_allowed_once_the_ceiling_is_spent(site, cli, tmp_path):
    small = tmp_path / "small.toml"
    small.write_text(f'timezone = "{site.zone}"\nannual_potential_kwh = 1000\nmax_reduction_pct = 1\n'
                     f'budget_year_start = "{site.year_start[0]:02}-{site.year_start[1]:02}"\n')
    log = budget_audit.BudgetAuditLog(site.dir, config=small)
    day = site.last.isoformat()
    a = log.allowance(day)
    assert a["ceiling_kwh"] == 10.0 and a["spent_before_kwh"] > 10 and a["allowance_kwh"] == 0.0
    r = _run(cli, site, "allowance", day, config=small)
    assert r.returncode == 0 and json.loads(r.stdout) == a
    rep = log.compliance(as_of=day)
    assert rep["days_of_budget_left"] == 0 and rep["compliant_projection"] is False
    assert rep["potential"]["basis"] == "annual_potential_kwh"
    # --check's verdict is the report's compliant_projection.
    r = _run(cli, site, "compliance", "--as-of", day, "--check", config=small)
    assert r.returncode == 4 and json.loads(r.stdout) == rep


# ---------------------------------------------------------------- errors: the command's words


def _cli_error(r):
    assert r.returncode != 0 and r.stdout == ""
    prefix = "budget-audit: "
    assert r.stderr.startswith(prefix) and r.stderr.endswith("\n"), r.stderr
    return r.stderr[len(prefix):-1]


@pytest.mark.parametrize("call, args", [
    (dict(as_of="2026-13-05"), ["compliance", "--as-of", "2026-13-05"]),
    (dict(as_of="2026-02-30"), ["compliance", "--as-of", "2026-02-30"]),
    (dict(as_of="yesterday"), ["compliance", "--as-of", "yesterday"]),
    (dict(as_of="2026-7-1"), ["compliance", "--as-of", "2026-7-1"]),
    (dict(year=2025, as_of="2026-07-01"), ["compliance", "--year", "2025", "--as-of", "2026-07-01"]),
    (dict(year=2024, as_of="2025-12-31"), ["compliance", "--year", "2024", "--as-of", "2025-12-31"]),
    (dict(date="2026-04-31"), ["allowance", "2026-04-31"]),
    (dict(date="20261301"), ["allowance", "20261301"]),
    (dict(date="soon"), ["allowance", "soon"]),
])
def test_bad_arguments_are_invalid_errors_in_the_commands_words(site, cli, call, args):
    log = _log(site)
    fn = log.allowance if args[0] == "allowance" else log.compliance
    with pytest.raises(budget_audit.InvalidError) as e:
        fn(**call)
    assert type(e.value) is budget_audit.InvalidError  # the call's fault, not the settings'
    assert e.value.code == "InvalidArgument"
    r = _run(cli, site, *args)
    assert r.returncode == 2
    assert str(e.value) == _cli_error(r)


@pytest.mark.parametrize("config, words", [
    ('timezone = "Europe/Paris"\n', "needs the plant's capacity_kw"),
    ('timezone = "Europe/Paris"\nspecific_yield_kwh_per_kwp = 1100\n', "needs the plant's capacity_kw"),
    ('capacity_kw = 100\npotential_file = "missing-pvgis.json"\n', "missing-pvgis.json"),
    ('capacity_kw = 100\nmonthly_file = "monthly.csv"\n', "monthly_file"),
])
def test_settings_errors_are_config_errors_in_the_commands_words(site, cli, tmp_path, config, words):
    toml = tmp_path / "plant.toml"
    toml.write_text(config)
    (tmp_path / "monthly.csv").write_text("1\n2\n3\n")  # 3 months, not 12
    log = budget_audit.BudgetAuditLog(site.dir, config=toml)
    for fn, args in ((lambda: log.compliance(as_of="2025-09-30"), ["compliance", "--as-of", "2025-09-30"]),
                     (lambda: log.allowance("2025-09-30"), ["allowance", "2025-09-30"])):
        with pytest.raises(budget_audit.ConfigError) as e:
            fn()
        assert words in str(e.value)
        assert str(e.value) == _cli_error(_run(cli, site, *args, config=toml))
    # A bad date does not hide the settings' error (the command reports the settings first).
    with pytest.raises(budget_audit.ConfigError):
        log.compliance(as_of="2025-13-01")


def test_package_only_arguments(site, tmp_path):
    log = _log(site)
    with pytest.raises(budget_audit.InvalidError, match="format"):
        log.compliance(format="pdf")
    with pytest.raises(budget_audit.InvalidError, match="format"):
        log.allowance("2025-09-30", format="html")
    with pytest.raises(budget_audit.InvalidError, match="as_of: expected a date"):
        log.compliance(as_of=20250930)
    with pytest.raises(budget_audit.LogNotFoundError):
        budget_audit.BudgetAuditLog(tmp_path / "none", config=site.config).compliance()
    with pytest.raises(budget_audit.LogNotFoundError):
        budget_audit.BudgetAuditLog(tmp_path / "none", config=site.config).allowance()
