"""BudgetAuditLog's own behaviour: locking, never raising from log_slot, the one validation
policy (the same refusal as the `log` command, word for word), errors, threads, settings, fork."""

from __future__ import annotations

import json
import os
import subprocess
import threading
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace as Tick

import numpy as np
import pandas as pd
import pytest

import budget_audit
from conftest import run_python

UTC = timezone.utc
T0 = datetime(2026, 6, 1, 10, tzinfo=UTC)


def tick(i, **kw):
    fields = dict(timestamp=T0 + timedelta(minutes=i), slot_index=i, energy_cost_kwh=0.5, live_gate_passed=True,
                  source="plan", stage_id="flowering")
    fields.update(kw)
    return Tick(**fields)


@pytest.fixture
def log(tmp_path):
    with budget_audit.BudgetAuditLog(tmp_path / "log", capacity_kw=100, sync="none") as log:
        yield log


def test_construction_takes_no_lock_and_reads_nothing(tmp_path):
    a = budget_audit.BudgetAuditLog(tmp_path / "log", config=tmp_path / "missing.toml")
    assert not (tmp_path / "log").exists()
    assert repr(a).endswith("not writing)")


def test_readers_in_other_processes_while_a_writer_logs(tmp_path, cli):
    writer = budget_audit.BudgetAuditLog(tmp_path / "log", sync="none")
    for i in range(5):
        assert writer.log_slot(tick(i)) == i + 1
    code = ("import budget_audit, json; l = budget_audit.BudgetAuditLog(%r, capacity_kw=100); "
            "print(json.dumps([len(l.load()), l.weekly_report()['total_interventions']]))" % str(tmp_path / "log"))
    out = run_python(["-c", code])
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == [5, 5]
    report = subprocess.run([cli, "--log", str(tmp_path / "log"), "--capacity-kw", "100", "report"],
                            capture_output=True, text=True)
    assert report.returncode == 0, report.stderr
    # Another writer is refused with the holder named.
    other = subprocess.run([cli, "--log", str(tmp_path / "log"), "log"], input="", capture_output=True, text=True)
    assert other.returncode == 3 and "python budget_audit" in other.stderr
    writer.close()


def test_a_second_writer_waits_then_writes_what_waited(tmp_path, caplog):
    first = budget_audit.BudgetAuditLog(tmp_path / "log", sync="none")
    second = budget_audit.BudgetAuditLog(tmp_path / "log", sync="none")
    assert first.log_slot(tick(0)) == 1
    with caplog.at_level("WARNING", logger="budget_audit"):
        assert second.log_slot(tick(1)) is None
    assert "locked" in caplog.text.lower() or "held" in caplog.text.lower()
    assert second.pending == 1
    with pytest.raises(budget_audit.LockedError):
        second.append(tick(2))
    first.close()
    assert second.log_slot(tick(2)) == 3  # the waiting tick first, as seq 2
    assert second.pending == 0
    assert second.load()["slot_index"].tolist() == [0, 1, 2]
    second.close()


@pytest.mark.parametrize("bad, message", [
    (dict(energy_cost_kwh=float("nan")), "energy_cost_kwh: NaN is refused"),
    (dict(target_angle=float("inf")), "target_angle: Infinity is refused"),
    (dict(slot_index=2**64 - 1), "slot_index: 18446744073709551615 is outside the range of a signed 64-bit integer"),
    (dict(slot_index=1.5), "slot_index: 1.5 is not a whole number"),
    (dict(plan_offset_deg=True), "plan_offset_deg: must be a number"),
    (dict(source=12), "source: must be a string"),
    (dict(source="x" * 5000), "source: 5000 bytes is longer than the 4096 bytes"),
    (dict(stage_id="\ud800"), "stage_id:"),
    (dict(live_gate_passed=1), "live_gate_passed: must be true or false"),
    (dict(energy_cost_kwh=10**400), "energy_cost_kwh:"),
])
def test_refusals_are_the_log_commands(log, cli, tmp_path, caplog, bad, message):
    t = tick(0, **bad)
    with pytest.raises(budget_audit.InvalidError) as e:
        log.append(t)
    assert message in str(e.value)
    with caplog.at_level("ERROR", logger="budget_audit"):
        assert log.log_slot(t) is None  # never raises; refused, not queued
    assert message in caplog.text and log.pending == 0
    # The same tick as a JSON line through `budget-audit log`: the same words.
    from budget_audit import _ticks

    line = _ticks.to_json(t)
    r = subprocess.run([cli, "--log", str(tmp_path / "cli-log"), "log"], input=line + "\n",
                       capture_output=True, text=True)
    assert r.returncode == 1
    assert f"line 1: {e.value}" in r.stderr


