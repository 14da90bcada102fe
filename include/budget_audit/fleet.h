// A fleet of plants in a shared store (docs/fleet.md, docs/format.md §3):
// each site publishes its sealed history to DEST/site=<site_id>/, and the
// fleet's reports read every site folder.
//
//   Publish                 one site's log -> DEST/site=<site_id>/ (incremental,
//                           resumable after a kill at any moment)
//   VerifyFleet             every site folder against its own hash chain and
//                           published checkpoint
//   ComputeFleetCompliance  every site's compliance report (compliance.h)
//                           from its folder and its _site.json
//   RenderFleetCompliance   JSON, a table, or one self-contained HTML page
//
// A site folder is laid out as a log directory (docs/format.md §2.1) with an
// empty _journal/: the sealed month files, _manifest.json (the log's own
// bytes), and beside them _site.json (the settings the reports need), the
// potential file if the site's potential comes from one, and optionally
// _checkpoint.json. LogSnapshot::Open and Verify read it as a log.
//
// Thread safety: no state; the Env must be safe for the calls made on it.
// Two publishes of one site exclude each other (a lock in the site folder).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "budget_audit/checkpoint.h"
#include "budget_audit/compliance.h"
#include "budget_audit/env.h"
#include "budget_audit/status.h"
#include "budget_audit/verify.h"

namespace budget_audit {

// Names in a log directory and in a site folder.
inline constexpr char kSiteIdFileName[] = "_site_id";          // in the log: the site it publishes as
inline constexpr char kSiteSettingsFileName[] = "_site.json";  // in a site folder
inline constexpr char kPublishedCheckpointName[] = "_checkpoint.json";
inline constexpr char kPublishLockName[] = "_publish.lock";
inline constexpr char kSiteDirPrefix[] = "site=";

// DEST/site=<site_id>.
std::string SiteDir(const std::string& dest, const std::string& site_id);

// The temporary name a publish writes `name` under before renaming it into
// place: ".<name>.tmp-<pid>" (never ending in ".parquet", so a reader's glob
// DEST/*/*.parquet never matches one), and whether a name is one.
std::string PublishTempName(const std::string& name, long pid);
bool IsPublishTempName(std::string_view name);

struct PublishOptions {
  Env* env = nullptr;     // nullptr: Env::Default()
  std::string site_id;    // required: CheckSiteId (config.h)
  CompliancePlant plant;  // the settings _site.json records (ResolvePotential)
  // A checkpoint of this log (checkpoint.h) to publish as _checkpoint.json;
  // its seq must be within the published history (<= the manifest's
  // sealed_seq) and its log id the log's. Without one, a checkpoint
  // published before stays.
  std::optional<Checkpoint> checkpoint;
  // Snapshot attempts: a sealed file whose bytes differ from the manifest
  // read (the writer sealed meanwhile) makes the publish read the manifest
  // again, at most this many times.
  int max_attempts = 20;
  long pid = 0;  // for temporary names; 0: the process's
};

struct PublishedFile {
  std::string name;  // in the site folder
  uint64_t bytes = 0;
  bool copied = false;    // false: the destination already held these bytes
  bool repaired = false;  // copied over a destination file with other bytes
};

struct PublishReport {
  std::string site_id;
  std::string site_dir;
  std::string log_id_hex;
  uint64_t sealed_seq = 0;
  std::vector<PublishedFile> files;  // month files, then the other files, the manifest
  uint64_t copied_files = 0, copied_bytes = 0, skipped_files = 0, skipped_bytes = 0;
  // Destination files replaced because their bytes differed from the log's
  // (tampered, or left by an older publish of a month since resealed).
  uint64_t repaired_files = 0;
  size_t removed_temporaries = 0;  // left by a publish killed earlier
  bool site_id_recorded = false;   // this publish wrote <log>/_site_id
  int attempts = 1;
};

// Publishes the sealed history of the log in `log_dir` to
// DEST/site=<site_id>/ (docs/fleet.md). Errors: InvalidArgument for a bad
// site id, a log recorded under another site id, a checkpoint of another
// log or beyond the sealed history; FailedPrecondition for a site folder
// holding another log's history; Busy when another publish of the site
// runs; NotFound when `log_dir` holds no log; Corruption when a sealed
// file differs from its manifest; the Env's errors.
Result<PublishReport> Publish(const std::string& log_dir, const std::string& dest,
                              const PublishOptions& options);

// For people (a line per copied file, then the totals) and as one JSON
// object ending in '\n'.
std::string PublishReportText(const PublishReport& report);
std::string PublishReportJson(const PublishReport& report);

// What _site.json holds (docs/format.md §3.2).
struct SiteSettings {
  std::string site_id;
  std::string log_id_hex;
  CompliancePlant plant;  // with potential_file/monthly_file pointing into the site folder
  Potential potential;    // as the site resolved it
  double ceiling_kwh = 0;
};

// Reads and checks DEST/site=<id>/_site.json (Corruption naming the file
// and the field).
Result<SiteSettings> ReadSiteSettings(const std::string& site_dir, Env* env = nullptr);

// The site folders of a store: the site ids of DEST/site=* directories,
// sorted. NotFound when DEST does not exist; InvalidArgument when a
// "site=" entry's id is not a valid site id.
Result<std::vector<std::string>> ListSites(const std::string& dest, Env* env = nullptr);

struct SiteVerifyResult {
  std::string site_id;
  std::string dir;
  Status status;  // OK: intact
  // When the chain verified; none with an OK status when the folder holds
  // no history yet (a first publish interrupted after _site.json: a warning).
  std::optional<VerifyReport> report;
  bool checkpoint_checked = false;    // _checkpoint.json held by the history
  std::vector<std::string> warnings;  // e.g. temporaries left by a killed publish
};

struct FleetVerifyOptions {
  Env* env = nullptr;
  // Signed checkpoints are checked with this public key (hex); without it,
  // with the key the checkpoint itself carries (which proves only that it
  // is unchanged since it was signed).
  std::optional<std::string> public_key_hex;
};

// Verifies every site folder: Verify() (verify.h) with its
// _checkpoint.json, _site.json's site id and log id against the folder and
// the manifest. NotFound/InvalidArgument as ListSites; each site's problem
// is in its result.
Result<std::vector<SiteVerifyResult>> VerifyFleet(const std::string& dest,
                                                  const FleetVerifyOptions& options = {});

struct FleetSiteCompliance {
  std::string site_id;
  Status status;  // OK: `report` holds the figures
  ComplianceReport report;
};

struct FleetCompliance {
  std::vector<FleetSiteCompliance> sites;  // worst pace first; failed sites last
  bool all_ok() const;
};

// Every site's ComputeCompliance over its folder with its _site.json's
// settings (options.as_of unset: each site's today in its own zone). A
// site's figures are those of its own `compliance` over the same records.
Result<FleetCompliance> ComputeFleetCompliance(const std::string& dest,
                                               const ComplianceOptions& options = {});

// JSON {"schema_version": 1, "sites": [{"site_id": ..., <the site's
// compliance figures by the names of its own compliance JSON>, "findings":
// N}, ...]}; a table; one self-contained HTML page (inline SVG, no script).
std::string RenderFleetCompliance(const FleetCompliance& fleet, ComplianceFormat format);

}  // namespace budget_audit
