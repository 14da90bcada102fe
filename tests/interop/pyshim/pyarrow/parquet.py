"""`pyarrow.parquet.read_table` for tests: DuckDB reads the file (see __init__.py).

../duckdb_table.mjs runs tests/interop/duckdb_rows.mjs's reader once and prints each column's kind,
then the rows in canonical JSON lines (integers exact, doubles in shortest round-trip form with -0
kept, "NaN"/"Infinity" as strings, timestamps as ISO-8601 with all their digits and Z when
UTC-adjusted): enough to rebuild exact Python values. Only flat columns of the kinds below.
"""
import json
import subprocess
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from pyarrow import ArrowInvalid

_TABLE_MJS = Path(__file__).resolve().parents[1] / "duckdb_table.mjs"


def _timestamp(text, utc):
    # "YYYY-MM-DDTHH:MM:SS[.fraction][Z]", fraction 1..6 digits (microseconds at most)
    body = text[:-1] if utc else text
    main, _, frac = body.partition(".")
    if len(main) != 19 or len(frac) > 6:
        raise ArrowInvalid(f"timestamp {text!r} not supported by the shim (year range / nanoseconds)")
    value = datetime.strptime(main, "%Y-%m-%dT%H:%M:%S") + timedelta(microseconds=int(frac.ljust(6, "0")))
    return value.replace(tzinfo=timezone.utc) if utc else value


_CONVERT = {
    "int": int,
    "double": float,  # float("-0") is -0.0; "NaN", "Infinity", "-Infinity" arrive as strings
    "bool": lambda v: v,
    "string": lambda v: v,
    "timestamp_utc": lambda v: _timestamp(v, True),
    "timestamp": lambda v: _timestamp(v, False),
    "date": date.fromisoformat,
}


class ChunkedArray:
    def __init__(self, values):
        self._values = values

    def __len__(self):
        return len(self._values)

    def to_pylist(self):
        return list(self._values)


class Table:
    def __init__(self, names, columns):
        self.column_names = names
        self._columns = dict(zip(names, columns))
        self.num_rows = len(columns[0]) if columns else 0

    def column(self, name):
        return ChunkedArray(self._columns[name])

    def to_pydict(self):
        return {n: list(v) for n, v in self._columns.items()}

    def to_pylist(self):
        return [dict(zip(self.column_names, row)) for row in zip(*self._columns.values())]


def read_table(source, columns=None):
    path = str(source)
    p = subprocess.run(["node", str(_TABLE_MJS), path, *(columns or [])], capture_output=True, text=True)
    if p.returncode != 0:
        raise ArrowInvalid(p.stderr.strip() or f"duckdb_table.mjs exited {p.returncode}")
    head, *lines = p.stdout.splitlines()
    fields = json.loads(head)["columns"]
    for f in fields:
        if f["kind"] not in _CONVERT:
            raise ArrowInvalid(f"{path}: column {f['name']!r} ({f['duckdbType']}) not supported by the shim")
    names = [f["name"] for f in fields]
    cols = [[] for _ in fields]
    for line in lines:
        # numbers as text, so that int64 stays exact and -0 stays a negative zero
        row = json.loads(line, parse_int=str, parse_float=str)
        for i, (f, n) in enumerate(zip(fields, names)):
            v = row[n]
            cols[i].append(None if v is None else _CONVERT[f["kind"]](v))
    return Table(names, cols)
