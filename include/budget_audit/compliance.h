// The compliance report: did the plant keep its promise to sacrifice at most
// ceiling_pct % of its annual potential energy, over a budget year, measured
// against the plant's real potential and its seasons (docs/compliance.md has
// every formula and the JSON schema). And the controller's allowance: how
// much it may still sacrifice on a given day so that the year stays within
// the ceiling.
//
//   ComputeCompliance   the report's figures over a snapshot
//   ComputeAllowance    one day's allowance
//   ResolvePotential    the annual potential and monthly shares from the
//                       plant's settings (PVGIS file, monthly file, keys,
//                       or the Python version's 6 peak-sun hours)
//   RenderCompliance    JSON (schema_version 1), a table, or HTML
//
// Days are the site's civil days: a record's day is its timestamp's
// calendar date in the site's IANA zone (DST days have 23 and 25 hours),
// not the `date` column (which the ledger checks compare with it).
//
// Lifetimes: the snapshot (and env) are used during the call only; the
// structs own everything they hold. Thread safety: no state; one snapshot
// is scanned by one thread at a time (log_reader.h).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "budget_audit/config.h"
#include "budget_audit/env.h"
#include "budget_audit/log_reader.h"
#include "budget_audit/status.h"

namespace budget_audit {

// The plant's settings the report needs (from Config: the caller fills it).
struct CompliancePlant {
  std::optional<double> capacity_kw;  // kW DC; needed by every basis but annual_potential_kwh
  double ceiling_pct = 5.0;           // max_reduction_pct
  bool ceiling_pct_is_integer = false;
  std::string timezone = "UTC";             // the site's IANA zone
  std::string budget_year_start = "01-01";  // MM-DD, in the site's zone
  // The potential, first available wins: potential_file (a PVGIS PVcalc
  // JSON result), monthly_file (12 monthly kWh, CSV), annual_potential_kwh,
  // specific_yield_kwh_per_kwp × capacity_kw, else 6 h × 365 × capacity_kw.
  std::string potential_file;
  std::string monthly_file;
  std::optional<double> annual_potential_kwh;
  std::optional<double> specific_yield_kwh_per_kwp;
  // Monthly shares in percent (January first), when no file gives them.
  std::optional<std::array<double, 12>> monthly_share_pct;
  // For the default shares: a site south of the equator gets the southern
  // table. Without it, the northern one.
  std::optional<double> latitude;
  // Ledger checks: |planned - actual| beyond this is a deviation (degrees);
  // a gap between ticks beyond outage_factor × the usual interval (and at
  // least an hour) is an outage; controller sums differing from ours by
  // more than this (kWh) are a disagreement.
  double offset_tolerance_deg = 1.0;
  double outage_factor = 10.0;
  double controller_tolerance_kwh = 0.001;
};

// The plant's settings as the configuration holds them (every front end
// takes them from there).
CompliancePlant CompliancePlantFromConfig(const Config& config);

// The annual potential and its monthly shares, with their provenance.
struct Potential {
  // "pvgis", "monthly_file", "annual_potential_kwh", "specific_yield",
  // "peak_sun_hours".
  std::string basis;
  // The key ("annual_potential_kwh", "specific_yield_kwh_per_kwp × capacity_kw")
  // or the file: "PATH (sha256 HEX)".
  std::string source;
  double annual_kwh = 0;
  // Fractions of the year's potential per month, January first, summing to 1.
  std::array<double, 12> monthly_share{};
  // Where the shares came from: "pvgis", "monthly_file", "monthly_share",
  // "default_north", "default_south".
  std::string shares_basis;
  // pvgis only: the mounting type read ("inclined_axis", "fixed",
  // "two_axis") and the peak power the file was computed for (kWp).
  std::string pvgis_mount;
  double pvgis_peakpower_kwp = 0;
};

Result<Potential> ResolvePotential(const CompliancePlant& plant, Env* env = nullptr);

struct ComplianceMonth {
  std::string month;  // "YYYY-MM"
  double spent_kwh = 0;
  double budget_kwh = 0;      // ceiling_kwh × the month's share
  int64_t interventions = 0;  // records with gate_passed
  int64_t slots = 0;
};

struct ComplianceGroup {
  std::string key;  // the stage_id or source
  double spent_kwh = 0;
  int64_t interventions = 0;
  int64_t slots = 0;
};

// One day of the budget year through as_of, for charts.
struct ComplianceDay {
  std::string date;  // YYYY-MM-DD, the site's day
  double spent_kwh = 0;
  double cumulative_kwh = 0;
  double expected_cumulative_share = 0;  // Σ s(d) through this day
};

// A ledger check's finding, naming where it is.
struct ComplianceFinding {
  // "cost_without_gate", "offset_deviation", "controller_spent_disagrees",
  // "controller_remaining_disagrees", "outage", "timestamps_backwards",
  // "date_not_site_day", "negative_cost".
  std::string check;
  std::string severity;                 // "error" (the ledger is wrong) or "warning"
  std::string message;                  // one sentence for people
  int64_t count = 0;                    // records (or gaps) concerned
  std::vector<uint64_t> seqs;           // the first few (at most 20)
  std::vector<std::string> timestamps;  // for outages: start and end, ISO-8601 UTC
  std::optional<double> value;          // the check's figure (kWh, degrees, hours)
};

struct ComplianceReport {
  static constexpr int kSchemaVersion = 1;
  std::string budget_year_start;  // YYYY-MM-DD, the first day
  std::string budget_year_end;    // YYYY-MM-DD, the last day (inclusive)
  std::string as_of;              // YYYY-MM-DD, the last day covered
  std::string timezone;
  Potential potential;
  double ceiling_pct = 0;
  bool ceiling_pct_is_integer = false;
  double ceiling_kwh = 0;
  double spent_kwh = 0;
  int64_t slots = 0;
  int64_t interventions = 0;
  double expected_share_to_date = 0;
  double budget_to_date_kwh = 0;
  std::optional<double> pace;                 // spent ÷ budget_to_date (none when that is 0)
  std::optional<double> projected_kwh;        // spent ÷ expected_share_to_date
  std::optional<double> naive_projected_kwh;  // the Python version's daily average × 365
  bool compliant_projection = true;
  // Whole days after as_of until the ceiling is reached, spending at the
  // current pace in the seasons' proportions; none when the budget lasts
  // through the year's end; 0 when it is spent already.
  std::optional<int64_t> days_of_budget_left;
  std::vector<ComplianceMonth> months;
  std::vector<ComplianceGroup> by_stage;   // most spent first
  std::vector<ComplianceGroup> by_source;  // most spent first
  std::vector<ComplianceDay> days;
  std::vector<ComplianceFinding> findings;
  // Of the snapshot: what the report is about.
  uint64_t last_seq = 0;
  std::string head_hex;
};

struct ComplianceOptions {
  // The budget year starting in this calendar year; default: the one that
  // contains as_of.
  std::optional<int> year;
  // The last day covered (YYYY-MM-DD); default: today in the site's zone,
  // or the budget year's last day when that is earlier.
  std::optional<std::string> as_of;
  Env* env = nullptr;  // the clock for "today" and the files; nullptr: Env::Default()
};

Result<ComplianceReport> ComputeCompliance(const LogSnapshot& snap, const CompliancePlant& plant,
                                           const ComplianceOptions& options = {});

struct Allowance {
  std::string date;          // YYYY-MM-DD
  double allowance_kwh = 0;  // never below 0
  double ceiling_kwh = 0;
  double spent_before_kwh = 0;  // in the budget year, before `date`
  double day_share = 0;         // s(date)
  double remaining_share = 0;   // Σ s(d) from date to the year's last day
  std::string budget_year_start, budget_year_end;
  Potential potential;
};

// (ceiling_kwh − spent before DATE) × s(DATE) ÷ Σ s(d) for d from DATE to
// the budget year's last day, never below 0. `date` default: today in the
// site's zone.
Result<Allowance> ComputeAllowance(const LogSnapshot& snap, const CompliancePlant& plant,
                                   const std::optional<std::string>& date = std::nullopt, Env* env = nullptr);

// The evidence pack: what an operator hands an expert or a regulator for
// one budget year (docs/compliance.md): the report as HTML and JSON, the
// year's records as Parquet and CSV, a checkpoint covering them (signed
// when a key is given) and SHA256SUMS listing every file's SHA-256.
struct EvidencePackOptions {
  std::optional<int> year;           // as ComplianceOptions
  std::optional<std::string> as_of;  // default: the year's last day, or today
  std::string secret_key_file;       // sign the checkpoint with this key (keygen)
  Env* env = nullptr;                // the clock; nullptr: Env::Default()
};

struct EvidencePack {
  std::string dir;
  // (file name, hex SHA-256), in the order SHA256SUMS lists them.
  std::vector<std::pair<std::string, std::string>> files;
  uint64_t records = 0;  // in the records files
  uint64_t checkpoint_seq = 0;
  bool signed_checkpoint = false;
};

// Writes the pack into `pack_dir`, which must not exist or be empty
// (InvalidArgument otherwise: nothing there is ever replaced). The whole
// log is verified first (the checkpoint's). On failure the files written
// so far stay, and SHA256SUMS, written last, is absent.
Result<EvidencePack> WriteEvidencePack(const std::string& log_dir, const CompliancePlant& plant,
                                       const std::string& pack_dir, const EvidencePackOptions& options = {});

struct EvidencePackCheck {
  std::vector<std::string> files;  // checked against SHA256SUMS
  uint64_t records = 0;            // the year's records, equal to the log's
  uint64_t checkpoint_seq = 0;
  // "the public key given", "the key in the checkpoint itself", or "" (unsigned).
  std::string signature_checked_with;
};

// Re-checks a pack against the log: every file against SHA256SUMS, the
// checkpoint against the log (the log still holds exactly that prefix; its
// signature with `public_key_hex`, else with the key the checkpoint names),
// and the records files against the log's records of the pack's budget
// year. Corruption naming the first difference.
Result<EvidencePackCheck> VerifyEvidencePack(const std::string& log_dir, const std::string& pack_dir,
                                             const std::optional<std::string>& public_key_hex = std::nullopt,
                                             Env* env = nullptr);

enum class ComplianceFormat { kJson, kTable, kHtml };

// The report as text: JSON (docs/compliance.md's schema, one object,
// newline-terminated), a table for people, or one self-contained HTML page
// (inline SVG charts, no network).
std::string RenderCompliance(const ComplianceReport& report, ComplianceFormat format);
std::string RenderAllowance(const Allowance& allowance, ComplianceFormat format);

}  // namespace budget_audit
