"""The C ABI from Python through ctypes: plain python3, no packages.

The same ground as capi_test.c (open, append a struct and a JSON line, a
retry, a conflict carrying the existing seq, log_slot, sync, close, reopen;
the cursor; the Arrow C stream read back by hand; the reports; errors), as
a binding would do it. When pyarrow is importable the stream is also
imported with pyarrow and compared; without it that part is skipped.

Usage: test_capi_ctypes.py LIBBUDGET_AUDIT_SO [SCRATCH_DIR]
"""

import ctypes as C
import json
import math
import os
import shutil
import sys
import tempfile

# ---- the declarations of c.h

BA_OK, BA_INVALID_ARGUMENT, BA_NOT_FOUND = 0, 1, 2
BA_ALREADY_EXISTS, BA_BUSY = 7, 8
BA_SYNC_ALWAYS, BA_SYNC_BATCH = 0, 1
BA_SEAL_MANUAL = 2
BA_HEX_SIZE = 65

TICK_BITS = {name: 1 << i for i, name in enumerate([
    "timestamp", "slot_index", "plan_offset_deg", "target_angle", "energy_cost_kwh",
    "budget_spent_kwh", "budget_remaining_kwh", "live_gate_passed", "source", "stage_id"])}

COLUMNS = ["timestamp", "date", "slot_index", "planned_offset_deg", "actual_offset_deg",
           "energy_cost_kwh", "budget_spent_kwh", "budget_remaining_kwh", "gate_passed",
           "source", "stage_id", "seq"]
COL = {name: 1 << i for i, name in enumerate(COLUMNS)}
FORMATS = ["tsu:UTC", "u", "l", "g", "g", "g", "g", "g", "b", "u", "u", "l"]
ARROW_FLAG_NULLABLE = 2


class Tick(C.Structure):
    _fields_ = [("fields", C.c_uint32), ("utc_offset_seconds", C.c_int32),
                ("timestamp_us", C.c_int64), ("slot_index", C.c_int64),
                ("plan_offset_deg", C.c_double), ("target_angle", C.c_double),
                ("energy_cost_kwh", C.c_double), ("budget_spent_kwh", C.c_double),
                ("budget_remaining_kwh", C.c_double), ("live_gate_passed", C.c_int32),
                ("source", C.c_char_p), ("source_len", C.c_size_t),
                ("stage_id", C.c_char_p), ("stage_id_len", C.c_size_t)]


class AppendResult(C.Structure):
    _fields_ = [("seq", C.c_uint64), ("duplicate", C.c_int32)]


class ScanOptions(C.Structure):
    _fields_ = [("columns", C.c_uint32), ("has_since", C.c_int32), ("has_until", C.c_int32),
                ("since_us", C.c_int64), ("until_us", C.c_int64), ("date", C.c_char_p)]


class Plant(C.Structure):
    _fields_ = [("capacity_kw", C.c_double), ("max_reduction_pct", C.c_double),
                ("max_reduction_pct_is_integer", C.c_int32)]


class ArrowSchema(C.Structure):
    pass


ArrowSchema._fields_ = [
    ("format", C.c_char_p), ("name", C.c_char_p), ("metadata", C.c_char_p),
    ("flags", C.c_int64), ("n_children", C.c_int64),
    ("children", C.POINTER(C.POINTER(ArrowSchema))), ("dictionary", C.POINTER(ArrowSchema)),
    ("release", C.CFUNCTYPE(None, C.POINTER(ArrowSchema))), ("private_data", C.c_void_p)]


class ArrowArray(C.Structure):
    pass


ArrowArray._fields_ = [
    ("length", C.c_int64), ("null_count", C.c_int64), ("offset", C.c_int64),
    ("n_buffers", C.c_int64), ("n_children", C.c_int64),
    ("buffers", C.POINTER(C.c_void_p)), ("children", C.POINTER(C.POINTER(ArrowArray))),
    ("dictionary", C.POINTER(ArrowArray)),
    ("release", C.CFUNCTYPE(None, C.POINTER(ArrowArray))), ("private_data", C.c_void_p)]


