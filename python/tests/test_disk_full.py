"""Disk full under a controller's log_slot(), on a small tmpfs the test mounts (root only).

The file system is filled with a filler file (written until ENOSPC) while a controller logs ticks
with ``BudgetAuditLog(dir, sync="always").log_slot``:

- no exception reaches the controller; a tick the disk refused returns None, with a warning on the
  ``budget_audit`` logger naming the OS error, and waits: ``pending`` counts the waiting ticks, and
  once one tick waits every later one waits behind it (the order is kept);
- the log stays readable meanwhile (load() has every acknowledged tick);
- once the filler is deleted, the next log_slot (or flush()) writes the waiting ticks first, in the
  order given: load() has every tick exactly once, in order, seqs dense; verify() is intact, and no
  seal temporary (``_tmp.*``) is left.

The same when the log could not even be opened at the first log_slot (the tmpfs full before the
log exists), when a controller restarts on a full disk, and when a day change asks for a seal
while the disk is (nearly) full.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import subprocess
from pathlib import Path

import pytest

import budget_audit
import controller_child as cc

TMPFS_SIZE = "2m"
NOSPACE = "No space left on device"


class Tmpfs:
    def __init__(self, path: Path):
        self.path = path
        self.filler = path / "filler"
        self.logs = []

    def fill(self, leave_bytes: int = 0) -> int:
        """Fills the file system (writes until ENOSPC, in ever smaller pieces), then gives back
        `leave_bytes`; returns the filler's size."""
        with open(self.filler, "ab", buffering=0) as f:
            for chunk in (1 << 16, 4096, 256, 1):
                block = b"\0" * chunk
                while True:
                    try:
                        f.write(block)
                    except OSError as e:
                        assert e.errno == errno.ENOSPC, e
                        break
        size = self.filler.stat().st_size
        if leave_bytes:
            os.truncate(self.filler, size - leave_bytes)
        assert shutil.disk_usage(self.path).free <= leave_bytes
        return size

    def free(self):
        self.filler.unlink()

    def log(self, name="log") -> budget_audit.BudgetAuditLog:
        log = budget_audit.BudgetAuditLog(self.path / name, sync="always")
        self.logs.append(log)
        return log


