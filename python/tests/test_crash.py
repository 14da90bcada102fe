"""A controller killed with SIGKILL at random moments, restarted, resending what it is not sure of.

The controller (controller_child.py, a process of its own: subprocess, not fork) logs a
deterministic tick sequence, one minute apart, with ``BudgetAuditLog(dir, sync="always")
.log_slot(tick)`` and writes ``ack INDEX SEQ`` for every tick the log acknowledged (a seq
returned). The test kills it with SIGKILL, either after a random delay (at times while it is still
opening the log, which seals the ended days) or right after its first acknowledged tick of a new
day UTC (the day change asked the seal thread for a seal: the kill lands in it, or just before or
after it), and restarts it from the last acknowledged index minus a few, as a controller that
does not know whether its last ticks were logged would.

After every kill the log as it is (no writer) must hold every acknowledged tick: seqs dense 1..N,
N at least the highest acknowledged seq, verify() intact. At the end (a last run that is not
killed, crossing a day change and closing the log): every tick 0..END-1 is in the log exactly once,
tick i with seq i+1 and its own values; every acknowledgement of a tick (a resent tick is
acknowledged again) gave the seq it has; no timestamp appears twice; no seal temporary is left.
"""

from __future__ import annotations

import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest

import budget_audit
import controller_child as cc

CHILD = Path(__file__).resolve().parent / "controller_child.py"

SEED = 20261207
ROUNDS = 22
# Every BOUNDARY_EVERY-th round (from round 1) is killed right after the day changed.
BOUNDARY_EVERY = 4
# Seconds a random round lives at most (from the child's start; its interpreter starts in ~0.1 s).
MAX_RANDOM_DELAY = 1.0
# A round that does not reach its kill point in this time has hung.
ROUND_TIMEOUT = 30.0
# The sequence each killed round is given (it never gets that far).
MAX_ROUND_TICKS = 5000


class Controller:
    """One run of controller_child.py, its stdout read line by line on a thread."""

    def __init__(self, log_dir: Path, start: int, end: int, env: dict, stderr_path: Path):
        self.stderr_file = open(stderr_path, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, str(CHILD), str(log_dir), str(start), str(end)],
            stdout=subprocess.PIPE, stderr=self.stderr_file, env=env,
        )
        self.lines: "queue.Queue[str | None]" = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.stderr_path = stderr_path

    def _read(self):
        for raw in self.proc.stdout:  # until EOF: the child is gone, its last lines are read too
            self.lines.put(raw.decode().rstrip("\n"))
        self.lines.put(None)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)

    def finish(self, timeout=ROUND_TIMEOUT):
        """Waits for the process and the reader; returns (returncode, every line not yet taken)."""
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise
        self.reader.join(timeout=10)
        self.stderr_file.close()
        rest = []
        while True:
            try:
                line = self.lines.get_nowait()
            except queue.Empty:
                break
            if line is not None:
                rest.append(line)
        return code, rest

    def stderr(self) -> str:
        return Path(self.stderr_path).read_text(errors="replace")[-4000:]