class ArrowArrayStream(C.Structure):
    pass


ArrowArrayStream._fields_ = [
    ("get_schema", C.CFUNCTYPE(C.c_int, C.POINTER(ArrowArrayStream), C.POINTER(ArrowSchema))),
    ("get_next", C.CFUNCTYPE(C.c_int, C.POINTER(ArrowArrayStream), C.POINTER(ArrowArray))),
    ("get_last_error", C.CFUNCTYPE(C.c_char_p, C.POINTER(ArrowArrayStream))),
    ("release", C.CFUNCTYPE(None, C.POINTER(ArrowArrayStream))),
    ("private_data", C.c_void_p)]


def load(path):
    lib = C.CDLL(path)
    errp = C.POINTER(C.c_void_p)
    vp = C.c_void_p
    sigs = {
        "ba_code_name": (C.c_char_p, [C.c_int]),
        "ba_version": (C.c_char_p, []),
        "ba_free": (None, [vp]),
        "ba_log_options_create": (vp, []),
        "ba_log_options_destroy": (None, [vp]),
        "ba_log_options_set_sync": (C.c_int, [vp, C.c_int]),
        "ba_log_options_set_seal_policy": (C.c_int, [vp, C.c_int]),
        "ba_log_open": (C.c_int, [C.c_char_p, vp, C.POINTER(vp), errp]),
        "ba_log_close": (C.c_int, [vp, errp]),
        "ba_log_append": (C.c_int, [vp, C.POINTER(Tick), C.POINTER(AppendResult), errp]),
        "ba_log_append_json": (C.c_int, [vp, C.c_char_p, C.c_size_t, C.POINTER(AppendResult),
                                         errp]),
        "ba_log_log_slot": (C.c_int, [vp, C.POINTER(Tick), errp]),
        "ba_log_sync": (C.c_int, [vp, errp]),
        "ba_log_seal": (C.c_int, [vp, errp]),
        "ba_log_last_seq": (C.c_uint64, [vp]),
        "ba_log_sealed_seq": (C.c_uint64, [vp]),
        "ba_log_head": (None, [vp, C.c_char_p]),
        "ba_snapshot_open": (C.c_int, [C.c_char_p, C.POINTER(vp), errp]),
        "ba_snapshot_close": (None, [vp]),
        "ba_snapshot_last_seq": (C.c_uint64, [vp]),
        "ba_snapshot_head": (None, [vp, C.c_char_p]),
        "ba_snapshot_cursor": (C.c_int, [vp, C.POINTER(ScanOptions), C.POINTER(vp), errp]),
        "ba_cursor_close": (None, [vp]),
        "ba_cursor_next": (C.c_int, [vp, C.c_size_t, C.POINTER(vp), errp]),
        "ba_batch_num_rows": (C.c_size_t, [vp]),
        "ba_batch_int64": (C.POINTER(C.c_int64), [vp, C.c_uint32]),
        "ba_batch_double": (C.POINTER(C.c_double), [vp, C.c_uint32]),
        "ba_batch_bool": (C.POINTER(C.c_uint8), [vp, C.c_uint32]),
        "ba_batch_string": (C.c_void_p, [vp, C.c_uint32, C.c_size_t, C.POINTER(C.c_size_t)]),
        "ba_snapshot_arrow_stream": (C.c_int, [vp, C.POINTER(ScanOptions), C.c_size_t,
                                               C.POINTER(ArrowArrayStream), errp]),
        "ba_snapshot_report_json": (C.c_int, [vp, C.POINTER(Plant), C.POINTER(vp), errp]),
        "ba_snapshot_daily_json": (C.c_int, [vp, C.c_char_p, C.POINTER(vp), errp]),
        "ba_verify_json": (C.c_int, [C.c_char_p, C.POINTER(vp), errp]),
    }
    for name, (res, args) in sigs.items():
        f = getattr(lib, name)
        f.restype = res
        f.argtypes = args
    return lib