def test_the_extensions_tick_json_is_the_python_texts():
    """The extension writes the common tick's JSON (budget_audit._core.tick_json) for speed; it must
    be from_attributes' text byte for byte, and leave every other tick to the Python path."""
    from decimal import Decimal

    from budget_audit import _core, _ticks

    class Raises:
        @property
        def source(self):
            raise RuntimeError("broken attribute")

    class Big(int):
        pass

    floats = [0.0, -0.0, 1.0, 0.1, 1e16, 1e-7, 123456789.125, 2.5e-320, 1.7976931348623157e308, -3.0,
              float("nan"), float("inf"), float("-inf")]
    strings = ["", "plan", "with \"quotes\" and \\", "tab\tnew\nline\x01", "caf\u00e9", "\u2603 \U0001f600",
               "x" * 5000]
    ints = [0, -1, 7, 2**63 - 1, 2**63, -2**63 - 1, 10**30]
    stamps = [T0, datetime(2026, 6, 1, 10, 0, 0, 123456, tzinfo=UTC), datetime(2026, 6, 1, 10),
              datetime(2026, 6, 1, 10, tzinfo=timezone(timedelta(hours=5, minutes=30)))]
    same = 0
    for i in range(60):
        t = Tick(timestamp=stamps[i % len(stamps)], slot_index=ints[i % len(ints)],
                 plan_offset_deg=floats[i % len(floats)], target_angle=floats[(i * 7) % len(floats)],
                 energy_cost_kwh=ints[(i * 3) % len(ints)], live_gate_passed=[True, False, None][i % 3],
                 source=strings[i % len(strings)], stage_id=strings[(i * 5) % len(strings)])
        if i % 4 == 0:
            t.budget_spent_kwh = True  # a bool where a number belongs: written, the parser refuses
        text = _core.tick_json(t)
        assert text == _ticks.from_attributes(t), t
        json.loads(text.replace("NaN", "0").replace("-Infinity", "0").replace("Infinity", "0"))
        same += 1
    assert same == 60
    # Everything else goes the Python way (None), and to_json still gives its text.
    others = [Tick(slot_index=1),  # no timestamp: "now"
              Tick(timestamp=None, slot_index=1),
              Tick(timestamp=pd.Timestamp("2026-06-01T10:00:00Z")),
              Tick(timestamp=T0, slot_index=np.int64(3)),
              Tick(timestamp=T0, energy_cost_kwh=np.float32(0.5)),
              Tick(timestamp=T0, energy_cost_kwh=Decimal("0.25")),
              Tick(timestamp=T0, slot_index=Big(3)),
              {"timestamp": T0, "slot_index": 1},
              "not a tick"]
    for t in others:
        assert _core.tick_json(t) is None, t
    assert _ticks.to_json(others[3]) == _ticks.from_attributes(others[3])
    r = Raises()
    r.timestamp = T0
    assert _core.tick_json(r) is None
    with pytest.raises(RuntimeError, match="broken attribute"):
        _ticks.to_json(r)


def test_sub_microsecond_timestamps_are_refused_not_truncated(log):
    ts = pd.Timestamp("2026-06-01T10:00:00.123456789Z")
    with pytest.raises(budget_audit.InvalidError, match="sub-microsecond"):
        log.append(Tick(timestamp=ts))
    ok = pd.Timestamp("2026-06-01T10:00:00.123456Z")
    assert log.append(Tick(timestamp=ok)) == 1
    assert log.load()["timestamp"].iloc[0] == ok


