"""The exceptions budget_audit raises: one base class, one subclass per kind of failure.

Every exception carries ``code`` (the library's status code name, e.g. ``"AlreadyExists"``) and
``seq``: for a :class:`ConflictError`, the seq of the record already logged with that timestamp.
"""

from __future__ import annotations

from typing import Optional


class Error(Exception):
    """Base class of every error budget_audit raises."""

    code: Optional[str] = None
    seq: Optional[int] = None


class InvalidError(Error, ValueError):
    """A value outside the validation policy (docs/validation.md), e.g. a NaN cost or a 1 MiB source."""


class ConfigError(InvalidError):
    """A setting is missing or wrong: names the setting and where it came from."""


class ConflictError(Error):
    """A different record with this timestamp is already logged; ``seq`` is that record's."""


class LockedError(Error):
    """Another process is writing to the log (its lock names it)."""


class CorruptionError(Error):
    """The log is damaged or was altered: the message names the file and what is wrong."""


class LogNotFoundError(Error, FileNotFoundError):
    """No audit log at that path."""


class StorageError(Error, OSError):
    """The disk refused a read or a write (full, read-only, I/O error)."""


class ClosedError(Error):
    """The log was closed, or its writer belongs to another process (after fork)."""


# The library's status codes (include/budget_audit/status.h) -> classes.
_BY_CODE = {
    1: InvalidError,        # InvalidArgument
    2: LogNotFoundError,    # NotFound
    3: CorruptionError,     # Corruption
    4: Error,               # NotSupported
    5: StorageError,        # IOError
    6: StorageError,        # ResourceExhausted
    7: ConflictError,       # AlreadyExists
    8: LockedError,         # Busy
    9: ClosedError,         # FailedPrecondition
    10: Error,              # Internal
}

# The names the library gives its codes in messages (StatusCodeName), as an error that crossed the
# Arrow C stream arrives: "Corruption: <message>".
_BY_STREAM_NAME = {
    "Invalid argument": (1, "InvalidArgument"),
    "Not found": (2, "NotFound"),
    "Corruption": (3, "Corruption"),
    "Not supported": (4, "NotSupported"),
    "IO error": (5, "IOError"),
    "Resource exhausted": (6, "ResourceExhausted"),
    "Already exists": (7, "AlreadyExists"),
    "Busy": (8, "Busy"),
    "Failed precondition": (9, "FailedPrecondition"),
    "Internal error": (10, "Internal"),
}


def from_stream_error(exc: BaseException) -> Optional[Error]:
    """The library's error behind a failure pyarrow reports while reading the Arrow stream."""
    text = str(exc)
    for name, (number, code) in _BY_STREAM_NAME.items():
        if text.startswith(name + ": "):
            err = _BY_CODE[number](text[len(name) + 2:])
            err.code = code
            return err
    return None