def _child_env(today: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BUDGET_AUDIT_")}
    env["BUDGET_AUDIT_TODAY"] = today
    env["PYTHONPATH"] = os.pathsep.join(p for p in [str(CHILD.parent), env.get("PYTHONPATH", "")] if p)
    return env


def _record_acks(lines, acks, round_no):
    """Adds 'ack i s' lines to acks (index -> list of (round, seq)); returns the indexes."""
    got = []
    for line in lines:
        if line.startswith("ack "):
            _, i, s = line.split()
            acks.setdefault(int(i), []).append((round_no, int(s)))
            got.append(int(i))
        else:
            assert line in ("start", "done"), f"round {round_no}: the controller said {line!r}"
    return got


def _check_log_after_kill(log_dir: Path, acks: dict, round_no: int):
    """The log as a crash left it: every acknowledged tick there, seqs dense, verify intact."""
    if not acks:
        return
    log = budget_audit.BudgetAuditLog(log_dir)
    df = log.load(columns=["slot_index", "seq"])
    seqs = df["seq"].tolist()
    assert seqs == list(range(1, len(seqs) + 1)), f"after round {round_no}: seqs not dense"
    max_acked_seq = max(s for v in acks.values() for _, s in v)
    assert len(seqs) >= max_acked_seq, f"after round {round_no}: acknowledged seq {max_acked_seq} lost"
    # tick i is seq i+1 (sent in order, a resend is not a new record)
    assert df["slot_index"].tolist() == list(range(len(seqs))), f"after round {round_no}"
    report = log.verify()
    assert report["intact"] is True, f"after round {round_no}: {report}"
    assert report["records"] == len(seqs)


def test_sigkill_restart_and_resend_loses_and_doubles_nothing(tmp_path):
    rng = random.Random(SEED)
    log_dir = tmp_path / "slot_log"
    acks: "dict[int, list[tuple[int, int]]]" = {}
    max_acked = -1
    boundary_kills = 0
    interrupted_seals = 0  # kills that left a seal temporary behind (informative)
    resent_acks = 0
    t0 = time.monotonic()

    for round_no in range(ROUNDS + 1):
        final = round_no == ROUNDS
        start = max(0, max_acked + 1 - rng.randint(1, 6))
        # The controller's "today": the day of the ticks it sends, or a day after all of them
        # (then every day has ended and opening the log seals them all).
        today = rng.choice([cc.timestamp(start).date().isoformat(), "2026-12-31"])
        if final:
            # Cross one more day change, then close the log.
            end = max(start + 300, cc.first_index_after(start) + 90)
        else:
            end = start + MAX_ROUND_TICKS
        boundary = not final and round_no % BOUNDARY_EVERY == 1
        child = Controller(log_dir, start, end, _child_env(today), tmp_path / f"child-{round_no}.err")
        taken = []
        try:
            if boundary:
                # Kill right after the first acknowledged tick of the next day: the append
                # that began the day asked the seal thread to seal the day before.
                midnight = cc.first_index_after(start + 6)
                deadline = time.monotonic() + ROUND_TIMEOUT
                while True:
                    line = child.lines.get(timeout=max(0.0, deadline - time.monotonic()))
                    assert line is not None, f"round {round_no} ended early: {child.stderr()}"
                    taken.append(line)
                    if line.startswith("ack ") and int(line.split()[1]) >= midnight:
                        break
                time.sleep(rng.uniform(0.0, 0.06))
                child.kill()
            elif not final:
                time.sleep(rng.uniform(0.02, MAX_RANDOM_DELAY))
                child.kill()
            code, rest = child.finish()
        finally:
            child.kill()
        lines = taken + rest
        got = _record_acks(lines, acks, round_no)
        if final:
            assert code == 0 and lines[-1] == "done", f"final run: exit {code}: {child.stderr()}"
        else:
            assert code == -signal.SIGKILL, f"round {round_no}: exit {code} before the kill: {child.stderr()}"
        # A healthy disk acknowledges every tick, in order, from `start` on.
        assert got == list(range(start, start + len(got))), f"round {round_no}"
        resent_acks += sum(1 for i in got if i <= max_acked)
        if got:
            max_acked = max(max_acked, got[-1])
        if boundary:
            boundary_kills += 1
            assert got and got[-1] >= cc.first_index_after(start + 6)
        if not final:
            if any(p.name.startswith("_tmp.") for p in log_dir.glob("*")) if log_dir.exists() else False:
                interrupted_seals += 1
            _check_log_after_kill(log_dir, acks, round_no)

    elapsed = time.monotonic() - t0
    total = end
    assert max_acked == total - 1

    # Every acknowledgement of a tick gave the same seq: its first one.
    for i, v in acks.items():
        assert {s for _, s in v} == {i + 1}, f"tick {i} acknowledged as {v}"
    assert sorted(acks) == list(range(total))
    assert resent_acks > 0, "no resent tick was acknowledged (the test did not resend)"
    assert any(len(v) > 1 for v in acks.values())
    assert boundary_kills >= ROUNDS // BOUNDARY_EVERY

    log = budget_audit.BudgetAuditLog(log_dir)
    df = log.load(columns=["timestamp", "slot_index", "energy_cost_kwh", "budget_remaining_kwh",
                           "gate_passed", "stage_id", "seq"])
    assert len(df) == total
    assert df["seq"].tolist() == list(range(1, total + 1))
    assert df["timestamp"].is_unique
    assert df["slot_index"].tolist() == list(range(total))
    expected_ts = [cc.timestamp(i) for i in range(total)]
    assert [t.to_pydatetime() for t in df["timestamp"]] == expected_ts
    assert df["energy_cost_kwh"].tolist() == [cc.tick(i).energy_cost_kwh for i in range(total)]
    assert df["budget_remaining_kwh"].tolist() == [cc.tick(i).budget_remaining_kwh for i in range(total)]
    assert df["gate_passed"].tolist() == [cc.tick(i).live_gate_passed for i in range(total)]
    assert df["stage_id"].tolist() == [cc.tick(i).stage_id for i in range(total)]
    # The acknowledged seq of each tick is the one it has in the log.
    by_index = dict(zip(df["slot_index"].tolist(), df["seq"].tolist()))
    for i, v in acks.items():
        assert by_index[i] == v[0][1]

    report = log.verify()
    assert report["intact"] is True, report
    assert report["records"] == total
    assert report["head"]["seq"] == total
    assert report["closed_cleanly"] is True
    # The final run closed the log: the ended days are sealed, no seal temporary is left.
    assert not [p.name for p in log_dir.iterdir() if p.name.startswith("_tmp.")]
    print(f"\ncrash test: {ROUNDS} kills ({boundary_kills} right after a day change, "
          f"{interrupted_seals} leaving a seal temporary), {total} ticks, {resent_acks} resent ticks "
          f"acknowledged again, {len(list((log_dir / '_cut').glob('*')) if (log_dir / '_cut').exists() else [])} "
          f"torn tails cut, {elapsed:.1f} s")