def test_mappings_are_checked_like_json_lines(log):
    assert log.append({"timestamp": T0, "energy_cost_kwh": 1.5, "live_gate_passed": True}) == 1
    with pytest.raises(budget_audit.InvalidError, match="did you mean energy_cost_kwh"):
        log.append({"timestamp": T0 + timedelta(minutes=1), "energy_cost_kw": 1.5})
    with pytest.raises(budget_audit.InvalidError, match="did you mean plan_offset_deg"):
        log.append({"timestamp": T0 + timedelta(minutes=1), "planned_offset_deg": 1.5})


def test_numpy_scalars_and_datetimes(log):
    assert log.append(Tick(timestamp=np.datetime64("2026-06-01T10:00:00"), slot_index=np.int32(3),
                           energy_cost_kwh=np.float32(0.5), live_gate_passed=np.bool_(True))) == 1
    row = log.load().iloc[0]
    assert row["timestamp"] == pd.Timestamp("2026-06-01T10:00:00Z")
    assert (row["slot_index"], row["energy_cost_kwh"], row["gate_passed"]) == (3, 0.5, True)


def test_log_slot_never_raises(log, caplog):
    class Exploding:
        @property
        def timestamp(self):
            raise RuntimeError("sensor bus down")

    with caplog.at_level("ERROR", logger="budget_audit"):
        assert log.log_slot(Exploding()) is None
        assert log.log_slot(object()) is not None  # every attribute missing: defaults, now
    assert "sensor bus down" in caplog.text


def test_append_retry_and_conflict(log):
    assert log.append(tick(0)) == 1
    assert log.append(tick(0)) == 1  # a retry: its first seq, nothing written
    with pytest.raises(budget_audit.ConflictError) as e:
        log.append(tick(0, energy_cost_kwh=9.0))
    assert e.value.seq == 1 and e.value.code == "AlreadyExists"
    assert isinstance(e.value, budget_audit.Error)
    assert len(log.load()) == 1


def test_threads(tmp_path):
    log = budget_audit.BudgetAuditLog(tmp_path / "log", sync="none")
    seqs = []

    def work(k):
        for i in range(50):
            seqs.append(log.log_slot(tick(k * 1000 + i)))

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(seqs) == list(range(1, 201))
    assert len(log.load()) == 200
    assert log.verify()["intact"] is True
    log.close()


def test_close_then(log, tmp_path):
    log.log_slot(tick(0))
    log.close()
    log.close()  # twice is fine
    with pytest.raises(budget_audit.ClosedError):
        log.append(tick(1))
    assert log.log_slot(tick(1)) is None
    assert len(log.load()) == 1  # reading still works
    assert log.verify()["closed_cleanly"] is True