@pytest.fixture
def tmpfs(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("needs root to mount a tmpfs")
    if shutil.which("mount") is None or shutil.which("umount") is None:
        pytest.skip("no mount/umount command")
    mnt = tmp_path / "tmpfs"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={TMPFS_SIZE}", "tmpfs", str(mnt)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"mount -t tmpfs failed (no privilege in this container?): {r.stderr.strip()}")
    fs = Tmpfs(mnt)
    try:
        yield fs
    finally:
        for log in fs.logs:  # a writer keeps files open on the tmpfs
            try:
                log.close()
            except Exception:
                pass
        if subprocess.run(["umount", str(mnt)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def _log_while_full(log, indexes, caplog):
    """log_slot(tick(i)) for each i, the disk full; returns the results. Asserts what a
    controller sees: no exception, a prefix of acknowledged ticks (the journal's last page may
    hold a few), then None for every tick, `pending` counting them, a warning naming ENOSPC for each."""
    results = []
    with caplog.at_level(logging.WARNING, logger="budget_audit"):
        caplog.clear()
        for i in indexes:
            results.append(log.log_slot(cc.tick(i)))  # an exception fails the test
            waiting = sum(r is None for r in results)
            assert log.pending == waiting, (i, results)
    acked = [r for r in results if r is not None]
    waiting = len(results) - len(acked)
    assert results == acked + [None] * waiting, "a tick was acknowledged after an earlier one waited"
    assert waiting > 0, "the full disk refused nothing"
    records = [r for r in caplog.records if r.name == "budget_audit"]
    assert records, "no warning on the budget_audit logger"
    assert all(r.levelno == logging.WARNING for r in records), [r.getMessage() for r in records]
    assert all(NOSPACE in r.getMessage() for r in records), [r.getMessage() for r in records]
    # One warning per refused tick, none for an acknowledged one; besides them, a background
    # seal that failed on the full disk is reported once (by the append that learned of it).
    refusals = [r for r in records if "sealing into Parquet failed" not in r.getMessage()]
    assert len(refusals) == waiting, [r.getMessage() for r in records]
    assert len(records) - len(refusals) <= 1, [r.getMessage() for r in records]
    return results


def _check_complete(log, n, log_dir):
    """Every tick 0..n-1 exactly once, in order, seqs dense; verify intact; no temporary."""
    df = log.load(columns=["timestamp", "slot_index", "energy_cost_kwh", "seq"])
    assert df["slot_index"].tolist() == list(range(n))
    assert df["seq"].tolist() == list(range(1, n + 1))
    assert df["timestamp"].is_unique
    assert [t.to_pydatetime() for t in df["timestamp"]] == [cc.timestamp(i) for i in range(n)]
    assert df["energy_cost_kwh"].tolist() == [cc.tick(i).energy_cost_kwh for i in range(n)]
    report = log.verify()
    assert report["intact"] is True, report
    assert report["records"] == n
    assert report["head"]["seq"] == n
    assert not [str(p) for p in Path(log_dir).rglob("_tmp.*")]
    return report


@pytest.mark.parametrize("written_by", ["log_slot", "flush"])
def test_disk_full_during_log_slot(tmpfs, caplog, written_by):
    log = tmpfs.log()
    for i in range(50):
        assert log.log_slot(cc.tick(i)) == i + 1
    tmpfs.fill()
    results = _log_while_full(log, range(50, 150), caplog)
    acked = [r for r in results if r is not None]
    assert acked == list(range(51, 51 + len(acked)))
    waiting = results.count(None)
    assert waiting >= 60, results  # a page of slack holds a few ticks, not 40
    # Still full: the next tick waits too, behind the others.
    assert log.log_slot(cc.tick(150)) is None
    assert log.pending == waiting + 1
    # Readable meanwhile: every acknowledged tick.
    assert log.load(columns=["seq"])["seq"].tolist() == list(range(1, 51 + len(acked)))

    tmpfs.free()
    if written_by == "flush":
        assert log.flush() == 0
        assert log.pending == 0
        assert log.log_slot(cc.tick(151)) == 152
    else:
        assert log.log_slot(cc.tick(151)) == 152  # the waiting ticks first, then this one
        assert log.pending == 0
    # A waiting tick resent by the controller now: its seq, not a second record.
    assert log.log_slot(cc.tick(120)) == 121
    _check_complete(log, 152, log.path)
    log.close()
    report = _check_complete(log, 152, log.path)
    assert report["closed_cleanly"] is True


@pytest.mark.parametrize("written_by", ["log_slot", "flush"])
def test_log_cannot_be_opened_on_a_full_disk(tmpfs, caplog, written_by):
    """The tmpfs is full before the log exists: the first log_slot cannot open (create) it; the
    ticks wait and are written once there is space."""
    tmpfs.fill()
    log = tmpfs.log()
    results = _log_while_full(log, range(20), caplog)
    assert results == [None] * 20
    assert log.pending == 20
    assert all("waits" in r.getMessage() for r in caplog.records if r.name == "budget_audit")
    # Nothing acknowledged, nothing to read (and reading does not fail).
    assert len(log.load()) == 0

    tmpfs.free()
    if written_by == "flush":
        assert log.flush() == 0
        assert log.pending == 0
        assert log.log_slot(cc.tick(20)) == 21
    else:
        assert log.log_slot(cc.tick(20)) == 21
        assert log.pending == 0
    for i in range(21, 30):
        assert log.log_slot(cc.tick(i)) == i + 1
    _check_complete(log, 30, log.path)
    log.close()
    assert _check_complete(log, 30, log.path)["closed_cleanly"] is True


def test_controller_restarts_on_a_full_disk(tmpfs, caplog):
    """A log closed cleanly, the disk then full, a new BudgetAuditLog (a restarted controller)
    logging: whichever queue its ticks wait in, they are written once there is space."""
    first = tmpfs.log()
    for i in range(40):
        assert first.log_slot(cc.tick(i)) == i + 1
    first.close()
    tmpfs.fill()
    log = tmpfs.log()
    results = _log_while_full(log, range(40, 140), caplog)
    acked = [r for r in results if r is not None]
    assert acked == list(range(41, 41 + len(acked)))
    assert results.count(None) >= 60
    tmpfs.free()
    assert log.log_slot(cc.tick(140)) == 141
    assert log.pending == 0
    log.close()
    assert _check_complete(log, 141, log.path)["closed_cleanly"] is True


@pytest.mark.parametrize("leave_kib", [0, 4, 8, 16, 32])
def test_day_change_while_the_disk_fills(tmpfs, caplog, monkeypatch, leave_kib):
    """Ticks cross midnight UTC with only a few KiB left: the appends that fit are acknowledged,
    the day change asks for a background seal that may fail for want of space (the records are
    safe in the journal), then the ticks wait. Once there is space: everything written in order,
    and the close seals every ended day."""
    monkeypatch.setenv("BUDGET_AUDIT_TODAY", "2026-12-31")  # every tick's day has ended
    log = tmpfs.log()
    n0 = cc.first_index_after(0) - 30  # 30 ticks before the first midnight
    for i in range(n0):
        assert log.log_slot(cc.tick(i)) == i + 1
    tmpfs.fill(leave_bytes=leave_kib * 1024)
    results = _log_while_full(log, range(n0, n0 + 300), caplog)
    acked = [r for r in results if r is not None]
    assert acked == list(range(n0 + 1, n0 + 1 + len(acked)))
    tmpfs.free()
    end = n0 + 300
    assert log.log_slot(cc.tick(end)) == end + 1
    assert log.pending == 0
    _check_complete(log, end + 1, log.path)
    log.close()
    report = _check_complete(log, end + 1, log.path)
    assert report["closed_cleanly"] is True
    assert report["sealed_records"] == end + 1  # the close sealed every ended day


def test_flush_while_still_full_returns_how_many_wait(tmpfs, caplog):
    log = tmpfs.log()
    for i in range(10):
        assert log.log_slot(cc.tick(i)) == i + 1
    tmpfs.fill()
    results = _log_while_full(log, range(10, 110), caplog)
    waiting = results.count(None)
    with caplog.at_level("WARNING", logger="budget_audit"):
        assert log.flush() == waiting  # never raises: a warning, and the count
    assert log.pending == waiting
    tmpfs.free()
    assert log.flush() == 0
    _check_complete(log, 110, log.path)