class BaError(Exception):
    def __init__(self, code, name, message):
        super().__init__(f"{name}: {message}")
        self.code = code
        self.message = message


class Api:
    """Turns (code, errmsg) into exceptions, as a binding would."""

    def __init__(self, lib):
        self.lib = lib

    def take_string(self, p):
        if not p:
            return None
        s = C.string_at(p).decode("utf-8")
        self.lib.ba_free(p)
        return s

    def call(self, fn, *args):
        err = C.c_void_p()
        code = fn(*args, C.byref(err))
        msg = self.take_string(err.value)
        if code != BA_OK:
            raise BaError(code, self.lib.ba_code_name(code).decode(), msg)
        assert msg is None
        return code


failures = 0


def check(cond, what):
    global failures
    if not cond:
        failures += 1
        print(f"FAILED: {what}", file=sys.stderr)


def expect_error(api, code, prefix, fn, *args):
    try:
        api.call(fn, *args)
    except BaError as e:
        check(e.code == code, f"{fn.__name__}: code {e.code}, want {code} ({e.message})")
        check(e.message.startswith(prefix), f"{fn.__name__}: message {e.message!r}, want {prefix!r}")
        return e
    check(False, f"{fn.__name__}: succeeded, want code {code}")
    return None


T1 = 1780114500000000  # 2026-05-30T06:15:00+02:00
T2 = 1780115400000000  # 2026-05-30T06:30:00+02:00
T3 = 1780281000000000  # 2026-05-31T23:30:00-03:00
STAGE = "stage-été".encode()


def first_tick():
    t = Tick()
    t.fields = sum(TICK_BITS.values())
    t.timestamp_us, t.utc_offset_seconds = T1, 7200
    t.slot_index = 25
    t.plan_offset_deg, t.target_angle = 12.5, 30.25
    t.energy_cost_kwh, t.budget_spent_kwh, t.budget_remaining_kwh = 0.125, 1.5, 98.5
    t.live_gate_passed = 1
    t.source, t.source_len = b"planner", 7
    t.stage_id, t.stage_id_len = STAGE, len(STAGE)
    return t


