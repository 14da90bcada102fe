// demo-ticks: writes one season of controller ticks for a demo agrivoltaic
// plant as JSON lines, in the tick format `budget-audit log` reads. The output
// is a function of the options alone: the same bytes on every run and machine.
//
// The plant (defaults): 500 kWp on horizontal single-axis trackers with
// north-south axes, near Heggelbach (48.0 N, 9.2 E, Lake Constance region),
// spring wheat underneath, one tick every 15 minutes, April to September.
//
// The model, per tick (simple and plausible, not a forecast of any real
// plant):
//
// 1. Sun. Fractional year g = 2π/365 · (day of year − 1 + (UTC hour − 12)/24);
//    declination δ and the equation of time from Spencer's (1971) Fourier
//    series; true solar time = UTC + 4 min/° · longitude + equation of time;
//    hour angle ω = 15°/h · (true solar time − 12 h). The sun's unit vector
//    (east, north, up) is
//      east  = −cos δ · sin ω
//      north =  sin δ · cos φ − cos δ · cos ω · sin φ
//      up    =  sin δ · sin φ + cos δ · cos ω · cos φ      (= sin elevation)
//    which is the elevation/azimuth pair in vector form (azimuth =
//    atan2(east, north), clockwise from north). Evaluated at the middle of
//    the tick; no refraction.
// 2. Clear sky. Extraterrestrial normal irradiance 1361 W/m² · (1 + 0.033
//    cos(2π · day/365)); air mass by Kasten & Young (1989); clear-sky beam
//    DNI = I0 · 0.7^(AM^0.678) (Meinel & Meinel); diffuse DHI = 10 % of DNI.
// 3. Weather. A fixed-seed splitmix64 generator (implemented below; no
//    std::random distributions, whose output differs between standard
//    libraries). A daily anomaly z (about N(0, 1)) follows an AR(1) process
//    with persistence 0.75, so sunny, hot spells last several days. Each day
//    gets a cloud fraction c = climatology (0.72 in January, 0.36 in July)
//    − 0.28 z + noise (sd 0.15), within [0.02, 0.95], and a maximum air
//    temperature = climatology (3 °C mid-January, 24.6 °C mid-July) + 3.8 °C
//    · z + noise (sd 1.4 °C); the minimum is 6–14 °C lower (clear nights are
//    colder). Within the day the sun is out or behind a cloud, a two-state
//    Markov chain per tick: behind a cloud it stays there with probability
//    0.75, and it enters with the probability that makes the long-run share
//    behind clouds c (at most 0.8). Sun out: DNI = clear · (1 − 0.35 c),
//    DHI = clear · (1 + 1.5 c); behind a cloud: DNI = 0, DHI = (0.5 − 0.3 c) ·
//    clear-sky GHI. The air temperature follows a cosine from the minimum at
//    04:00 to the maximum at 14:30 solar time and back. The weather is drawn
//    day by day from 1 January of the start year, so a date's weather does
//    not depend on --start or --days.
// 4. Tracker. Ideal rotation θ_T = atan2(−east, up) (pvlib's sign: positive
//    = facing west); backtracking for a ground coverage ratio of 0.33 (rows
//    are wide apart for farm machinery), θ = θ_T − sign(θ_T) · acos(|cos θ_T|
//    / GCR) when |cos θ_T| < GCR; rotation limits ±55°. This backtracked,
//    limited angle is the reference θ_ref, the angle the plant holds when it
//    is not shading (domain-notes §1.2.1); flat at night.
// 5. Power. Plane of array: POA = DNI · cos AOI + DHI · (1 + cos θ)/2 + GHI
//    · 0.2 · (1 − cos θ)/2 (isotropic sky, albedo 0.2), cos AOI = −sin θ ·
//    east + cos θ · up. Plant power P = capacity · POA / 1000 W/m² · 0.85
//    (inverter, wiring, temperature and soiling losses in one factor); the
//    tick's available energy is P · tick length.
// 6. Controller. The crop stage follows the date (spring wheat sown in
//    March, harvested in late August: see kStages). In the heat-sensitive
//    stages the controller estimates the canopy temperature (air temperature
//    + 4 °C per kW/m² of global irradiance) and, while the sun is at least
//    20° high and the canopy is above the stage's threshold (stem extension
//    30 °C, heading 27 °C, grain fill 28 °C, ripening 30 °C), plans an offset
//    of 12° + 4° per °C above the threshold, at most 35°, in 0.5° steps.
//    Sign: offset = θ_ref − θ_actual, so a positive offset turns the rows
//    east of the reference (flatter in the afternoon, when the heat peaks);
//    the plan never goes past the −55° limit. The actuator follows the plan
//    at most 10° per 15 minutes (2/3° per minute), so the actual offset
//    (`target_angle`) lags the plan both ways. At night (sun below the
//    horizon) the tracker is stowed and every offset is 0.
// 7. Cost, beam only. Turning a single-axis tracker by Δθ from the ideal
//    angle multiplies cos AOI by cos Δθ (domain-notes §0), so the tick's cost
//    is the beam part of its available energy · (1 − cos Δθ). The diffuse and
//    reflected terms are taken as unchanged (the sky-diffuse term of a
//    flatter panel actually rises a little, so the true cost is at most this
//    beam cost). Backtracking only happens at low sun, when the controller
//    does not shade, so there the reference is the ideal angle and the
//    formula is exact for the beam.
// 8. Budget. The season's sacrifice budget is --budget-kwh, by default
//    --max-reduction-pct of the plant's expected energy over the season (the
//    same sun and tracker model under climatological mean cloudiness: an
//    estimate an operator can make before the season, like a PVGIS figure,
//    not the realised weather), rounded to whole kWh. The default percentage
//    is the demo plant's contract, 1.25 %, not budget-audit's default 5 %:
//    heat-stress shading at 10–35° costs this model 0.2–1.5 % of the
//    season's energy depending on the summer, so a 5 % budget would never
//    run down. budget_spent_kwh is the running total of energy_cost_kwh,
//    budget_remaining_kwh = budget − spent. A tick whose cost would exceed
//    the remaining budget is not taken: the gate closes, the tracker returns
//    to the reference at once (like a stow command, not rate-limited), and
//    the controller shades no more that season; the plan still shows what
//    the crop asked for, with source "budget-exhausted". The remaining budget
//    never goes below zero.
//
// Output fields per tick: timestamp (the tick's start, local time with its
// UTC offset; the tick covers [timestamp, timestamp + tick)), slot_index (the
// tick's index in its local day, from 0 at local midnight), plan_offset_deg,
// target_angle (the actual offset), energy_cost_kwh, budget_spent_kwh,
// budget_remaining_kwh, live_gate_passed (an offset is applied), source
// ("crop-heat-stress" while an offset is applied, "budget-exhausted" while
// the gate refuses a plan, else "none") and stage_id.
//
// Determinism: angles are kept in hundredths of a degree and energies in
// units of 0.1 Wh (1e-4 kWh) as integers, and printed from those integers,
// never from a double. The libm functions (sin, cos, pow, …) may differ by an
// ulp between C libraries or CPUs; a value only changes the output if such an
// ulp moves it across a rounding boundary (odds around 1e-9 per value), and
// everything carried from tick to tick is already an integer.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

