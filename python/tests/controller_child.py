"""A controller for the crash tests (test_crash.py): logs a deterministic tick sequence and says
which ticks the log acknowledged.

    python controller_child.py LOG_DIR START END

Logs ticks START..END-1 of ``tick(i)`` with ``BudgetAuditLog(LOG_DIR, sync="always").log_slot``
and, for each one acknowledged (a seq returned), writes ``ack INDEX SEQ`` to stdout with one
write(2) (no buffering: what the parent reads was acknowledged, even if this process is killed
right after). A tick log_slot() did not acknowledge (None) is ``none INDEX`` and exit 3: on a
healthy disk there is no such tick. After the last tick the log is closed and ``done`` written.

The module is imported by the tests too, for ``tick(i)`` and ``BASE``.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

# Tick 0's timestamp; tick i is i minutes later (the first midnight UTC is tick 120).
BASE = datetime(2026, 6, 1, 22, 0, tzinfo=timezone.utc)


def timestamp(i: int) -> datetime:
    return BASE + timedelta(minutes=i)


def first_index_after(i: int) -> int:
    """The index of the first tick of the next day (UTC) after tick i."""
    ts = timestamp(i)
    midnight = datetime(ts.year, ts.month, ts.day, tzinfo=timezone.utc) + timedelta(days=1)
    return (midnight - BASE) // timedelta(minutes=1)


def tick(i: int) -> SimpleNamespace:
    """Tick i: every value derived from i, binary fractions only (exact as float64)."""
    return SimpleNamespace(
        timestamp=timestamp(i),
        slot_index=i,
        plan_offset_deg=((i * 7) % 61 - 30) / 2.0,
        target_angle=(i % 111 - 55) / 4.0,
        energy_cost_kwh=(i % 9) * 0.125,
        budget_spent_kwh=i * 0.0625,
        budget_remaining_kwh=5000.0 - i * 0.0625,
        live_gate_passed=i % 3 == 0,
        source="crash-test",
        stage_id=f"stage{i % 5}",
    )


def main(argv) -> int:
    log_dir, start, end = argv[1], int(argv[2]), int(argv[3])
    import budget_audit

    log = budget_audit.BudgetAuditLog(log_dir, sync="always")
    os.write(1, b"start\n")
    for i in range(start, end):
        seq = log.log_slot(tick(i))
        if seq is None:
            os.write(1, f"none {i}\n".encode())
            return 3
        os.write(1, f"ack {i} {seq}\n".encode())
    log.close()
    os.write(1, b"done\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