def test_writer(api, lib, d):
    opts = lib.ba_log_options_create()
    check(lib.ba_log_options_set_sync(opts, BA_SYNC_BATCH) == BA_OK, "set_sync")
    check(lib.ba_log_options_set_seal_policy(opts, BA_SEAL_MANUAL) == BA_OK, "set_seal_policy")
    check(lib.ba_log_options_set_sync(opts, 9) == BA_INVALID_ARGUMENT, "set_sync(9)")
    log = C.c_void_p()
    api.call(lib.ba_log_open, d, opts, C.byref(log))
    r = AppendResult()
    t = first_tick()
    api.call(lib.ba_log_append, log, C.byref(t), C.byref(r))
    check((r.seq, r.duplicate) == (1, 0), f"first append {r.seq} {r.duplicate}")
    api.call(lib.ba_log_append, log, C.byref(t), C.byref(r))
    check((r.seq, r.duplicate) == (1, 1), "retry is a duplicate of seq 1")
    t.energy_cost_kwh = 0.5
    e = expect_error(api, BA_ALREADY_EXISTS, "", lib.ba_log_append, log, C.byref(t), C.byref(r))
    check(r.seq == 1, f"conflict carries seq 1, got {r.seq}")
    check(e is not None and "1" in e.message, "conflict message names the seq")
    t.energy_cost_kwh = 0.125

    line = json.dumps({"timestamp": "2026-05-30T06:30:00+02:00", "slot_index": 26,
                       "energy_cost_kwh": 0.25, "live_gate_passed": False,
                       "source": None}).encode() + b"\n"
    api.call(lib.ba_log_append_json, log, line, len(line), C.byref(r))
    check((r.seq, r.duplicate) == (2, 0), "json append")
    # json.dumps writes NaN for float('nan'): refused, naming the field.
    bad = json.dumps({"timestamp": "2026-05-31T23:30:00-03:00",
                      "energy_cost_kwh": float("nan")}).encode()
    expect_error(api, BA_INVALID_ARGUMENT, "energy_cost_kwh", lib.ba_log_append_json, log, bad,
                 len(bad), C.byref(r))
    t2 = first_tick()
    t2.timestamp_us = T3
    t2.target_angle = math.inf
    expect_error(api, BA_INVALID_ARGUMENT, "target_angle:", lib.ba_log_append, log, C.byref(t2),
                 C.byref(r))
    expect_error(api, BA_INVALID_ARGUMENT, "log:", lib.ba_log_append, None, C.byref(t), None)

    slot = Tick()
    slot.fields = TICK_BITS["timestamp"] | TICK_BITS["energy_cost_kwh"]
    slot.timestamp_us, slot.utc_offset_seconds, slot.energy_cost_kwh = T3, -3 * 3600, 0.75
    api.call(lib.ba_log_log_slot, log, C.byref(slot))
    api.call(lib.ba_log_sync, log)
    check(lib.ba_log_last_seq(log) == 3, "last_seq 3")
    head = C.create_string_buffer(BA_HEX_SIZE)
    lib.ba_log_head(log, head)
    check(len(head.value) == 64, "head is 64 hex digits")

    other = C.c_void_p()
    expect_error(api, BA_BUSY, "", lib.ba_log_open, d, None, C.byref(other))
    check(not other.value, "no handle for the second writer")
    api.call(lib.ba_log_close, log)

    api.call(lib.ba_log_open, d, opts, C.byref(log))
    check(lib.ba_log_last_seq(log) == 3, "reopened: last_seq 3")
    head2 = C.create_string_buffer(BA_HEX_SIZE)
    lib.ba_log_head(log, head2)
    check(head.value == head2.value, "reopened: same head")
    api.call(lib.ba_log_seal, log)
    check(lib.ba_log_sealed_seq(log) == 3, "sealed 3")
    api.call(lib.ba_log_close, log)
    lib.ba_log_options_destroy(opts)
    return head.value.decode()


def test_cursor(api, lib, d):
    snap = C.c_void_p()
    api.call(lib.ba_snapshot_open, d, C.byref(snap))
    check(lib.ba_snapshot_last_seq(snap) == 3, "snapshot last_seq")
    cur = C.c_void_p()
    api.call(lib.ba_snapshot_cursor, snap, None, C.byref(cur))
    rows = []
    batch = C.c_void_p()
    while True:
        api.call(lib.ba_cursor_next, cur, 2, C.byref(batch))
        n = lib.ba_batch_num_rows(batch)
        if n == 0:
            break
        ts = lib.ba_batch_int64(batch, COL["timestamp"])
        seq = lib.ba_batch_int64(batch, COL["seq"])
        cost = lib.ba_batch_double(batch, COL["energy_cost_kwh"])
        gate = lib.ba_batch_bool(batch, COL["gate_passed"])
        for i in range(n):
            ln = C.c_size_t()
            p = lib.ba_batch_string(batch, COL["stage_id"], i, C.byref(ln))
            stage = C.string_at(p, ln.value).decode()
            p = lib.ba_batch_string(batch, COL["date"], i, C.byref(ln))
            date = C.string_at(p, ln.value).decode()
            rows.append((seq[i], ts[i], date, cost[i], gate[i], stage))
        check(not lib.ba_batch_double(batch, COL["timestamp"]), "wrong type is NULL")
    lib.ba_cursor_close(cur)
    want = [(1, T1, "2026-05-30", 0.125, 1, "stage-été"),
            (2, T2, "2026-05-30", 0.25, 0, "unknown"),
            (3, T3, "2026-05-31", 0.75, 0, "unknown")]
    check(rows == want, f"cursor rows {rows}")
    lib.ba_snapshot_close(snap)