namespace demo_ticks {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitProblem = 1;
constexpr int kExitUsage = 2;

constexpr double kPi = 3.14159265358979323846;
constexpr double kDeg = kPi / 180.0;

// Plant and model constants (see the header comment).
constexpr double kPerformanceRatio = 0.85;
constexpr double kGroundCoverageRatio = 0.33;
constexpr double kMaxRotationDeg = 55.0;
constexpr double kAlbedo = 0.2;
constexpr double kSolarConstant = 1361.0;     // W/m²
constexpr int64_t kCentiDegPerTick15 = 1000;  // actuator: 10° per 15 minutes
constexpr int64_t kMaxPlanCentiDeg = 3500;
constexpr double kMinShadeElevationDeg = 20.0;
constexpr int64_t kUnitsPerKwh = 10000;  // energies in 0.1 Wh

// ---------------------------------------------------------------------------
// Calendar (proleptic Gregorian, days since 1970-01-01).

int64_t DaysFromCivil(int64_t y, int m, int d) {
  // Shift the year to start in March so the leap day is the year's last.
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t mp = (m + 9) % 12;  // March = 0
  const int64_t doy = (153 * mp + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct Civil {
  int64_t year;
  int month;
  int day;
};

Civil CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

// 0 = Sunday.
int Weekday(int64_t days) { return static_cast<int>(((days % 7) + 11) % 7); }

std::optional<int64_t> ParseDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int v[3] = {0, 0, 0};
  const int pos[3] = {0, 5, 8};
  const int len[3] = {4, 2, 2};
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < len[i]; ++j) {
      const char c = s[pos[i] + j];
      if (c < '0' || c > '9') return std::nullopt;
      v[i] = v[i] * 10 + (c - '0');
    }
  }
  if (v[1] < 1 || v[1] > 12 || v[2] < 1) return std::nullopt;
  const int64_t days = DaysFromCivil(v[0], v[1], v[2]);
  const Civil back = CivilFromDays(days);
  if (back.month != v[1] || back.day != v[2]) return std::nullopt;  // e.g. 04-31
  return days;
}

// ---------------------------------------------------------------------------
// The timestamps' UTC offset: fixed, or CET/CEST by the EU rule (summer time
// from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday
// of October, as Europe/Berlin since 1996).

