"""A controller killed with SIGKILL at random moments, restarted, resending what it is not sure of.

The controller (controller_child.py, a process of its own: subprocess, not fork) logs a
deterministic tick sequence, one minute apart, with ``BudgetAuditLog(dir, sync="always")
.log_slot(tick)`` and writes ``ack INDEX SEQ`` for every tick the log acknowledged (a seq
returned). The test kills it with SIGKILL, in one of these ways (random.Random with a fixed seed
picks them; the kill points count acknowledgements, not seconds, so a slow or a fast disk gives
rounds of the same size):

- ``startup``: after a random delay from its start, often while the interpreter starts or the log
  opens (opening seals the days that have ended);
- ``acks``: right after its k-th acknowledged tick (k random), plus up to a few ms;
- ``boundary``: right after its first acknowledged tick of a new day UTC (the append that began the
  day asked the seal thread to seal the day before), plus up to 30 ms;
- ``seal``: as ``boundary``, but at the first sight of the seal's temporary files (``_tmp.*``,
  ``_seal_intent``) in the log directory: in the middle of the background seal.

and restarts it from the last acknowledged index minus a few, as a controller that does not know
whether its last ticks were logged would; the controller's "today" (BUDGET_AUDIT_TODAY) is the day
of its ticks or a day after all of them.

After every kill the log as it is (no writer) must hold every acknowledged tick: seqs dense 1..N,
N at least the highest acknowledged seq, verify() intact, the ``*.parquet`` files (what DuckDB's
glob reads) each tick at most once. At the end (a last run that is not killed, crossing a day
change and closing the log): every tick 0..END-1 is in the log exactly once, tick i with seq i+1
and its own values; every acknowledgement of a tick (a resent tick is acknowledged again) gave the
seq it has, its first; no timestamp appears twice; no seal temporary is left.
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
from pathlib import Path

import budget_audit
import controller_child as cc

CHILD = Path(__file__).resolve().parent / "controller_child.py"

# Another seed: BA_TEST_CRASH_SEED=N (the rounds differ, the assertions do not).
SEED = int(os.environ.get("BA_TEST_CRASH_SEED", "20261207"))
ROUNDS = 24
# A round is killed at a day change (boundary or seal) when the next midnight is at most
# NEAR_MIDNIGHT ticks ahead of its first tick, or when that is needed to have MIN_BOUNDARY_KILLS.
NEAR_MIDNIGHT = 500
MIN_BOUNDARY_KILLS = 4
# startup: killed this many seconds after its start at most (the interpreter starts in ~0.1 s).
MAX_STARTUP_DELAY = 0.3
# acks: killed after at most this many acknowledged ticks.
MAX_ACKS = 300
# A round that does not reach its kill point in this time has hung.
ROUND_TIMEOUT = 60.0
# The ticks each killed round is given (it never gets that far).
MAX_ROUND_TICKS = 20000


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
        return None
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
    # The *.parquet names (what DuckDB's glob and pandas.read_parquet(dir) read) are the sealed
    # history and nothing else, even after a kill mid-seal: ticks 0..sealed-1, each once.
    sealed = sorted(log_dir.glob("*.parquet"))
    if sealed:
        import pyarrow.parquet as pq

        indexes = sorted(i for f in sealed
                         for i in pq.read_table(f, columns=["slot_index"])["slot_index"].to_pylist())
        assert indexes == list(range(len(indexes))), f"after round {round_no}: {[f.name for f in sealed]}"
        if any(w["kind"] == "seal_interrupted" for w in report["warnings"]):
            # Killed between a month file's rename and the manifest (format.md §2.5): the file
            # may hold more rows than the manifest counts (they are in the journal too); the
            # next writer publishes the seal again.
            assert len(indexes) >= report["sealed_records"], f"after round {round_no}: {report}"
        else:
            assert len(indexes) == report["sealed_records"], f"after round {round_no}: {report}"
    assert [w["kind"] for w in report["warnings"]] in ([], ["seal_interrupted"]), report
    return report


def test_sigkill_restart_and_resend_loses_and_doubles_nothing(tmp_path):
    rng = random.Random(SEED)
    log_dir = tmp_path / "slot_log"
    acks: "dict[int, list[tuple[int, int]]]" = {}
    max_acked = -1
    boundary_kills = 0
    interrupted_seals = 0  # kills that left a seal temporary or intent behind (informative)
    seals_hit = 0  # seal rounds that saw the seal's files before the kill (informative)
    modes = []
    resent_acks = 0
    t0 = time.monotonic()

    for round_no in range(ROUNDS + 1):
        final = round_no == ROUNDS
        start = max(0, max_acked + 1 - rng.randint(1, 6))
        # The controller's "today": the day of the ticks it sends, or a day after all of them
        # (then every day has ended and opening the log seals them all).
        today = rng.choice([cc.timestamp(start).date().isoformat(), "2026-12-31"])
        midnight = cc.first_index_after(start + 6)
        if final:
            # Cross one more day change, then close the log.
            mode, end = "final", max(start + 300, midnight + 90)
        else:
            end = start + MAX_ROUND_TICKS
            if midnight - start <= NEAR_MIDNIGHT or MIN_BOUNDARY_KILLS - boundary_kills >= ROUNDS - round_no:
                mode = "seal" if boundary_kills % 2 == 0 else "boundary"
            else:
                mode = rng.choice(["startup", "acks", "acks"])
        modes.append(mode)
        child = Controller(log_dir, start, end, _child_env(today), tmp_path / f"child-{round_no}.err")
        taken = []

        def wait_for_ack(predicate):
            deadline = time.monotonic() + ROUND_TIMEOUT
            while True:
                line = child.lines.get(timeout=max(0.0, deadline - time.monotonic()))
                assert line is not None, f"round {round_no} ({mode}) ended early: {child.stderr()}"
                taken.append(line)
                if line.startswith("ack ") and predicate(int(line.split()[1])):
                    return

        try:
            if mode == "startup":
                time.sleep(rng.uniform(0.0, MAX_STARTUP_DELAY))
            elif mode == "acks":
                k = rng.randint(1, MAX_ACKS)
                wait_for_ack(lambda i: i >= start + k - 1)
                time.sleep(rng.uniform(0.0, 0.005))
            elif mode == "boundary":
                wait_for_ack(lambda i: i >= midnight)
                time.sleep(rng.uniform(0.0, 0.03))
            elif mode == "seal":
                wait_for_ack(lambda i: i >= midnight)
                deadline = time.monotonic() + 0.5
                while time.monotonic() < deadline:
                    names = os.listdir(log_dir)
                    if "_seal_intent" in names or any(n.startswith("_tmp.") for n in names):
                        seals_hit += 1
                        break
            if not final:
                child.kill()
            code, rest = child.finish()
        finally:
            child.kill()
            child.proc.wait()
        lines = taken + rest
        got = _record_acks(lines, acks, round_no)
        if final:
            assert code == 0 and lines[-1] == "done", f"final run: exit {code}: {child.stderr()}"
        else:
            assert code == -signal.SIGKILL, (f"round {round_no} ({mode}): exit {code} before the kill, "
                                             f"{len(got)} acks: {child.stderr()}")
        # A healthy disk acknowledges every tick, in order, from `start` on.
        assert got == list(range(start, start + len(got))), f"round {round_no}"
        resent_acks += sum(1 for i in got if i <= max_acked)
        if got:
            max_acked = max(max_acked, got[-1])
        if mode in ("boundary", "seal"):
            boundary_kills += 1
            assert got and got[-1] >= midnight
        if not final:
            left = os.listdir(log_dir) if log_dir.exists() else []
            if any(n.startswith("_tmp.") or n == "_seal_intent" for n in left):
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
    assert boundary_kills >= MIN_BOUNDARY_KILLS

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
    assert report["warnings"] == [], report
    # The interrupted seals were finished: no temporary, no seal intent is left.
    assert not [n for n in os.listdir(log_dir) if n.startswith("_tmp.") or n == "_seal_intent"]
    cuts = len(report["cuts"])
    kinds = ", ".join(f"{m} {modes.count(m)}" for m in sorted(set(modes)) if m != "final")
    print(f"\ncrash test: {ROUNDS} kills ({kinds}; {seals_hit} seal rounds saw the seal's files, "
          f"{interrupted_seals} kills left them), {total} ticks, {resent_acks} resent ticks acknowledged "
          f"again, {cuts} torn tails cut, {elapsed:.1f} s")
