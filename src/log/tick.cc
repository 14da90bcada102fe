#include "log/tick.h"

#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "util/civil_time.h"

namespace budget_audit::log {
namespace {

Status Bad(std::string_view field, std::string_view problem) {
  return Status::InvalidArgument(fmt::format("{}: {}", field, problem));
}

}  // namespace
}  // namespace budget_audit::log

namespace budget_audit {

SlotRecord SlotRecordFromTick(const ControllerTick& t, int64_t now_us) {
  SlotRecord r;
  if (t.timestamp_us) {
    r.timestamp_us = *t.timestamp_us;
    int64_t local_us = *t.timestamp_us + int64_t{t.utc_offset_seconds} * 1000000;
    r.date = FormatDate(FloorDiv(local_us, 86400000000));
  } else {
    r.timestamp_us = now_us;
    r.date = FormatDate(FloorDiv(now_us, 86400000000));
  }
  r.slot_index = t.slot_index.value_or(-1);
  r.planned_offset_deg = t.plan_offset_deg.value_or(0.0);
  r.actual_offset_deg = t.target_angle.value_or(0.0);
  r.energy_cost_kwh = t.energy_cost_kwh.value_or(0.0);
  r.budget_spent_kwh = t.budget_spent_kwh.value_or(0.0);
  r.budget_remaining_kwh = t.budget_remaining_kwh.value_or(0.0);
  r.gate_passed = t.live_gate_passed.value_or(false);
  r.source = t.source.value_or("");
  r.stage_id = t.stage_id.value_or("unknown");
  return r;
}

}  // namespace budget_audit

namespace budget_audit::log {

Result<ParsedTimestamp> ParseIsoTimestamp(std::string_view s) {
  auto bad = [&](std::string_view why) {
    return Bad("timestamp", fmt::format("'{}' is not an ISO-8601 timestamp with offset: {}", s, why));
  };
  if (s.size() < 16) return bad("too short");
  auto date = ParseDate(s.substr(0, 10));
  if (!date) return bad("bad date");
  if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return bad("expected 'T' after the date");
  size_t pos = 11;
  auto two = [&](int max) -> int {
    if (pos + 2 > s.size() || !std::isdigit(static_cast<unsigned char>(s[pos])) ||
        !std::isdigit(static_cast<unsigned char>(s[pos + 1]))) {
      return -1;
    }
    int v = (s[pos] - '0') * 10 + (s[pos + 1] - '0');
    pos += 2;
    return v <= max ? v : -1;
  };
  int hh = two(23);
  if (hh < 0 || pos >= s.size() || s[pos] != ':') return bad("bad hour");
  ++pos;
  int mm = two(59);
  if (mm < 0) return bad("bad minute");
  int ss = 0;
  int64_t frac_us = 0;
  if (pos < s.size() && s[pos] == ':') {
    ++pos;
    ss = two(59);
    if (ss < 0) return bad("bad second");
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
      ++pos;
      int digits = 0;
      while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
        if (digits < 6) frac_us = frac_us * 10 + (s[pos] - '0');
        ++digits;
        ++pos;
      }
      if (digits == 0 || digits > 9) return bad("bad fraction of a second");
      for (int d = std::min(digits, 6); d < 6; ++d) frac_us *= 10;
    }
  }
  int offset_min = 0;
  if (pos >= s.size()) return bad("no UTC offset (add Z or +HH:MM)");
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int sign = s[pos] == '-' ? -1 : 1;
    ++pos;
    int oh = two(23);
    if (oh < 0) return bad("bad offset hours");
    if (pos < s.size() && s[pos] == ':') ++pos;
    int om = two(59);
    if (om < 0) return bad("bad offset minutes");
    offset_min = sign * (oh * 60 + om);
  } else {
    return bad("unexpected characters after the time");
  }
  if (pos != s.size()) return bad("unexpected characters after the offset");
  int64_t local_s = *date * 86400 + hh * 3600 + mm * 60 + ss;
  ParsedTimestamp out;
  out.utc_us = (local_s - int64_t{offset_min} * 60) * 1000000 + frac_us;
  out.local_date = FormatDate(*date);
  out.utc_offset_seconds = offset_min * 60;
  return out;
}

Result<SlotRecord> ParseTick(std::string_view text, int64_t now_us) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return Status::InvalidArgument("not valid JSON");
  if (!j.is_object()) return Status::InvalidArgument("a tick must be a JSON object");
  ControllerTick t;
  if (auto it = j.find("timestamp"); it != j.end()) {
    if (!it->is_string()) return Bad("timestamp", "must be an ISO-8601 string");
    BA_ASSIGN_OR_RETURN(auto ts, ParseIsoTimestamp(it->get<std::string>()));
    t.timestamp_us = ts.utc_us;
    t.utc_offset_seconds = ts.utc_offset_seconds;
  }
  auto number = [&](const char* key, std::optional<double>& out) -> Status {
    auto it = j.find(key);
    if (it == j.end()) return Status::OK();
    if (!it->is_number()) return Bad(key, fmt::format("must be a number, got {}", it->dump()));
    out = it->get<double>();
    if (!std::isfinite(*out)) return Bad(key, "must be finite");
    return Status::OK();
  };
  auto string = [&](const char* key, std::optional<std::string>& out) -> Status {
    auto it = j.find(key);
    if (it == j.end()) return Status::OK();
    if (!it->is_string()) return Bad(key, fmt::format("must be a string, got {}", it->dump()));
    out = it->get<std::string>();
    return Status::OK();
  };
  if (auto it = j.find("slot_index"); it != j.end()) {
    if (it->is_number_integer()) {
      t.slot_index = it->get<int64_t>();
    } else if (it->is_number_float() && std::trunc(it->get<double>()) == it->get<double>() &&
               std::abs(it->get<double>()) < 9e15) {
      t.slot_index = static_cast<int64_t>(it->get<double>());
    } else {
      return Bad("slot_index", fmt::format("must be an integer, got {}", it->dump()));
    }
  }
  BA_RETURN_IF_ERROR(number("plan_offset_deg", t.plan_offset_deg));
  BA_RETURN_IF_ERROR(number("target_angle", t.target_angle));
  BA_RETURN_IF_ERROR(number("energy_cost_kwh", t.energy_cost_kwh));
  BA_RETURN_IF_ERROR(number("budget_spent_kwh", t.budget_spent_kwh));
  BA_RETURN_IF_ERROR(number("budget_remaining_kwh", t.budget_remaining_kwh));
  if (auto it = j.find("live_gate_passed"); it != j.end()) {
    if (!it->is_boolean()) {
      return Bad("live_gate_passed", fmt::format("must be true or false, got {}", it->dump()));
    }
    t.live_gate_passed = it->get<bool>();
  }
  BA_RETURN_IF_ERROR(string("source", t.source));
  BA_RETURN_IF_ERROR(string("stage_id", t.stage_id));
  return SlotRecordFromTick(t, now_us);
}

}  // namespace budget_audit::log
