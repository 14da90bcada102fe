#!/usr/bin/env python3
# verify_log.py LOG_DIR: verifies a budget-audit log; prints "OK <n> records, head <hex>" (exit 0) or
# the first problem (exit 1). An independent re-implementation from docs/format.md §2 alone, with the
# standard library and pyarrow: manifest, sealed files, journal frames, canonical encoding, hash chain.
import hashlib, json, struct, sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
import pyarrow.parquet as pq

CRC32C = []  # CRC-32C (Castagnoli) table: reflected polynomial 0x82F63B78
for c in range(256):
    for _ in range(8): c = (c >> 1) ^ (0x82F63B78 if c & 1 else 0)
    CRC32C.append(c)

def masked_crc(data):
    c = 0xFFFFFFFF
    for b in data: c = CRC32C[(c ^ b) & 0xFF] ^ (c >> 8)
    c ^= 0xFFFFFFFF
    return (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF

def fail(problem): print("FAIL:", problem); sys.exit(1)
def text(s): b = s.encode(); return struct.pack("<I", len(b)) + b
def canonical(r):  # canonical(record, seq) of a sealed row
    us = (r["timestamp"] - datetime(1970, 1, 1, tzinfo=timezone.utc)) // timedelta(microseconds=1)
    return (struct.pack("<Qq", r["seq"], us) + text(r["date"]) + struct.pack("<q5d?", r["slot_index"],
            r["planned_offset_deg"], r["actual_offset_deg"], r["energy_cost_kwh"], r["budget_spent_kwh"],
            r["budget_remaining_kwh"], r["gate_passed"]) + text(r["source"]) + text(r["stage_id"]))

def verify(log):
    data = (log / "_manifest.json").read_bytes()
    man = json.loads(data)
    if "checksum" in man:  # over every byte before the last '"checksum"' (absent before 2026-12-04)
        if man["checksum"] != "sha256:" + hashlib.sha256(data[:data.rindex(b'"checksum"')]).hexdigest():
            fail("_manifest.json: checksum differs from its content")
    else:
        print("note: _manifest.json has no checksum (written before 2026-12-04)")
    if (man["format"], man["version"]) != ("budget-audit log", 1): fail("not a budget-audit log, version 1")
    log_id, sealed_seq = bytes.fromhex(man["log_id"]), man["sealed_seq"]
    records, stored, torn = {}, [], None  # seq -> canonical bytes; [(seq, stored hash(seq), where)]
    for f in man["files"]:
        if hashlib.sha256((log / f["name"]).read_bytes()).hexdigest() != f["sha256"]:
            if not (log / "_seal_intent").exists(): fail(f"{f['name']}: SHA-256 differs from the manifest's")
            print(f"note: {f['name']}: SHA-256 differs from the manifest's (a seal was interrupted)")
        rows = [r for r in pq.read_table(log / f["name"]).to_pylist() if r["seq"] <= sealed_seq]
        if [len(rows)] + [r["seq"] for r in rows[:1] + rows[-1:]] != [f["rows"], f["min_seq"], f["max_seq"]]:
            fail(f"{f['name']}: its rows or seq range differ from the manifest's")
        records.update((r["seq"], canonical(r)) for r in rows)
    if len(records) != sum(f["rows"] for f in man["files"]): fail("a seq is in more than one sealed file")
    if not (log / "_journal").is_dir(): fail("_journal is missing or not a directory")
    files = sorted(p for p in (log / "_journal").glob("*.journal") if len(p.name) == 28 and p.name[:20].isdigit())
    for p in files:
        b, name, last, seq = p.read_bytes(), "_journal/" + p.name, p == files[-1], int(p.name[:20])
        if len(b) < 68 or masked_crc(b[:64]) != struct.unpack_from("<I", b, 64)[0]:
            if last and (not any(b[68:]) if len(b) >= 68 else (not any(b) or b"BAJ1".startswith(b[:4]))):
                torn = f"{name} (header)"; break
            fail(f"{name}: journal header damaged")
        if struct.unpack_from("<4sI16sQ", b) != (b"BAJ1", 1, log_id, seq) or seq < 1:
            fail(f"{name}: not a version 1 journal of this log starting at seq {seq}")
        stored.append((seq - 1, b[32:64], f"{name}: prev_hash")); pos, padded = 68, b + bytes(9)
        while pos < len(b):  # frames: u32 masked CRC | u32 length | u8 type | canonical | hash(seq)
            crc, n, kind = struct.unpack_from("<IIB", padded, pos)
            end, where = pos + 9 + n, f"{name}: frame at offset {pos}"
            if n > 1 << 20 and pos + 9 <= len(b): fail(f"{where}: length {n} is over 1 MiB")
            if end > len(b) or masked_crc(b[pos + 4:end]) != crc:  # a whole bad frame is never torn
                if last and (end > len(b) or not any(b[pos:])): torn = where; break  # cut, or only zeros
                fail(f"{where}: cut short or fails its CRC before the end of the journal")
            rec = b[pos + 9:end - 32]
            if kind != 1 or n < 40 or struct.unpack_from("<Q", rec)[0] != seq:
                fail(f"{where}: not a tick frame of seq {seq}")
            if seq <= sealed_seq and records.get(seq) != rec: fail(f"{where}: seq {seq} differs from its sealed copy")
            if seq > sealed_seq and seq in records: fail(f"{where}: seq {seq} appears twice")
            records[seq] = rec; stored.append((seq, b[end - 32:end], where)); pos, seq = end, seq + 1
    chain = [hashlib.sha256(b"budget-audit chain v1" + log_id).digest()]  # chain[seq] = hash(seq)
    for seq in range(1, len(records) + 1):
        if seq not in records: fail(f"seq {seq} is missing: seqs are not dense from 1")
        chain.append(hashlib.sha256(chain[-1] + records[seq]).digest())
    if sealed_seq >= len(chain) or chain[sealed_seq].hex() != man["sealed_head"].lower():
        fail(f"the chain's hash({sealed_seq}) is not the manifest's sealed_head")
    for seq, h, where in stored:
        if seq >= len(chain) or chain[seq] != h: fail(f"{where}: stored hash is not the chain's hash({seq})")
    if (log / "_closed").exists():  # a clean close: the journal must end exactly there (§2.2)
        c = json.loads((log / "_closed").read_text())
        end = (files[-1].name, files[-1].stat().st_size) if files else ("", 0)
        if torn or end != (c["journal"], c["journal_bytes"]) or c["last_seq"] != len(records) \
                or c["head"].lower() != chain[-1].hex():
            fail(f"_closed: the log was closed cleanly after seq {c['last_seq']}, but its journal now ends "
                 f"{'in a torn tail at ' + torn if torn else 'elsewhere'}: damage after a clean close")
        print(f"note: closed cleanly after seq {c['last_seq']}")
    for p in sorted((log / "_cut").glob("*.tail")):
        print(f"note: {p.stat().st_size} bytes cut after a crash, kept as _cut/{p.name}")
    if torn: print(f"note: the journal ends in a torn tail at {torn}, a crash's unacknowledged write")
    print(f"OK {len(records)} records, head {chain[-1].hex()}")

if __name__ == "__main__":
    if len(sys.argv) != 2: sys.exit("usage: verify_log.py LOG_DIR")
    try: verify(Path(sys.argv[1]))
    except Exception as e: fail(f"{type(e).__name__}: {e}")
