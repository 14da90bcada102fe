#include "report/pyjson.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <limits>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

// Every expected value below was produced by CPython 3.11 (round(), repr(),
// json.dumps()) on this machine and pasted in; the tests never run Python.

namespace budget_audit::report {
namespace {

using namespace std::string_view_literals;

struct RoundRow {
  double x;
  const char* round1;
  const char* round3;
  const char* round4;
};
struct RoundCase {
  double x;
  int ndigits;
  const char* want;
};
struct ReprCase {
  double x;
  const char* want;
};

#include "report/pyjson_test_cases.inc"

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Rounding results are compared through repr, which identifies a double
// exactly (including the sign of zero) once PyFloatRepr is right.
TEST(PyRound, HandPickedBoundaries) {
  const RoundCase cases[] = {
      // ndigits 0: ties to even.
      {0.5, 0, "0.0"},
      {1.5, 0, "2.0"},
      {2.5, 0, "2.0"},
      {3.5, 0, "4.0"},
      {-0.5, 0, "-0.0"},
      {-1.5, 0, "-2.0"},
      {-2.5, 0, "-2.0"},
      {0.49999999999999994, 0, "0.0"},
      {4503599627370495.5, 0, "4503599627370496.0"},
      {4503599627370496.5, 0, "4503599627370496.0"},
      // The decimal text is a tie, the binary value is not.
      {2.675, 2, "2.67"},
      {1.005, 2, "1.0"},
      {0.045, 2, "0.04"},
      {1234.56785, 4, "1234.5678"},
      {1234.56775, 4, "1234.5677"},
      // Exact binary ties go to even.
      {0.125, 2, "0.12"},
      {0.375, 2, "0.38"},
      {0.0625, 3, "0.062"},
      {0.03125, 4, "0.0312"},
      // ndigits 1.
      {0.05, 1, "0.1"},
      {0.15, 1, "0.1"},
      {0.25, 1, "0.2"},
      {0.35, 1, "0.3"},
      {0.45, 1, "0.5"},
      {-0.05, 1, "-0.1"},
      {-0.25, 1, "-0.2"},
      {2.45, 1, "2.5"},
      {9.95, 1, "9.9"},
      {99.95, 1, "100.0"},
      {-99.95, 1, "-100.0"},
      // ndigits 3.
      {0.0005, 3, "0.001"},
      {0.0015, 3, "0.002"},
      {0.0025, 3, "0.003"},
      {1.0005, 3, "1.0"},
      {2.0005, 3, "2.001"},
      {1.2345, 3, "1.234"},
      {-1.2345, 3, "-1.234"},
      {8.9577, 3, "8.958"},
      // ndigits 4.
      {0.00005, 4, "0.0001"},
      {0.00015, 4, "0.0001"},
      {1.00005, 4, "1.0001"},
      {0.12345, 4, "0.1235"},
      {5.55555, 4, "5.5556"},
      {-0.00005, 4, "-0.0001"},
      {0.99995, 4, "1.0"},
      {9.99995, 4, "10.0"},
      // Extremes and precision limits.
      {5e-324, 0, "0.0"},
      {5e-324, 4, "0.0"},
      {-5e-324, 4, "-0.0"},
      {2.2250738585072014e-308, 17, "0.0"},
      {1e22, 2, "1e+22"},
      {1e23, 0, "1e+23"},
      {1.7976931348623157e308, 4, "1.7976931348623157e+308"},
      {0.1, 17, "0.1"},
      {0.3, 16, "0.3"},
      {0.1, 1, "0.1"},
      {0.30000000000000004, 16, "0.3"},
      {0.30000000000000004, 17, "0.30000000000000004"},
      {123456.7890123, 17, "123456.7890123"},
      // Zeros keep the sign of x.
      {-0.001, 2, "-0.0"},
      {-0.0, 3, "-0.0"},
      {0.0, 1, "0.0"},
      {-0.049, 1, "-0.0"},
      {1e-05, 4, "0.0"},
      {6e-05, 4, "0.0001"},
      // Negative ndigits.
      {1250.0, -2, "1200.0"},
      {1350.0, -2, "1400.0"},
      {1250.0000000000002, -2, "1300.0"},
      {-1250.0, -2, "-1200.0"},
      {15.0, -1, "20.0"},
      {25.0, -1, "20.0"},
      {5.0, -1, "0.0"},
      {49.0, -2, "0.0"},
      {50.0, -2, "0.0"},
      {150.0, -2, "200.0"},
      {999999.0, -3, "1000000.0"},
      {1e22, -22, "1e+22"},
      {5e21, -22, "0.0"},
      {1.5e22, -22, "2e+22"},
      {2.5e22, -22, "2e+22"},
  };
  for (const RoundCase& c : cases) {
    EXPECT_EQ(PyFloatRepr(PyRound(c.x, c.ndigits)), c.want)
        << "round(" << PyFloatRepr(c.x) << ", " << c.ndigits << ")";
  }
}

TEST(PyRound, NonFiniteAndOutOfRangeNdigits) {
  EXPECT_TRUE(std::isnan(PyRound(kNaN, 2)));
  EXPECT_EQ(PyRound(kInf, 2), kInf);
  EXPECT_EQ(PyRound(-kInf, 0), -kInf);
  EXPECT_EQ(PyRound(-kInf, -5), -kInf);
  // ndigits > 323: x itself; ndigits < -308: a zero with x's sign.
  EXPECT_EQ(PyFloatRepr(PyRound(5e-324, 323)), "0.0");
  EXPECT_EQ(PyFloatRepr(PyRound(5e-324, 324)), "5e-324");
  EXPECT_EQ(PyFloatRepr(PyRound(0.1, 1000)), "0.1");
  EXPECT_EQ(PyFloatRepr(PyRound(1.2345678901234567e300, 400)), "1.2345678901234567e+300");
  EXPECT_EQ(PyFloatRepr(PyRound(1.5e308, -308)), "inf");  // Python: OverflowError
  EXPECT_EQ(PyFloatRepr(PyRound(1.5e308, -309)), "0.0");
  EXPECT_EQ(PyFloatRepr(PyRound(-1e300, -309)), "-0.0");
  EXPECT_EQ(PyFloatRepr(PyRound(-1e300, std::numeric_limits<int>::min())), "-0.0");
  EXPECT_EQ(PyFloatRepr(PyRound(0.1, std::numeric_limits<int>::max())), "0.1");
}

TEST(PyRound, OverflowOnlyWherePythonRaises) {
  // For x = DBL_MAX and ndigits in [-310, -281], CPython raises
  // OverflowError exactly for these; we return inf there and only there.
  const int raises[] = {-308, -307, -306, -305, -304, -299, -298, -294, -293};
  const double max = std::numeric_limits<double>::max();
  for (int n = -310; n <= -281; ++n) {
    const bool python_raises = std::find(std::begin(raises), std::end(raises), n) != std::end(raises);
    const double r = PyRound(max, n);
    const double neg = PyRound(-max, n);
    EXPECT_EQ(std::isinf(r), python_raises) << n;
    EXPECT_EQ(std::isinf(neg), python_raises) << n;
    EXPECT_EQ(r, -neg) << n;
  }
  EXPECT_EQ(PyFloatRepr(PyRound(max, -300)), "1.79769313e+308");
  EXPECT_EQ(PyFloatRepr(PyRound(max, -292)), "1.7976931348623157e+308");
  EXPECT_EQ(PyFloatRepr(PyRound(max, -295)), "1.7976931348623e+308");
}

TEST(PyRound, RandomDoublesAgainstCPython) {
  int checked = 0;
  for (const RoundRow& row : kRoundRows) {
    EXPECT_EQ(PyFloatRepr(PyRound(row.x, 1)), row.round1) << PyFloatRepr(row.x);
    EXPECT_EQ(PyFloatRepr(PyRound(row.x, 3)), row.round3) << PyFloatRepr(row.x);
    EXPECT_EQ(PyFloatRepr(PyRound(row.x, 4)), row.round4) << PyFloatRepr(row.x);
    checked += 3;
  }
  EXPECT_EQ(checked, 6000);
}

TEST(PyRound, RandomNdigitsAgainstCPython) {
  for (const RoundCase& c : kOtherNdigitsCases) {
    EXPECT_EQ(PyFloatRepr(PyRound(c.x, c.ndigits)), c.want)
        << "round(" << PyFloatRepr(c.x) << ", " << c.ndigits << ")";
  }
}

TEST(PyRound, ReportArithmetic) {
  // weekly_report: total / days * 365, then round(..., 1).
  double total = 0.0;
  for (int i = 0; i < 13; ++i) {
    for (double c : {0.0123, 0.4567, 1.2345, 0.0005, 2.675, 0.3333, 0.1111}) {
      total += c;
    }
  }
  ASSERT_EQ(total, 0x1.f5a2339c0ebefp+5);  // 62.70420000000001 in CPython
  EXPECT_EQ(PyFloatRepr(PyRound(total, 3)), "62.704");
  EXPECT_EQ(PyFloatRepr(PyRound(total / 7, 4)), "8.9577");
  EXPECT_EQ(PyFloatRepr(PyRound(total / 7 * 365, 1)), "3269.6");
}

TEST(PyRoundToInt, TiesToEvenAndErrors) {
  EXPECT_EQ(*PyRoundToInt(0.5), 0);
  EXPECT_EQ(*PyRoundToInt(1.5), 2);
  EXPECT_EQ(*PyRoundToInt(2.5), 2);
  EXPECT_EQ(*PyRoundToInt(-0.5), 0);
  EXPECT_EQ(*PyRoundToInt(-1.5), -2);
  EXPECT_EQ(*PyRoundToInt(-2.5), -2);
  EXPECT_EQ(*PyRoundToInt(2.675), 3);
  EXPECT_EQ(*PyRoundToInt(0.49999999999999994), 0);
  EXPECT_EQ(*PyRoundToInt(4503599627370495.5), 4503599627370496);
  EXPECT_EQ(*PyRoundToInt(-4503599627370494.5), -4503599627370494);
  EXPECT_EQ(*PyRoundToInt(-9223372036854775808.0), INT64_MIN);
  EXPECT_EQ(*PyRoundToInt(9223372036854774784.0), 9223372036854774784);
  EXPECT_FALSE(PyRoundToInt(9223372036854775808.0).ok());
  EXPECT_FALSE(PyRoundToInt(-9223372036854777856.0).ok());
  EXPECT_EQ(PyRoundToInt(kNaN).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(PyRoundToInt(kInf).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(PyRoundToInt(-kInf).status().code(), StatusCode::kInvalidArgument);
}

TEST(PyFloatRepr, Layout) {
  EXPECT_EQ(PyFloatRepr(10950.0), "10950.0");
  EXPECT_EQ(PyFloatRepr(0.0), "0.0");
  EXPECT_EQ(PyFloatRepr(-0.0), "-0.0");
  EXPECT_EQ(PyFloatRepr(0.1), "0.1");
  EXPECT_EQ(PyFloatRepr(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(PyFloatRepr(0.0001), "0.0001");
  EXPECT_EQ(PyFloatRepr(0.00012345), "0.00012345");
  EXPECT_EQ(PyFloatRepr(1e-05), "1e-05");
  EXPECT_EQ(PyFloatRepr(-1.5e-05), "-1.5e-05");
  EXPECT_EQ(PyFloatRepr(123456789012345.0), "123456789012345.0");
  EXPECT_EQ(PyFloatRepr(9999999999999998.0), "9999999999999998.0");
  EXPECT_EQ(PyFloatRepr(1e16), "1e+16");
  EXPECT_EQ(PyFloatRepr(1.5e16), "1.5e+16");
  EXPECT_EQ(PyFloatRepr(1e100), "1e+100");
  EXPECT_EQ(PyFloatRepr(1e-100), "1e-100");
  EXPECT_EQ(PyFloatRepr(5e-324), "5e-324");
  EXPECT_EQ(PyFloatRepr(std::numeric_limits<double>::max()), "1.7976931348623157e+308");
  EXPECT_EQ(PyFloatRepr(kNaN), "nan");
  EXPECT_EQ(PyFloatRepr(-kNaN), "nan");
  EXPECT_EQ(PyFloatRepr(kInf), "inf");
  EXPECT_EQ(PyFloatRepr(-kInf), "-inf");
}

TEST(PyFloatRepr, RandomDoublesAgainstCPython) {
  int checked = 0;
  for (const ReprCase& c : kReprCases) {
    EXPECT_EQ(PyFloatRepr(c.x), c.want);
    ++checked;
  }
  EXPECT_EQ(checked, 500);
}

// The seed's weekly_report(), computed the same way (capacity 7.5 kW, 5%
// ceiling, 7 days, 17 of 91 ticks with the gate passed).
Value WeeklyReport() {
  double total = 0.0;
  for (int i = 0; i < 13; ++i) {
    for (double c : {0.0123, 0.4567, 1.2345, 0.0005, 2.675, 0.3333, 0.1111}) {
      total += c;
    }
  }
  const int days = 7;
  const double ceiling_pct = 5.0;
  const double ceiling = 7.5 * 6.0 * 365 * ceiling_pct / 100.0;
  const double daily_rate = total / days;
  const double projected = daily_rate * 365;
  const double gate_mean = 17.0 / 91.0;
  return Value::Dict({
      {"period_days", days},
      {"total_cost_kwh", PyRound(total, 3)},
      {"daily_avg_kwh", PyRound(daily_rate, 4)},
      {"projected_annual_kwh", PyRound(projected, 1)},
      {"ceiling_kwh", PyRound(ceiling, 1)},
      {"ceiling_pct", ceiling_pct},
      {"utilization_pct", PyRound(projected / ceiling * 100, 1)},
      {"compliant", projected <= ceiling},
      {"total_interventions", 17},
      {"intervention_rate_pct", PyRound(gate_mean * 100, 1)},
  });
}

TEST(PyJsonDumps, WeeklyReportIndent2) {
  EXPECT_EQ(PyJsonDumps(WeeklyReport()), R"py({
  "period_days": 7,
  "total_cost_kwh": 62.704,
  "daily_avg_kwh": 8.9577,
  "projected_annual_kwh": 3269.6,
  "ceiling_kwh": 821.2,
  "ceiling_pct": 5.0,
  "utilization_pct": 398.1,
  "compliant": false,
  "total_interventions": 17,
  "intervention_rate_pct": 18.7
})py");
}

TEST(PyJsonDumps, WeeklyReportCompact) {
  EXPECT_EQ(
      PyJsonDumps(WeeklyReport(), kCompact),
      R"py({"period_days": 7, "total_cost_kwh": 62.704, "daily_avg_kwh": 8.9577, "projected_annual_kwh": 3269.6, "ceiling_kwh": 821.2, "ceiling_pct": 5.0, "utilization_pct": 398.1, "compliant": false, "total_interventions": 17, "intervention_rate_pct": 18.7})py");
}

TEST(PyJsonDumps, ErrorReport) {
  EXPECT_EQ(PyJsonDumps(Value::Dict({{"error", "No audit data"}})), "{\n  \"error\": \"No audit data\"\n}");
}

Value Nested() {
  return Value::Dict({
      {"a", Value::Dict()},
      {"b", Value::List()},
      {"c", Value::List({Value::Dict(), Value::List()})},
      {"d", Value::Dict(
                {{"x", Value::List({1, Value::List({2.5, Value::List()}), Value::Dict({{"y", nullptr}})})}})},
      {"e", "s"},
  });
}

TEST(PyJsonDumps, NestedIndent2) {
  EXPECT_EQ(PyJsonDumps(Nested(), 2), R"py({
  "a": {},
  "b": [],
  "c": [
    {},
    []
  ],
  "d": {
    "x": [
      1,
      [
        2.5,
        []
      ],
      {
        "y": null
      }
    ]
  },
  "e": "s"
})py");
}

TEST(PyJsonDumps, NestedIndent0) {
  EXPECT_EQ(PyJsonDumps(Nested(), 0), R"py({
"a": {},
"b": [],
"c": [
{},
[]
],
"d": {
"x": [
1,
[
2.5,
[]
],
{
"y": null
}
]
},
"e": "s"
})py");
}

TEST(PyJsonDumps, NestedIndent4) {
  EXPECT_EQ(PyJsonDumps(Nested(), 4), R"py({
    "a": {},
    "b": [],
    "c": [
        {},
        []
    ],
    "d": {
        "x": [
            1,
            [
                2.5,
                []
            ],
            {
                "y": null
            }
        ]
    },
    "e": "s"
})py");
}

TEST(PyJsonDumps, NestedCompact) {
  EXPECT_EQ(PyJsonDumps(Nested(), kCompact),
            R"py({"a": {}, "b": [], "c": [{}, []], "d": {"x": [1, [2.5, []], {"y": null}]}, "e": "s"})py");
}

TEST(PyJsonDumps, EmptyContainersAndScalars) {
  EXPECT_EQ(PyJsonDumps(Value::Dict()), "{}");
  EXPECT_EQ(PyJsonDumps(Value::List()), "[]");
  EXPECT_EQ(PyJsonDumps(Value::Dict(), kCompact), "{}");
  EXPECT_EQ(PyJsonDumps(Value::List(), kCompact), "[]");
  EXPECT_EQ(PyJsonDumps(Value()), "null");
  EXPECT_EQ(PyJsonDumps(nullptr), "null");
  EXPECT_EQ(PyJsonDumps(true), "true");
  EXPECT_EQ(PyJsonDumps(false), "false");
  EXPECT_EQ(PyJsonDumps(1.0), "1.0");
  EXPECT_EQ(PyJsonDumps(7), "7");
  EXPECT_EQ(PyJsonDumps("x"), "\"x\"");
}

TEST(PyJsonDumps, Floats) {
  const Value floats = Value::List({1.0, -0.0, 0.1, 1e16, 1.5e16, 1e-05, 0.0001, 123456789012345.0, 1e300,
                                    5e-324, kNaN, kInf, -kInf, 10950.0});
  EXPECT_EQ(PyJsonDumps(floats), R"py([
  1.0,
  -0.0,
  0.1,
  1e+16,
  1.5e+16,
  1e-05,
  0.0001,
  123456789012345.0,
  1e+300,
  5e-324,
  NaN,
  Infinity,
  -Infinity,
  10950.0
])py");
  EXPECT_EQ(
      PyJsonDumps(floats, kCompact),
      R"py([1.0, -0.0, 0.1, 1e+16, 1.5e+16, 1e-05, 0.0001, 123456789012345.0, 1e+300, 5e-324, NaN, Infinity, -Infinity, 10950.0])py");
}

TEST(PyJsonDumps, Integers) {
  const Value ints = Value::List({0, -1, INT64_MAX, INT64_MIN, UINT64_MAX, uint8_t{42}});
  EXPECT_EQ(PyJsonDumps(ints, kCompact),
            R"py([0, -1, 9223372036854775807, -9223372036854775808, 18446744073709551615, 42])py");
  EXPECT_EQ(Value(size_t{3}).kind(), Value::Kind::kInt);
  EXPECT_EQ(Value(size_t{3}).AsInt(), 3);
  EXPECT_EQ(Value(UINT64_MAX).kind(), Value::Kind::kInt);
}

TEST(PyJsonDumps, StringEscapes) {
  // All C0 controls, DEL, quote, backslash, slash, then non-ASCII: U+00E9,
  // U+20AC, U+1F600, U+FFFF, U+10FFFF, U+0080.
  const std::string_view s =
      "\000\001\002\003\004\005\006\007\010\011\012\013\014\015\016\017\020\021"
      "\022\023\024\025\026\027\030\031\032\033\034\035\036\037\177 \"\\/ ~\303"
      "\251\342\202\254\360\237\230\200\357\277\277\364\217\277\277\302\200"sv;
  EXPECT_EQ(
      PyJsonDumps(Value(s)),
      R"py("\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f\u007f \"\\/ ~\u00e9\u20ac\ud83d\ude00\uffff\udbff\udfff\u0080")py");
  EXPECT_EQ(PyJsonQuote(s), PyJsonDumps(Value(s), kCompact));
  EXPECT_EQ(PyJsonDumps(Value::Dict({{"k\"\n\303\251", "v"}})), R"py({
  "k\"\n\u00e9": "v"
})py");
}

