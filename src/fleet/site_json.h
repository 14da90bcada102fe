// _site.json's text (docs/format.md §3.2), written by publish and read by
// ReadSiteSettings (budget_audit/fleet.h).
#pragma once

#include <optional>
#include <string>

#include "budget_audit/compliance.h"
#include "budget_audit/status.h"
#include "util/bytes.h"

namespace budget_audit::fleet {

struct SiteJsonInput {
  std::string site_id;
  std::string log_id_hex;
  CompliancePlant plant;  // the site's settings as configured
  Potential potential;    // ResolvePotential(plant)
  struct File {
    std::string name;  // in the site folder ("_potential.json", "_monthly.csv")
    std::string sha256_hex;
  };
  std::optional<File> potential_file, monthly_file;  // the copies, when the plant names files
};

// The file's text (indented JSON, ending in '\n'); the same input gives the
// same bytes, so an unchanged site is not rewritten.
std::string SiteJson(const SiteJsonInput& in);

// The log_id member of a _site.json (read from `path`, named in errors).
Result<std::string> SiteJsonLogId(const Bytes& bytes, const std::string& path);

}  // namespace budget_audit::fleet
