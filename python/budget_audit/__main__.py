"""python -m budget_audit [--report | --daily YYYY-MM-DD]: what the Python version printed.

    --report        the weekly rollup as JSON (json.dumps(indent=2))
    --daily DATE    the daily summary of DATE as JSON
    (nothing)       "Audit log: N slots, D days" and the rollup, or "No audit data yet."

The log is found as BudgetAuditLog() finds it ($BUDGET_AUDIT_DATA_DIR or ./data), with the
settings of the environment and the config file. Errors (a missing capacity, a damaged log) are
printed on stderr with exit status 1; a wrong date is a usage error (2), as argparse makes it.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from . import BudgetAuditLog, Error


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m budget_audit", description="Budget audit report")
    parser.add_argument("--report", action="store_true", help="Weekly rollup report")
    parser.add_argument("--daily", type=str, help="Daily summary for YYYY-MM-DD")
    args = parser.parse_args(argv)

    audit = BudgetAuditLog()
    try:
        if args.report:
            text = json.dumps(audit.weekly_report(), indent=2)
        elif args.daily:
            try:
                day = date.fromisoformat(args.daily)
            except ValueError as e:
                parser.error(f"argument --daily: {e}")
            text = json.dumps(audit.daily_summary(day), indent=2)
        else:
            snap_len, report = audit._default_output()
            if report is None:
                text = "No audit data yet."
            else:
                text = f"Audit log: {snap_len} slots, {report['period_days']} days\n" + json.dumps(report, indent=2)
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
    except Error as e:
        print(f"budget_audit: {e}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