class Clock {
 public:
  static std::optional<Clock> Parse(std::string_view s) {
    if (s == "EU" || s == "eu") return Clock(true, 0);
    if (s == "Z" || s == "z") return Clock(false, 0);
    if (s.size() != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':') return std::nullopt;
    for (int i : {1, 2, 4, 5}) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
    }
    const int hh = (s[1] - '0') * 10 + (s[2] - '0');
    const int mm = (s[4] - '0') * 10 + (s[5] - '0');
    if (hh > 14 || mm > 59 || (hh == 14 && mm > 0)) return std::nullopt;
    const int offset = (hh * 3600 + mm * 60) * (s[0] == '-' ? -1 : 1);
    return Clock(false, offset);
  }

  // Local minus UTC, in seconds, at a UTC instant.
  int OffsetAt(int64_t utc_s) const {
    if (!eu_) return fixed_offset_s_;
    const int64_t year = CivilFromDays(FloorDiv(utc_s, 86400)).year;
    const int64_t mar31 = DaysFromCivil(year, 3, 31);
    const int64_t oct31 = DaysFromCivil(year, 10, 31);
    const int64_t dst_start = (mar31 - Weekday(mar31)) * 86400 + 3600;
    const int64_t dst_end = (oct31 - Weekday(oct31)) * 86400 + 3600;
    return (utc_s >= dst_start && utc_s < dst_end) ? 7200 : 3600;
  }

  // The UTC instant of local midnight starting local day `days`.
  int64_t StartOfDay(int64_t days) const {
    const int64_t guess = days * 86400 - OffsetAt(days * 86400);
    return days * 86400 - OffsetAt(guess);
  }

  // "2026-04-01T06:15:00+02:00".
  std::string Format(int64_t utc_s) const {
    const int offset = OffsetAt(utc_s);
    const int64_t local = utc_s + offset;
    const int64_t days = FloorDiv(local, 86400);
    const int64_t secs = local - days * 86400;
    const Civil c = CivilFromDays(days);
    const int abs_off = offset < 0 ? -offset : offset;
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{:02}:{:02}", c.year, c.month, c.day,
                       secs / 3600, secs / 60 % 60, secs % 60, offset < 0 ? '-' : '+', abs_off / 3600,
                       abs_off / 60 % 60);
  }

 private:
  Clock(bool eu, int fixed_offset_s) : eu_(eu), fixed_offset_s_(fixed_offset_s) {}
  bool eu_;
  int fixed_offset_s_;
};

// ---------------------------------------------------------------------------
// splitmix64 (Steele, Lea & Flood 2014): a 64-bit state advanced by a
// constant, then mixed. Only integer arithmetic and exact conversions, so
// every platform draws the same numbers.

class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1), a multiple of 2^-53.
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // Approximately standard normal: the sum of 12 uniforms minus 6 (mean 0,
  // variance 1, bounded by ±6). No libm involved.
  double Normal() {
    double sum = 0;
    for (int i = 0; i < 12; ++i) sum += Uniform();
    return sum - 6.0;
  }

 private:
  uint64_t state_;
};

uint64_t MixSeed(uint64_t seed, uint64_t stream, int64_t day) {
  SplitMix64 m(seed ^ (stream * 0xD1B54A32D192ED03ULL) ^
               (static_cast<uint64_t>(day) * 0x8CB92BA72F3D8DD7ULL));
  m.Next();
  return m.Next();
}

double Clamp(double v, double lo, double hi) { return v < lo ? lo : (v > hi ? hi : v); }

// ---------------------------------------------------------------------------
// Climate (central Europe, about 600 m above sea level) and weather.

int DayOfYear(int64_t days) {
  return static_cast<int>(days - DaysFromCivil(CivilFromDays(days).year, 1, 1)) + 1;
}

double ClimateCloud(int doy) { return 0.54 + 0.18 * std::cos(2 * kPi * (doy - 15) / 365.0); }
double ClimateTmax(int doy) { return 13.8 - 10.8 * std::cos(2 * kPi * (doy - 17) / 365.0); }

struct DayWeather {
  double cloud = 0;  // fraction of the day the sun is behind clouds, [0.02, 0.95]
  double tmax_c = 0;
  double tmin_c = 0;
};