TEST(PyJsonDumps, InvalidUtf8LikePythonDecodeReplace) {
  // {bytes, json.dumps(bytes.decode("utf-8", "replace"))}
  const struct {
    std::string_view in;
    const char* want;
  } cases[] = {
      {"\377", "\"\\ufffd\""},
      {"\300\200", "\"\\ufffd\\ufffd\""},
      {"\340\200\200", "\"\\ufffd\\ufffd\\ufffd\""},
      {"\355\240\200", "\"\\ufffd\\ufffd\\ufffd\""},
      {"\364\220\200\200", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""},
      {"\360\237\230", "\"\\ufffd\""},
      {"\360\237\230A", "\"\\ufffdA\""},
      {"\342\202", "\"\\ufffd\""},
      {"a\200b", "\"a\\ufffdb\""},
      {"\303", "\"\\ufffd\""},
      {"\303\251\303", "\"\\u00e9\\ufffd\""},
      {"\365\200", "\"\\ufffd\\ufffd\""},
      {"\357\277\277", "\"\\uffff\""},
      {"\360\220\200\200", "\"\\ud800\\udc00\""},
      {"\340\240\200", "\"\\u0800\""},
      {"\355\237\277", "\"\\ud7ff\""},
      {"\356\200\200", "\"\\ue000\""},
      {"\370\210\200\200\200", "\"\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\""},
      {"\302\177", "\"\\ufffd\\u007f\""},
      {"\341\200\300", "\"\\ufffd\\ufffd\""},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(PyJsonQuote(c.in), c.want);
  }
}