def test_verify_and_checkpoint(log, tmp_path, cli):
    for i in range(10):
        log.log_slot(tick(i))
    v = log.verify()
    assert v["intact"] is True and v["records"] == 10
    cp = log.checkpoint()
    assert cp["seq"] == 10 and cp["head"] == log.snapshot().head
    subprocess.run([cli, "keygen", "-o", str(tmp_path / "k")], check=True, capture_output=True)
    signed = log.checkpoint(sign=tmp_path / "k.key")
    assert signed.get("signature")
    (tmp_path / "cp.json").write_text(json.dumps(signed))
    r = subprocess.run([cli, "--log", str(log.path), "verify", "--checkpoint", str(tmp_path / "cp.json"),
                        "--pubkey", str(tmp_path / "k.pub")], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_corruption_is_raised(tmp_path):
    log = budget_audit.BudgetAuditLog(tmp_path / "log", sync="none")
    for i in range(3):
        log.log_slot(tick(i))
    log.seal()
    log.close()
    month = next((tmp_path / "log").glob("*.parquet"))
    data = bytearray(month.read_bytes())
    data[len(data) // 2] ^= 0xFF
    month.write_bytes(bytes(data))
    with pytest.raises(budget_audit.CorruptionError, match=month.name):
        log.verify()
    with pytest.raises(budget_audit.CorruptionError):
        log.load()


def test_settings_precedence(tmp_path, monkeypatch):
    (tmp_path / "site.toml").write_text('capacity_kw = 250\nmax_reduction_pct = 4\ntimezone = "Europe/Berlin"\n')
    log = budget_audit.BudgetAuditLog(tmp_path / "log", config=tmp_path / "site.toml")
    s = log.settings()
    assert (s["capacity_kw"], s["max_reduction_pct"], s["timezone"]) == (250.0, 4.0, "Europe/Berlin")
    monkeypatch.setenv("BUDGET_AUDIT_CAPACITY_KW", "300")
    assert budget_audit.BudgetAuditLog(tmp_path / "log", config=tmp_path / "site.toml").settings()["capacity_kw"] == 300
    kw = budget_audit.BudgetAuditLog(tmp_path / "log", config=tmp_path / "site.toml", capacity_kw=400)
    assert kw.settings()["capacity_kw"] == 400
    (tmp_path / "bad.toml").write_text("capacity_kww = 3\n")
    with pytest.raises(budget_audit.ConfigError, match="capacity_kww"):
        budget_audit.BudgetAuditLog(tmp_path / "log", config=tmp_path / "bad.toml").settings()


def test_weekly_report_without_capacity_says_how_to_set_it(tmp_path):
    log = budget_audit.BudgetAuditLog(tmp_path / "log", sync="none")
    log.log_slot(tick(0))
    with pytest.raises(budget_audit.ConfigError, match="capacity_kw="):
        log.weekly_report()
    log.close()


def test_daily_summary_default_is_today_in_the_site_zone(tmp_path):
    log = budget_audit.BudgetAuditLog(tmp_path / "log", sync="none", timezone="Pacific/Kiritimati")
    now = datetime.now(UTC)
    log.log_slot(Tick(timestamp=now.astimezone(timezone(timedelta(hours=14))), energy_cost_kwh=1.0))
    assert log.daily_summary()["slots"] == 1
    log.close()


def test_sync_modes(tmp_path):
    with pytest.raises(budget_audit.InvalidError, match="sync"):
        budget_audit.BudgetAuditLog(tmp_path / "log", sync="sometimes")
    log = budget_audit.BudgetAuditLog(tmp_path / "log", sync="batch")
    assert log.log_slot(tick(0)) == 1
    log.sync()
    log.close()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork")
def test_fork_child_does_not_use_the_parents_writer(tmp_path):
    log = budget_audit.BudgetAuditLog(tmp_path / "log", sync="none")
    assert log.log_slot(tick(0)) == 1
    pid = os.fork()
    if pid == 0:  # the child: writing is refused, reading works
        code = 0
        try:
            try:
                log.append(tick(1))
                code = 1
            except budget_audit.ClosedError as e:
                code = 0 if "belongs to process" in str(e) else 2
            if log.log_slot(tick(2)) is not None:
                code = 3
            if len(log.load()) != 1:
                code = 4
        except BaseException:
            code = 5
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert log.log_slot(tick(3)) == 2  # the parent's writer carries on
    log.close()
    # The child's exit released nothing the parent needed, and the lock is free now.
    again = budget_audit.BudgetAuditLog(tmp_path / "log", sync="none")
    assert again.append(tick(4)) == 3
    again.close()


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc/self/fd")
def test_a_forked_worker_does_not_keep_a_killed_writers_lock(tmp_path):
    """A controller forks a long-lived worker, then dies by SIGKILL (no unlock): the worker must
    not hold the log's lock, so the restarted controller can write."""
    import signal
    import sys
    import time

    script = f"""
import os, sys, time, budget_audit
from datetime import datetime, timezone
from types import SimpleNamespace as Tick
log = budget_audit.BudgetAuditLog({str(tmp_path / "log")!r}, sync="none")
log.log_slot(Tick(timestamp=datetime(2026, 6, 1, tzinfo=timezone.utc)))
pid = os.fork()
if pid == 0:
    time.sleep(60)  # the worker lives on
    os._exit(0)
print(pid, flush=True)
time.sleep(60)
"""
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    worker = int(proc.stdout.readline())
    try:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        time.sleep(0.1)
        restarted = budget_audit.BudgetAuditLog(tmp_path / "log", sync="none")
        assert restarted.append(tick(1)) == 2
        restarted.close()
    finally:
        os.kill(worker, signal.SIGKILL)