def read_stream_by_hand(stream):
    """The stream's rows as dicts, from the C structs themselves."""
    schema = ArrowSchema()
    check(stream.get_schema(C.byref(stream), C.byref(schema)) == 0, "get_schema")
    check(schema.format == b"+s", "struct schema")
    names, formats = [], []
    for i in range(schema.n_children):
        c = schema.children[i].contents
        names.append(c.name.decode())
        formats.append(c.format.decode())
        check(c.flags == ARROW_FLAG_NULLABLE, f"{names[-1]} nullable")
    schema.release(C.byref(schema))
    rows = []
    while True:
        a = ArrowArray()
        check(stream.get_next(C.byref(stream), C.byref(a)) == 0, "get_next")
        if not a.release:
            break
        cols = []
        for j in range(a.n_children):
            c = a.children[j].contents
            fmt = formats[j]
            vals = []
            for i in range(c.length):
                if fmt in ("l", "tsu:UTC"):
                    vals.append(C.cast(c.buffers[1], C.POINTER(C.c_int64))[i])
                elif fmt == "g":
                    vals.append(C.cast(c.buffers[1], C.POINTER(C.c_double))[i])
                elif fmt == "b":
                    bits = C.cast(c.buffers[1], C.POINTER(C.c_uint8))
                    vals.append(bool((bits[i // 8] >> (i % 8)) & 1))
                elif fmt == "u":
                    off = C.cast(c.buffers[1], C.POINTER(C.c_int32))
                    vals.append(C.string_at(c.buffers[2] + off[i], off[i + 1] - off[i]).decode())
            cols.append(vals)
        for i in range(a.length):
            rows.append({names[j]: cols[j][i] for j in range(len(names))})
        a.release(C.byref(a))
    return names, formats, rows


def test_arrow(api, lib, d):
    snap = C.c_void_p()
    api.call(lib.ba_snapshot_open, d, C.byref(snap))
    stream = ArrowArrayStream()
    api.call(lib.ba_snapshot_arrow_stream, snap, None, 2, C.byref(stream))
    lib.ba_snapshot_close(snap)  # the stream keeps what it reads
    names, formats, rows = read_stream_by_hand(stream)
    stream.release(C.byref(stream))
    check(names == COLUMNS, f"names {names}")
    check(formats == FORMATS, f"formats {formats}")
    check(len(rows) == 3, "3 rows")
    if len(rows) == 3:
        check(rows[0]["timestamp"] == T1 and rows[0]["stage_id"] == "stage-été" and
              rows[0]["gate_passed"] is True and rows[0]["slot_index"] == 25 and
              rows[0]["planned_offset_deg"] == 12.5 and rows[0]["source"] == "planner",
              f"row 1 {rows[0]}")
        check(rows[1]["source"] == "" and rows[1]["seq"] == 2 and
              rows[1]["actual_offset_deg"] == 0.0, f"row 2 {rows[1]}")
        check(rows[2]["date"] == "2026-05-31" and rows[2]["slot_index"] == -1, f"row 3 {rows[2]}")

    # Some columns.
    api.call(lib.ba_snapshot_open, d, C.byref(snap))
    o = ScanOptions(columns=COL["energy_cost_kwh"] | COL["seq"])
    api.call(lib.ba_snapshot_arrow_stream, snap, C.byref(o), 0, C.byref(stream))
    names, _, rows = read_stream_by_hand(stream)
    stream.release(C.byref(stream))
    check(names == ["energy_cost_kwh", "seq"], f"subset names {names}")
    check([r["energy_cost_kwh"] for r in rows] == [0.125, 0.25, 0.75], "subset values")
    o.columns = 1 << 15
    expect_error(api, BA_INVALID_ARGUMENT, "columns:", lib.ba_snapshot_arrow_stream, snap,
                 C.byref(o), 0, C.byref(stream))

    try:
        import pyarrow as pa  # noqa: F401  (an oracle when the venv has it)
    except ImportError:
        print("pyarrow not importable: the pyarrow import of the stream is skipped")
    else:
        api.call(lib.ba_snapshot_arrow_stream, snap, None, 2, C.byref(stream))
        reader = pa.RecordBatchReader._import_from_c(C.addressof(stream))
        table = reader.read_all()
        want = pa.schema([
            pa.field("timestamp", pa.timestamp("us", tz="UTC")), pa.field("date", pa.string()),
            pa.field("slot_index", pa.int64()), pa.field("planned_offset_deg", pa.float64()),
            pa.field("actual_offset_deg", pa.float64()), pa.field("energy_cost_kwh", pa.float64()),
            pa.field("budget_spent_kwh", pa.float64()),
            pa.field("budget_remaining_kwh", pa.float64()), pa.field("gate_passed", pa.bool_()),
            pa.field("source", pa.string()), pa.field("stage_id", pa.string()),
            pa.field("seq", pa.int64())])
        check(table.schema.equals(want), f"pyarrow schema {table.schema}")
        check(table.column("seq").to_pylist() == [1, 2, 3], "pyarrow seq")
        check(table.column("stage_id").to_pylist() == ["stage-été", "unknown", "unknown"],
              "pyarrow stage_id")
        check(table.column("gate_passed").to_pylist() == [True, False, False], "pyarrow gate")
        # The same schema and rows as pyarrow reads from the sealed files
        # (all three records are sealed).
        import glob
        import pyarrow.parquet as pq
        files = sorted(glob.glob(os.path.join(d.decode(), "*.parquet")))
        sealed = pa.concat_tables([pq.read_table(f) for f in files]).sort_by("seq")
        check(sealed.schema.remove_metadata().equals(table.schema),
              f"sealed files' schema {sealed.schema}")
        check(sealed.to_pylist() == table.to_pylist(), "sealed files' rows")
        print("pyarrow imported the stream: schema and rows as in the sealed files")
    lib.ba_snapshot_close(snap)


def test_reports(api, lib, d, head):
    snap = C.c_void_p()
    api.call(lib.ba_snapshot_open, d, C.byref(snap))
    out = C.c_void_p()
    plant = Plant(100.0, 5.0, 1)
    api.call(lib.ba_snapshot_report_json, snap, C.byref(plant), C.byref(out))
    report = json.loads(api.take_string(out.value))
    check(report.get("ceiling_pct") == 5 and report.get("total_cost_kwh") == 1.125, f"report {report}")
    api.call(lib.ba_snapshot_daily_json, snap, b"2026-05-30", C.byref(out))
    daily = json.loads(api.take_string(out.value))
    check(daily.get("date") == "2026-05-30", f"daily {daily}")
    expect_error(api, BA_INVALID_ARGUMENT, "date 30/05/2026", lib.ba_snapshot_daily_json, snap,
                 b"30/05/2026", C.byref(out))
    lib.ba_snapshot_close(snap)
    api.call(lib.ba_verify_json, d, C.byref(out))
    v = json.loads(api.take_string(out.value))
    check(v["intact"] is True and v["records"] == 3 and v["head"] == {"seq": 3, "hash": head}
          and v["closed_cleanly"] is True, f"verify {v}")


def main():
    lib = load(sys.argv[1])
    api = Api(lib)
    base = sys.argv[2] if len(sys.argv) > 2 else None
    scratch = tempfile.mkdtemp(prefix="capi_ctypes.", dir=base)
    try:
        d = os.path.join(scratch, "log").encode()
        check(lib.ba_version().decode().count(".") == 2, "version")
        head = test_writer(api, lib, d)
        test_cursor(api, lib, d)
        test_arrow(api, lib, d)
        test_reports(api, lib, d, head)
        missing = os.path.join(scratch, "missing").encode()
        snap = C.c_void_p()
        expect_error(api, BA_NOT_FOUND, "", lib.ba_snapshot_open, missing, C.byref(snap))
    finally:
        shutil.rmtree(scratch)  # made above, by this test
    if failures:
        print(f"test_capi_ctypes: {failures} check(s) failed", file=sys.stderr)
        return 1
    print("test_capi_ctypes: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
