// The compliance report's potential files as untrusted bytes: any bytes as a
// PVGIS PVcalc JSON result (potential_file) and as a monthly CSV
// (monthly_file), read through an in-memory Env. Whatever is accepted gives
// 12 finite, non-negative shares summing to 1 and a finite, positive
// potential.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>

#include "budget_audit/compliance.h"
#include "budget_audit/env.h"

using namespace budget_audit;

namespace {

void Check(const Result<Potential>& p) {
  if (!p.ok()) return;
  double total = 0;
  for (double s : p->monthly_share) {
    if (!std::isfinite(s) || s < 0) __builtin_trap();
    total += s;
  }
  if (std::fabs(total - 1) > 1e-9) __builtin_trap();
  if (!std::isfinite(p->annual_kwh) || !(p->annual_kwh > 0)) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Env* env = NewMemEnv().release();
  if (!env->WriteFileAtomic("/potential", std::span<const uint8_t>(data, size)).ok()) return 0;
  CompliancePlant plant;
  plant.capacity_kw = 500;
  plant.potential_file = "/potential";
  Check(ResolvePotential(plant, env));
  plant.potential_file.clear();
  plant.monthly_file = "/potential";
  Check(ResolvePotential(plant, env));
  return 0;
}
