"""A stand-in for the few pieces of pyarrow that tools/verify_log.py uses, for tests only.

pyarrow cannot be installed here, so `pyarrow.parquet.read_table` reads the file with DuckDB
(the reader of tests/interop/duckdb_rows.mjs, through node and pyshim/duckdb_table.mjs) instead: the script under test is still checked
against a Parquet reader that is not budget-audit's own. Put tests/interop/pyshim on PYTHONPATH.
Values come back as real pyarrow gives them for the audit schema: timestamp[us, tz=UTC] ->
timezone-aware datetime, string -> str, bool -> bool, int64 -> int, double -> float (bit-exact).
"""

__version__ = "0+duckdb-shim"


class ArrowException(Exception):
    """Base of the shim's errors (as pyarrow.lib.ArrowException)."""


class ArrowInvalid(ValueError, ArrowException):
    """The file could not be read (as pyarrow.lib.ArrowInvalid)."""
