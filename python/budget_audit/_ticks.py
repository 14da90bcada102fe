"""A controller's tick result as the JSON object the ``log`` command reads.

The library has one parser and one validation policy for ticks (docs/validation.md): the same input
is the same record or the same refusal, whichever way it comes in. So the package does not judge a
tick itself: it writes the tick's attributes as JSON, mapping Python's types onto JSON's, and the
library's parser decides — NaN, numbers a double cannot hold, integers beyond int64, a bool where a
number belongs, strings over 4096 bytes or with lone surrogates, sub-microsecond digits: all refused
with the same words as ``budget-audit log`` uses.

The mapping:

- ``datetime`` (``pandas.Timestamp`` too): ISO-8601 with its own offset, so ``date`` is its calendar
  date in that offset, as the Python version's ``timestamp.date()``; a naive one is written without
  an offset and read as UTC (its date: its own). A ``pandas.Timestamp`` keeps its nanoseconds, so a
  sub-microsecond instant is refused rather than silently truncated. ``numpy.datetime64``: naive.
- ``bool`` and ``numpy.bool_``: ``true``/``false``; ``int`` and numpy integers: integers (any size:
  the parser refuses what int64 or a double cannot hold); ``float`` and numpy floats: the shortest
  repr, ``NaN``/``Infinity`` as Python's ``json`` writes them (and the parser refuses);
  ``decimal.Decimal``: its digits.
- ``str``: a JSON string.
- ``None``, or an attribute the tick lacks: absent (the Python version's default; for the timestamp,
  "now" in UTC, taken when ``log_slot`` is called).
- Anything else is written as its ``str()`` and refused by the parser naming the attribute.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import json
import math
from typing import Any, Mapping

from ._core import set_tick_attributes as _set_tick_attributes
from ._core import tick_json as _tick_json

# The tick attributes the log keeps, in the Python version's order.
ATTRIBUTES = (
    "timestamp",
    "slot_index",
    "plan_offset_deg",
    "target_angle",
    "energy_cost_kwh",
    "budget_spent_kwh",
    "budget_remaining_kwh",
    "live_gate_passed",
    "source",
    "stage_id",
)

# The extension's tick JSON (to_json) reads these names.
_set_tick_attributes(list(ATTRIBUTES))

_MISSING = object()


class _Raw(str):
    """JSON text to be written as it is (a number literal)."""


def _timestamp_text(value: Any) -> Any:
    if isinstance(value, _dt.datetime):
        # A pandas.Timestamp writes its nanoseconds too.
        return value.isoformat()
    if type(value).__name__ == "datetime64" and type(value).__module__ == "numpy":
        return str(value)  # ISO-8601 without an offset (UTC), all its digits
    return value


def _json_value(value: Any) -> Any:
    """A tick attribute's value as json.dumps should write it."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, decimal.Decimal):
        return _Raw(str(value)) if value.is_finite() else float(value)
    kind = type(value)
    if kind.__module__ == "numpy":
        name = kind.__name__
        if name in ("bool", "bool_"):
            return bool(value)
        if name.startswith(("int", "uint")):
            return int(value)
        if name.startswith("float"):
            return float(value)  # float16/float32 widen exactly
    return _timestamp_text(value)


def _dumps(fields: dict) -> str:
    parts = []
    for key, value in fields.items():
        if isinstance(value, _Raw):
            text = str(value)
        elif isinstance(value, float) and not math.isfinite(value):
            text = "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
        else:
            try:
                text = json.dumps(value)
            except (TypeError, ValueError):
                text = json.dumps(str(value))
        parts.append(json.dumps(key) + ":" + text)
    return "{" + ",".join(parts) + "}"


_float_repr = float.__repr__
_int_repr = int.__repr__
_string_text = json.encoder.encode_basestring_ascii  # what json.dumps writes for a str
_KEY_TEXT = {name: json.dumps(name) + ":" for name in ATTRIBUTES}


def _fast_text(value: Any) -> "str | None":
    """The JSON text of the common exact types (float, int, bool, str, datetime), or None for the
    others (numpy scalars, Decimal, ...: the general path)."""
    kind = type(value)
    if kind is float:
        if value != value:
            return "NaN"
        if value in (math.inf, -math.inf):
            return "Infinity" if value > 0 else "-Infinity"
        return _float_repr(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return _int_repr(value)
    if kind is str:
        return _string_text(value)
    if kind is _dt.datetime:
        return '"' + value.isoformat() + '"'
    return None


def _now_text() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat()


def from_attributes(tick: Any, *, now_if_missing: bool = True) -> str:
    """The tick's JSON, reading the ten attributes as the Python version's log_slot() did (getattr
    with a default); other attributes are ignored, as they were."""
    parts = []
    for name in ATTRIBUTES:
        value = getattr(tick, name, None)
        if value is None:
            continue
        text = _fast_text(value)
        if text is None:
            text = _dumps({name: _json_value(value)})[1:-1].split(":", 1)[1]
        parts.append(_KEY_TEXT[name] + text)
    if now_if_missing and (not parts or not parts[0].startswith('"timestamp":')):
        parts.insert(0, '"timestamp":"' + _now_text() + '"')
    return "{" + ",".join(parts) + "}"


def from_mapping(tick: Mapping[str, Any], *, now_if_missing: bool = True) -> str:
    """The tick's JSON from a mapping of tick attribute names: every key is passed on, so an unknown
    or misspelt one is refused as the ``log`` command refuses it (with a did-you-mean)."""
    fields = {}
    for key, value in tick.items():
        if value is None:
            continue
        fields[str(key)] = _json_value(value)
    if now_if_missing and "timestamp" not in fields:
        fields = {"timestamp": _now_text(), **fields}
    return _dumps(fields)


def to_json(tick: Any, *, now_if_missing: bool = True) -> str:
    # The common tick (exact float, int, bool, str, datetime attributes, a timestamp) is written by
    # the extension: the same text as from_attributes (python/tests/test_api.py compares them),
    # without the interpreter's loop over the attributes on every log_slot.
    text = _tick_json(tick)
    if text is not None:
        return text
    if isinstance(tick, Mapping):
        return from_mapping(tick, now_if_missing=now_if_missing)
    return from_attributes(tick, now_if_missing=now_if_missing)