// The weather of days [first_day, last_day], indexed by days since
// first_day (a 1 January, so that a date's weather depends on the seed only).
std::vector<DayWeather> MakeWeather(uint64_t seed, int64_t first_day, int64_t last_day) {
  SplitMix64 rng(MixSeed(seed, 1, 0));
  std::vector<DayWeather> out;
  double z = rng.Normal();
  for (int64_t d = first_day; d <= last_day; ++d) {
    z = 0.75 * z + 0.66 * rng.Normal();
    const double cloud_noise = rng.Normal();
    const double temp_noise = rng.Normal();
    const int doy = DayOfYear(d);
    DayWeather w;
    w.cloud = Clamp(ClimateCloud(doy) - 0.28 * z + 0.15 * cloud_noise, 0.02, 0.95);
    w.tmax_c = ClimateTmax(doy) + 3.8 * z + 1.4 * temp_noise;
    w.tmin_c = w.tmax_c - (6.0 + 8.0 * (1.0 - w.cloud));
    out.push_back(w);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Sun, sky and tracker.

struct Site {
  double lat_deg = 48.0;
  double lon_deg = 9.2;
};

struct SunPosition {
  double east = 0, north = 0, up = 0;  // unit vector
  double solar_hour = 0;               // true solar time, hours, [0, 24)
  int doy = 1;
};

SunPosition Sun(const Site& site, int64_t utc_s) {
  const int64_t days = FloorDiv(utc_s, 86400);
  const double utc_hours = static_cast<double>(utc_s - days * 86400) / 3600.0;
  SunPosition p;
  p.doy = DayOfYear(days);
  const double g = 2 * kPi / 365.0 * (p.doy - 1 + (utc_hours - 12) / 24.0);
  const double decl = 0.006918 - 0.399912 * std::cos(g) + 0.070257 * std::sin(g) -
                      0.006758 * std::cos(2 * g) + 0.000907 * std::sin(2 * g) - 0.002697 * std::cos(3 * g) +
                      0.00148 * std::sin(3 * g);
  const double eot_min = 229.18 * (0.000075 + 0.001868 * std::cos(g) - 0.032077 * std::sin(g) -
                                   0.014615 * std::cos(2 * g) - 0.040849 * std::sin(2 * g));
  double solar_hour = utc_hours + (4.0 * site.lon_deg + eot_min) / 60.0;
  solar_hour -= 24.0 * std::floor(solar_hour / 24.0);
  p.solar_hour = solar_hour;
  const double omega = (solar_hour - 12.0) * 15.0 * kDeg;
  const double phi = site.lat_deg * kDeg;
  p.east = -std::cos(decl) * std::sin(omega);
  p.north = std::sin(decl) * std::cos(phi) - std::cos(decl) * std::cos(omega) * std::sin(phi);
  p.up = std::sin(decl) * std::sin(phi) + std::cos(decl) * std::cos(omega) * std::cos(phi);
  return p;
}

struct ClearSky {
  double dni = 0, dhi = 0, ghi = 0;  // W/m²
};

ClearSky ClearSkyAt(const SunPosition& sun) {
  ClearSky c;
  if (sun.up <= 0) return c;
  const double zenith_deg = std::acos(Clamp(sun.up, -1.0, 1.0)) / kDeg;
  const double air_mass = 1.0 / (sun.up + 0.50572 * std::pow(96.07995 - zenith_deg, -1.6364));
  const double i0 = kSolarConstant * (1.0 + 0.033 * std::cos(2 * kPi * sun.doy / 365.0));
  c.dni = i0 * std::pow(0.7, std::pow(air_mass, 0.678));
  c.dhi = 0.1 * c.dni;
  c.ghi = c.dni * sun.up + c.dhi;
  return c;
}

// The reference rotation (degrees, positive = facing west): ideal tracking,
// backtracked, within the rotation limits.
double ReferenceRotationDeg(const SunPosition& sun) {
  if (sun.up <= 0) return 0.0;  // stowed flat at night
  double theta = std::atan2(-sun.east, sun.up);
  const double ratio = std::fabs(std::cos(theta)) / kGroundCoverageRatio;
  if (ratio < 1.0) theta -= (theta < 0 ? -1.0 : 1.0) * std::acos(ratio);
  return Clamp(theta / kDeg, -kMaxRotationDeg, kMaxRotationDeg);
}

struct TickEnergy {
  double total_kwh = 0;  // available at the reference angle
  double beam_kwh = 0;   // its beam part
};

TickEnergy Energy(double capacity_kw, double hours, const SunPosition& sun, double theta_deg, double dni,
                  double dhi) {
  TickEnergy e;
  if (sun.up <= 0) return e;
  const double theta = theta_deg * kDeg;
  const double cos_aoi = std::max(0.0, -std::sin(theta) * sun.east + std::cos(theta) * sun.up);
  const double ghi = dni * sun.up + dhi;
  const double beam_poa = dni * cos_aoi;
  const double poa = beam_poa + dhi * (1 + std::cos(theta)) / 2 + ghi * kAlbedo * (1 - std::cos(theta)) / 2;
  const double scale = capacity_kw / 1000.0 * kPerformanceRatio * hours;
  e.total_kwh = poa * scale;
  e.beam_kwh = beam_poa * scale;
  return e;
}

int64_t ToUnits(double kwh) { return std::llround(kwh * kUnitsPerKwh); }

// 1 − cos x, accurate for small x.
double OneMinusCos(double rad) {
  const double s = std::sin(rad / 2);
  return 2 * s * s;
}

// ---------------------------------------------------------------------------
// Crop: spring wheat. Stages by date, and the canopy temperature above which
// the controller shades (none: the stage gets no shade).

struct Stage {
  int month, day;  // first day
  const char* id;
  double shade_above_c;  // < 0: no shading
};

constexpr Stage kStages[] = {
    {1, 1, "fallow", -1},   {3, 15, "emergence", -1}, {4, 1, "tillering", -1}, {5, 11, "stem-extension", 30},
    {6, 13, "heading", 27}, {7, 1, "grain-fill", 28}, {8, 6, "ripening", 30},  {8, 26, "post-harvest", -1},
};

const Stage& StageOn(const Civil& date) {
  const Stage* found = &kStages[0];
  for (const Stage& s : kStages) {
    if (date.month > s.month || (date.month == s.month && date.day >= s.day)) found = &s;
  }
  return *found;
}

// Air temperature at a solar hour: cosine rise from the minimum at 04:00 to
// the maximum at 14:30, cosine fall to the next 04:00.
double AirTemperature(const DayWeather& w, double solar_hour) {
  constexpr double kMin = 4.0, kMax = 14.5;
  double shape;
  if (solar_hour >= kMin && solar_hour <= kMax) {
    shape = 0.5 - 0.5 * std::cos(kPi * (solar_hour - kMin) / (kMax - kMin));
  } else {
    const double since_max = solar_hour > kMax ? solar_hour - kMax : solar_hour + 24 - kMax;
    shape = 0.5 + 0.5 * std::cos(kPi * since_max / (24 - kMax + kMin));
  }
  return w.tmin_c + (w.tmax_c - w.tmin_c) * shape;
}

// ---------------------------------------------------------------------------
// The season.

struct Options {
  double capacity_kw = 500;
  double lat = 48.0;
  double lon = 9.2;
  std::string start = "2026-04-01";
  int days = 183;
  int tick_minutes = 15;
  std::string tz_offset = "EU";
  std::optional<double> budget_kwh;
  double max_reduction_pct = 1.25;
  uint64_t seed = 2026;
  std::string output;
  bool summary = false;
};

struct Summary {
  int64_t ticks = 0;
  int64_t available_units = 0;
  int64_t cost_units = 0;
  int64_t expected_units = 0;  // climatological expectation, the budget's base
  int64_t budget_units = 0;
  int64_t shading_ticks = 0;
  int days_with_shading = 0;
  int64_t max_offset_cdeg = 0;
  int64_t offset_sum_cdeg = 0;  // over shading ticks
  int64_t lag_ticks = 0;        // shading ticks with plan != actual
  std::string exhausted_at;
  std::vector<std::pair<std::string, int64_t>> cost_by_month;  // "2026-06", units
  std::vector<std::pair<std::string, int64_t>> cost_by_stage;
};

void AddTo(std::vector<std::pair<std::string, int64_t>>& v, const std::string& key, int64_t units) {
  for (auto& [k, sum] : v) {
    if (k == key) {
      sum += units;
      return;
    }
  }
  v.emplace_back(key, units);
}

// The expected (climatological-mean) energy at the reference angle of the
// ticks of local days [first, last], in units; per month in `by_month` if
// given (index 0 = January).
int64_t ExpectedEnergy(const Options& o, const Site& site, const Clock& clock, int64_t first, int64_t last,
                       std::vector<int64_t>* by_month) {
  const int64_t tick_s = int64_t{o.tick_minutes} * 60;
  const double hours = o.tick_minutes / 60.0;
  int64_t total = 0;
  for (int64_t day = first; day <= last; ++day) {
    const int64_t end = clock.StartOfDay(day + 1);
    const double c = ClimateCloud(DayOfYear(day));
    int64_t day_units = 0;
    for (int64_t t = clock.StartOfDay(day); t < end; t += tick_s) {
      const SunPosition sun = Sun(site, t + tick_s / 2);
      if (sun.up <= 0) continue;
      const ClearSky cs = ClearSkyAt(sun);
      const double dni = (1 - c) * (1 - 0.35 * c) * cs.dni;
      const double dhi = (1 - c) * (1 + 1.5 * c) * cs.dhi + c * (0.5 - 0.3 * c) * cs.ghi;
      day_units += ToUnits(Energy(o.capacity_kw, hours, sun, ReferenceRotationDeg(sun), dni, dhi).total_kwh);
    }
    total += day_units;
    if (by_month) (*by_month)[CivilFromDays(day).month - 1] += day_units;
  }
  return total;
}

std::string FormatUnits(int64_t units) {
  const char* sign = units < 0 ? "-" : "";
  const int64_t a = units < 0 ? -units : units;
  return fmt::format("{}{}.{:04}", sign, a / kUnitsPerKwh, a % kUnitsPerKwh);
}

std::string FormatCentiDeg(int64_t cdeg) {
  const char* sign = cdeg < 0 ? "-" : "";
  const int64_t a = cdeg < 0 ? -cdeg : cdeg;
  return fmt::format("{}{}.{:02}", sign, a / 100, a % 100);
}

// Writes the season; false on a write error (errno set).
bool Generate(const Options& o, const Clock& clock, int64_t first_day, std::FILE* out, Summary& sum) {
  const Site site{o.lat, o.lon};
  const int64_t last_day = first_day + o.days - 1;
  const int64_t jan1 = DaysFromCivil(CivilFromDays(first_day).year, 1, 1);
  const std::vector<DayWeather> weather = MakeWeather(o.seed, jan1, last_day);
  const int64_t tick_s = int64_t{o.tick_minutes} * 60;
  const double hours = o.tick_minutes / 60.0;
  const int64_t step_cdeg = kCentiDegPerTick15 * o.tick_minutes / 15;

  sum.expected_units = ExpectedEnergy(o, site, clock, first_day, last_day, nullptr);
  // The default budget in whole kWh, as an operator would write it down.
  sum.budget_units = o.budget_kwh ? ToUnits(*o.budget_kwh)
                                  : kUnitsPerKwh * std::llround(static_cast<double>(sum.expected_units) /
                                                                kUnitsPerKwh * o.max_reduction_pct / 100.0);
  int64_t spent = 0;
  int64_t actual_cdeg = 0;
  bool exhausted = false;
  std::string line;

  for (int64_t day = first_day; day <= last_day; ++day) {
    const DayWeather& w = weather[day - jan1];
    const Civil date = CivilFromDays(day);
    const Stage& stage = StageOn(date);
    const std::string month = fmt::format("{:04}-{:02}", date.year, date.month);
    SplitMix64 sky(MixSeed(o.seed, 2, day));
    // Sun behind cloud: stays with 0.75; enters with the probability that
    // keeps the long-run share at w.cloud.
    const double enter_cloud = Clamp(0.25 * w.cloud / (1 - w.cloud), 0.0, 1.0);
    bool cloudy = sky.Uniform() < w.cloud;
    bool shaded_today = false;
    const int64_t end = clock.StartOfDay(day + 1);
    int slot = 0;
    for (int64_t t = clock.StartOfDay(day); t < end; t += tick_s, ++slot) {
      const SunPosition sun = Sun(site, t + tick_s / 2);
      const ClearSky cs = ClearSkyAt(sun);
      cloudy = sky.Uniform() < (cloudy ? 0.75 : enter_cloud);
      const double dni = cloudy ? 0.0 : cs.dni * (1 - 0.35 * w.cloud);
      const double dhi = cloudy ? (0.5 - 0.3 * w.cloud) * cs.ghi : cs.dhi * (1 + 1.5 * w.cloud);
      const double theta_ref = ReferenceRotationDeg(sun);
      const TickEnergy e = Energy(o.capacity_kw, hours, sun, theta_ref, dni, dhi);

      // What the crop asks for.
      int64_t demand_cdeg = 0;
      if (stage.shade_above_c >= 0 && sun.up > std::sin(kMinShadeElevationDeg * kDeg)) {
        const double canopy_c = AirTemperature(w, sun.solar_hour) + 4.0 * (dni * sun.up + dhi) / 1000.0;
        const double excess = canopy_c - stage.shade_above_c;
        if (excess > 0) {
          // 12° + 4°/°C, in 0.5° steps, at most 35°.
          demand_cdeg =
              std::min<int64_t>(kMaxPlanCentiDeg, 50 * static_cast<int64_t>(std::floor(24 + 8 * excess)));
          // Never past the rotation limit: θ_ref − offset ≥ −55°.
          const int64_t room = static_cast<int64_t>(std::floor((theta_ref + kMaxRotationDeg) * 100));
          demand_cdeg = std::clamp<int64_t>(room, 0, demand_cdeg);
        }
      }

      // When the budget is exhausted the plan still shows what the crop asked
      // for; the gate refuses it.
      const int64_t plan_cdeg = demand_cdeg;
      int64_t next_cdeg = 0;
      if (sun.up > 0 && !exhausted) {
        next_cdeg = std::clamp(plan_cdeg, actual_cdeg - step_cdeg, actual_cdeg + step_cdeg);
      }
      int64_t cost = 0;
      if (next_cdeg > 0) {
        cost = ToUnits(e.beam_kwh * OneMinusCos(next_cdeg / 100.0 * kDeg));
        if (cost > sum.budget_units - spent) {
          exhausted = true;
          sum.exhausted_at = clock.Format(t);
          next_cdeg = 0;
          cost = 0;
        }
      }
      actual_cdeg = next_cdeg;
      spent += cost;
      const bool gate = actual_cdeg > 0;
      const char* source =
          gate ? "crop-heat-stress" : (exhausted && demand_cdeg > 0 ? "budget-exhausted" : "none");

      line = fmt::format(
          "{{\"timestamp\":\"{}\",\"slot_index\":{},\"plan_offset_deg\":{},\"target_angle\":{},"
          "\"energy_cost_kwh\":{},\"budget_spent_kwh\":{},\"budget_remaining_kwh\":{},"
          "\"live_gate_passed\":{},\"source\":\"{}\",\"stage_id\":\"{}\"}}\n",
          clock.Format(t), slot, FormatCentiDeg(plan_cdeg), FormatCentiDeg(actual_cdeg), FormatUnits(cost),
          FormatUnits(spent), FormatUnits(sum.budget_units - spent), gate ? "true" : "false", source,
          stage.id);
      if (std::fwrite(line.data(), 1, line.size(), out) != line.size()) return false;

      ++sum.ticks;
      sum.available_units += ToUnits(e.total_kwh);
      sum.cost_units += cost;
      if (gate) {
        ++sum.shading_ticks;
        shaded_today = true;
        sum.offset_sum_cdeg += actual_cdeg;
        sum.max_offset_cdeg = std::max(sum.max_offset_cdeg, actual_cdeg);
      }
      if (gate && plan_cdeg != actual_cdeg) ++sum.lag_ticks;
      AddTo(sum.cost_by_month, month, cost);
      AddTo(sum.cost_by_stage, stage.id, cost);
    }
    if (shaded_today) ++sum.days_with_shading;
  }
  return true;
}

void PrintSummary(const Options& o, const Clock& clock, int64_t first_day, const Summary& s) {
  const Site site{o.lat, o.lon};
  const int64_t last_day = first_day + o.days - 1;
  const double kwp = o.capacity_kw;
  auto kwh = [](int64_t units) { return static_cast<double>(units) / kUnitsPerKwh; };
  const int64_t produced = s.available_units - s.cost_units;
  std::string text;
  auto out = [&text](std::string_view l) {
    text += l;
    text += '\n';
  };
  const Civil a = CivilFromDays(first_day), b = CivilFromDays(last_day);
  out(fmt::format("season            {:04}-{:02}-{:02} .. {:04}-{:02}-{:02}: {} days, {} ticks", a.year,
                  a.month, a.day, b.year, b.month, b.day, o.days, s.ticks));
  out(fmt::format("available energy  {:.0f} kWh ({:.0f} kWh/kWp) at the reference angle",
                  kwh(s.available_units), kwh(s.available_units) / kwp));
  out(fmt::format("produced          {:.0f} kWh ({:.0f} kWh/kWp)", kwh(produced), kwh(produced) / kwp));
  out(fmt::format("sacrificed        {:.1f} kWh = {:.2f} % of the available energy", kwh(s.cost_units),
                  100.0 * kwh(s.cost_units) / kwh(s.available_units)));
  out(fmt::format("expected energy   {:.0f} kWh (climatological pre-season estimate)",
                  kwh(s.expected_units)));
  out(fmt::format(
      "budget            {:.1f} kWh{}", kwh(s.budget_units),
      o.budget_kwh ? " (--budget-kwh)" : fmt::format(" = {} % of the expected energy", o.max_reduction_pct)));
  out(fmt::format(
      "budget used       {}, remaining {:.1f} kWh{}",
      s.budget_units > 0 ? fmt::format("{:.1f} %", 100.0 * kwh(s.cost_units) / kwh(s.budget_units))
                         : std::string("-"),
      kwh(s.budget_units - s.cost_units), s.exhausted_at.empty() ? "" : ", exhausted at " + s.exhausted_at));
  out(
      fmt::format("shading           {} days, {} ticks; mean offset {:.1f}°, max {:.1f}°; "
                  "{} of them lagging the plan",
                  s.days_with_shading, s.shading_ticks,
                  s.shading_ticks ? s.offset_sum_cdeg / 100.0 / s.shading_ticks : 0.0,
                  s.max_offset_cdeg / 100.0, s.lag_ticks));
  std::string months;
  for (const auto& [m, u] : s.cost_by_month) months += fmt::format(" {} {:.0f}", m, kwh(u));
  out("cost by month     " + months.substr(1) + " (kWh)");
  std::string stages;
  for (const auto& [st, u] : s.cost_by_stage) stages += fmt::format(" {} {:.0f}", st, kwh(u));
  out("cost by stage     " + stages.substr(1) + " (kWh)");

  // The plant's expected year, for the config file (annual_potential_kwh,
  // monthly_share).
  const int64_t year = a.year;
  std::vector<int64_t> by_month(12, 0);
  const int64_t annual =
      ExpectedEnergy(o, site, clock, DaysFromCivil(year, 1, 1), DaysFromCivil(year, 12, 31), &by_month);
  out(fmt::format("expected year {}  {:.0f} kWh ({:.0f} kWh/kWp); monthly share %:", year, kwh(annual),
                  kwh(annual) / kwp));
  std::string shares;
  for (int64_t m : by_month) {
    shares += fmt::format(" {:.2f}", 100.0 * static_cast<double>(m) / static_cast<double>(annual));
  }
  out("                 " + shares);
  std::fputs(text.c_str(), stderr);
}

int Run(int argc, char** argv) {
  Options o;
  CLI::App app{
      "demo-ticks: writes a deterministic season of controller ticks for a demo agrivoltaic "
      "plant\n(single-axis trackers over spring wheat) as JSON lines for `budget-audit log`.\n"
      "The same options give the same bytes on every run and machine."};
  app.add_option("-o,--output", o.output, "Write to FILE instead of stdout")->type_name("FILE");
  app.add_option("--capacity-kw", o.capacity_kw, "DC capacity in kWp")
      ->capture_default_str()
      ->check(CLI::Range(0.001, 1e7));
  app.add_option("--lat", o.lat,
                 "Latitude, degrees north (the sun moves; the climate and the "
                 "crop calendar stay central European)")
      ->capture_default_str()
      ->check(CLI::Range(-66.0, 66.0));
  app.add_option("--lon", o.lon, "Longitude, degrees east")
      ->capture_default_str()
      ->check(CLI::Range(-180.0, 180.0));
  app.add_option("--start", o.start, "First local day, YYYY-MM-DD")->capture_default_str();
  app.add_option("--days", o.days, "Number of days")->capture_default_str()->check(CLI::Range(1, 3660));
  app.add_option("--tick-minutes", o.tick_minutes,
                 "Tick length in minutes; must divide 1440 (a day starts with slot 0 at local "
                 "midnight)")
      ->capture_default_str()
      ->check(CLI::Range(1, 180));
  app.add_option("--tz-offset", o.tz_offset,
                 "UTC offset of the timestamps: +HH:MM, -HH:MM, Z, or EU for CET/CEST by the EU "
                 "summer-time rule (as Europe/Berlin; the whole default season is +02:00)")
      ->capture_default_str();
  app.add_option("--budget-kwh", o.budget_kwh,
                 "The season's sacrifice budget in kWh (default: --max-reduction-pct of the "
                 "plant's expected energy over the season under mean cloudiness)")
      ->check(CLI::Range(0.0, 1e12));
  app.add_option("--max-reduction-pct", o.max_reduction_pct,
                 "Sacrifice ceiling for the default budget, in % of the season's expected energy (the "
                 "demo plant's contract; budget-audit's default is 5)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 100.0));
  app.add_option("--seed", o.seed, "Seed of the weather generator")->capture_default_str();
  app.add_flag("--summary", o.summary,
               "Print season totals (energy, cost, budget used, shading days) and the expected "
               "year's potential and monthly shares on stderr");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }
  const std::optional<int64_t> first_day = ParseDate(o.start);
  if (!first_day || CivilFromDays(*first_day).year < 1900 || CivilFromDays(*first_day).year > 2999) {
    fmt::print(stderr, "demo-ticks: --start: '{}' is not a date YYYY-MM-DD in 1900..2999\n", o.start);
    return kExitUsage;
  }
  if (1440 % o.tick_minutes != 0) {
    fmt::print(stderr, "demo-ticks: --tick-minutes: {} does not divide 1440\n", o.tick_minutes);
    return kExitUsage;
  }
  const std::optional<Clock> clock = Clock::Parse(o.tz_offset);
  if (!clock) {
    fmt::print(stderr, "demo-ticks: --tz-offset: '{}' is not +HH:MM, -HH:MM, Z or EU\n", o.tz_offset);
    return kExitUsage;
  }

  std::FILE* out = stdout;
  if (!o.output.empty()) {
    out = std::fopen(o.output.c_str(), "wb");
    if (!out) {
      fmt::print(stderr, "demo-ticks: {}: {}\n", o.output, std::strerror(errno));
      return kExitProblem;
    }
  }
  Summary summary;
  bool ok = Generate(o, *clock, *first_day, out, summary);
  ok = std::fflush(out) == 0 && ok;
  if (out != stdout) ok = std::fclose(out) == 0 && ok;
  if (!ok) {
    fmt::print(stderr, "demo-ticks: {}: write error: {}\n", o.output.empty() ? "stdout" : o.output,
               std::strerror(errno));
    return kExitProblem;
  }
  if (o.summary) PrintSummary(o, *clock, *first_day, summary);
  return kExitOk;
}

}  // namespace
}  // namespace demo_ticks

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);  // a closed pipe becomes a write error we report
  return demo_ticks::Run(argc, argv);
}