TEST(PyJsonValue, DictKeepsInsertionOrderAndReplacesInPlace) {
  // Python: {"a": 1, "b": 2, "a": 3} == {"a": 3, "b": 2}.
  EXPECT_EQ(PyJsonDumps(Value::Dict({{"a", 1}, {"b", 2}, {"a", 3}}), kCompact), R"py({"a": 3, "b": 2})py");
  // Python: d = {"a": 1, "b": 2}; d["a"] = 3; d["c"] = [1].
  Value d = Value::Dict({{"a", 1}, {"b", 2}});
  d.Set("a", 3).Set("c", Value::List({1}));
  EXPECT_EQ(PyJsonDumps(d), "{\n  \"a\": 3,\n  \"b\": 2,\n  \"c\": [\n    1\n  ]\n}");
  ASSERT_NE(d.Find("c"), nullptr);
  d.Find("c")->Append(2.5).Append("x");
  EXPECT_EQ(PyJsonDumps(*d.Find("c"), kCompact), R"py([1, 2.5, "x"])py");
  EXPECT_EQ(d.Find("zzz"), nullptr);
  EXPECT_EQ(Value(1).Find("a"), nullptr);
  EXPECT_EQ(d.size(), 3u);
  EXPECT_EQ(d.members()[1].first, "b");
  EXPECT_EQ(d.Find("a")->AsInt(), 3);
}

TEST(PyJsonValue, Kinds) {
  EXPECT_EQ(Value().kind(), Value::Kind::kNull);
  EXPECT_EQ(Value(true).kind(), Value::Kind::kBool);
  EXPECT_EQ(Value(int16_t{-3}).kind(), Value::Kind::kInt);
  EXPECT_EQ(Value(2.5f).kind(), Value::Kind::kFloat);
  EXPECT_EQ(Value("s").kind(), Value::Kind::kString);
  EXPECT_EQ(Value(std::string("s")).kind(), Value::Kind::kString);
  EXPECT_EQ(Value::List().kind(), Value::Kind::kList);
  EXPECT_EQ(Value::Dict().kind(), Value::Kind::kDict);
  EXPECT_TRUE(Value(true).AsBool());
  EXPECT_EQ(Value(2.5).AsFloat(), 2.5);
  EXPECT_EQ(Value("s").AsString(), "s");
  EXPECT_EQ(Value::List({1, 2}).items().size(), 2u);
  EXPECT_EQ(Value(1).size(), 0u);
}

}  // namespace
}  // namespace budget_audit::report
