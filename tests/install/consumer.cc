// A program of another project on the installed C++ API: opens a log in
// the directory it is given, appends (a record, a retry, a conflict, a
// controller's tick), closes, then reads it back through a LogSnapshot (its
// cursor and Scan). Includes only <budget_audit/...>. Exits 0 when all is
// as expected.
#include <budget_audit/audit_log.h>
#include <budget_audit/c.h>
#include <budget_audit/log_reader.h>

#include <cstdio>
#include <cstring>
#include <string>

namespace ba = budget_audit;

namespace {

int failures = 0;

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "consumer: FAILED: %s\n", what);
    ++failures;
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: consumer DIR\n");
    return 2;
  }
  const std::string dir = ba::JoinPath(argv[1], "log");
  {
    ba::AuditLogOptions options;
    options.seal_policy = ba::SealPolicy::kManual;
    auto log = ba::AuditLog::Open(dir, options);
    if (!log.ok()) {
      std::fprintf(stderr, "consumer: %s\n", log.status().ToString().c_str());
      return 1;
    }
    ba::SlotRecord r;
    r.timestamp_us = 1780114500000000;  // 2026-05-30T04:15:00Z
    r.date = "2026-05-30";
    r.slot_index = 25;
    r.energy_cost_kwh = 0.125;
    r.gate_passed = true;
    r.source = "consumer";
    auto a = (*log)->Append(r);
    Check(a.ok() && a->seq == 1 && !a->duplicate, "append");
    auto again = (*log)->Append(r);
    Check(again.ok() && again->seq == 1 && again->duplicate, "retry");
    ba::SlotRecord other = r;
    other.energy_cost_kwh = 1.0;
    auto conflict = (*log)->Append(other);
    Check(!conflict.ok() && conflict.status().code() == ba::StatusCode::kAlreadyExists &&
              conflict.status().seq() == 1u,
          "conflict with seq 1");
    ba::ControllerTick tick;
    tick.timestamp_us = 1780115400000000;
    tick.energy_cost_kwh = 0.25;
    Check((*log)->LogSlot(tick).ok(), "LogSlot");
    Check((*log)->last_seq() == 2, "last_seq");
    Check((*log)->Close().ok(), "Close");
  }
  auto snap = ba::LogSnapshot::Open(dir);
  if (!snap.ok()) {
    std::fprintf(stderr, "consumer: %s\n", snap.status().ToString().c_str());
    return 1;
  }
  Check((*snap)->last_seq() == 2, "snapshot last_seq");
  ba::ScanOptions so;
  so.columns = ba::kColTimestamp | ba::kColEnergyCost | ba::kColSource | ba::kColStageId;
  auto cursor = (*snap)->NewCursor(so);
  Check(cursor.ok(), "NewCursor");
  if (cursor.ok()) {
    ba::RecordBatch batch;
    Check((*cursor)->Next(10, &batch).ok(), "Next");
    Check(batch.num_rows() == 2, "two rows");
    if (batch.num_rows() == 2) {
      Check(batch.seq[0] == 1 && batch.seq[1] == 2, "seqs");
      Check(batch.energy_cost_kwh[0] == 0.125 && batch.energy_cost_kwh[1] == 0.25, "costs");
      Check(batch.source[0] == "consumer" && batch.stage_id[1] == "unknown", "strings");
    }
    Check((*cursor)->Next(10, &batch).ok() && batch.num_rows() == 0, "end");
  }
  double total = 0;
  {
    ba::Status s = (*snap)->Scan({}, [&](uint64_t, const ba::SlotRecord& rec) {
      total += rec.energy_cost_kwh;
      return ba::Status::OK();
    });
    Check(s.ok() && total == 0.375, "Scan");
  }
  Check(std::strlen(ba_version()) > 0, "the C ABI is there too");
  if (failures != 0) return 1;
  std::printf("consumer: ok\n");
  return 0;
}
