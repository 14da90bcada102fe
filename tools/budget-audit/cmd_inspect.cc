// `budget-audit inspect FILE`: the footer of a Parquet file as JSON.
#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include "cli.h"
#include "parquet/file_reader.h"
#include "parquet/value_format.h"
#include "util/sha256.h"

namespace budget_audit::cli {
namespace {

using nlohmann::ordered_json;
using namespace budget_audit::parquet;

ordered_json LogicalTypeJson(const LogicalType& lt) {
  using K = LogicalType::Kind;
  static const char* kNames[] = {"NONE",    "STRING",   "MAP",       "LIST",        "ENUM",
                                 "DECIMAL", "DATE",     "TIME",      "TIMESTAMP",   "INTEGER",
                                 "UNKNOWN", "JSON",     "BSON",      "UUID",        "FLOAT16",
                                 "VARIANT", "GEOMETRY", "GEOGRAPHY", "UNRECOGNIZED"};
  if (lt.kind == K::NONE) return nullptr;
  ordered_json j;
  j["type"] = kNames[static_cast<int>(lt.kind)];
  switch (lt.kind) {
    case K::DECIMAL:
      j["scale"] = lt.decimal_scale;
      j["precision"] = lt.decimal_precision;
      break;
    case K::TIME:
    case K::TIMESTAMP:
      j["is_adjusted_to_utc"] = lt.is_adjusted_to_utc;
      j["unit"] = TimeUnitName(lt.unit);
      break;
    case K::INTEGER:
      j["bit_width"] = lt.bit_width;
      j["is_signed"] = lt.is_signed;
      break;
    default: break;
  }
  return j;
}

// A statistics bound shown as the column's value (through the same text
// rendering as `cat`), or as hex when it does not decode.
ordered_json StatValueJson(const ColumnDescriptor& col, const std::string& bytes) {
  ColumnVector v;
  v.type = col.type;
  v.type_length = col.type_length;
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  bool ok = true;
  switch (col.type) {
    case Type::BOOLEAN:
      ok = bytes.size() == 1;
      if (ok) v.bools.push_back(p[0] != 0);
      break;
    case Type::INT32:
      ok = bytes.size() == 4;
      if (ok) {
        int32_t x;
        std::memcpy(&x, p, 4);
        v.i32.push_back(x);
      }
      break;
    case Type::INT64:
      ok = bytes.size() == 8;
      if (ok) {
        int64_t x;
        std::memcpy(&x, p, 8);
        v.i64.push_back(x);
      }
      break;
    case Type::FLOAT:
      ok = bytes.size() == 4;
      if (ok) {
        float x;
        std::memcpy(&x, p, 4);
        v.f32.push_back(x);
      }
      break;
    case Type::DOUBLE:
      ok = bytes.size() == 8;
      if (ok) {
        double x;
        std::memcpy(&x, p, 8);
        v.f64.push_back(x);
      }
      break;
    case Type::BYTE_ARRAY:
      v.offsets = {0};
      v.AppendByteArray(bytes);
      break;
    case Type::INT96:
    case Type::FIXED_LEN_BYTE_ARRAY:
      ok = bytes.size() == static_cast<size_t>(col.type_length);
      if (ok) v.fixed.assign(p, p + bytes.size());
      break;
  }
  if (!ok) return "0x" + ToHex(AsSpan(bytes));
  std::string text;
  AppendValue(col, v, 0, TextStyle::kJson, text);
  return ordered_json::parse(text, nullptr, false);
}

ordered_json StatisticsJson(const ColumnDescriptor& col, const Statistics& s) {
  ordered_json j = ordered_json::object();
  if (s.null_count) j["null_count"] = *s.null_count;
  if (s.distinct_count) j["distinct_count"] = *s.distinct_count;
  if (s.min_value) j["min_value"] = StatValueJson(col, *s.min_value);
  if (s.max_value) j["max_value"] = StatValueJson(col, *s.max_value);
  if (s.min) j["min"] = StatValueJson(col, *s.min);
  if (s.max) j["max"] = StatValueJson(col, *s.max);
  if (s.is_min_value_exact) j["is_min_value_exact"] = *s.is_min_value_exact;
  if (s.is_max_value_exact) j["is_max_value_exact"] = *s.is_max_value_exact;
  return j;
}

ordered_json InspectJson(const FileReader& r) {
  const FileMetaData& md = r.metadata();
  ordered_json j;
  j["file"] = r.path();
  j["file_size"] = r.file_size();
  j["footer_length"] = r.footer_length();
  j["version"] = md.version;
  j["num_rows"] = md.num_rows;
  j["created_by"] = md.created_by ? ordered_json(*md.created_by) : ordered_json(nullptr);
  ordered_json schema = ordered_json::array();
  for (const auto& c : r.schema().columns()) {
    ordered_json e;
    e["name"] = c.name;
    e["path"] = c.path;
    e["physical_type"] = TypeName(c.type);
    if (c.type == Type::FIXED_LEN_BYTE_ARRAY) e["type_length"] = c.type_length;
    e["repetition"] = RepetitionName(c.repetition);
    if (c.converted_type != ConvertedType::NONE) e["converted_type"] = ConvertedTypeName(c.converted_type);
    e["logical_type"] = LogicalTypeJson(c.logical_type);
    if (c.kind == ValueKind::kDecimal) {
      e["scale"] = c.scale;
      e["precision"] = c.precision;
    }
    e["max_definition_level"] = c.max_def_level;
    e["max_repetition_level"] = c.max_rep_level;
    if (c.nested) e["nested"] = true;
    schema.push_back(e);
  }
  j["schema"] = schema;
  ordered_json rgs = ordered_json::array();
  for (int g = 0; g < r.num_row_groups(); ++g) {
    const RowGroup& rg = md.row_groups[g];
    ordered_json jr;
    jr["index"] = g;
    jr["num_rows"] = rg.num_rows;
    jr["total_byte_size"] = rg.total_byte_size;
    if (rg.total_compressed_size) jr["total_compressed_size"] = *rg.total_compressed_size;
    ordered_json chunks = ordered_json::array();
    for (size_t c = 0; c < rg.columns.size() && c < r.schema().num_columns(); ++c) {
      const ColumnDescriptor& col = r.schema().column(c);
      const ColumnMetaData& cm = *rg.columns[c].meta_data;
      ordered_json jc;
      jc["path"] = col.path;
      jc["type"] = TypeName(cm.type);
      ordered_json enc = ordered_json::array();
      for (auto e : cm.encodings) enc.push_back(EncodingName(e));
      jc["encodings"] = enc;
      jc["codec"] = CodecName(cm.codec);
      jc["num_values"] = cm.num_values;
      jc["total_compressed_size"] = cm.total_compressed_size;
      jc["total_uncompressed_size"] = cm.total_uncompressed_size;
      jc["data_page_offset"] = cm.data_page_offset;
      if (cm.dictionary_page_offset) jc["dictionary_page_offset"] = *cm.dictionary_page_offset;
      if (cm.statistics) jc["statistics"] = StatisticsJson(col, *cm.statistics);
      if (!cm.encoding_stats.empty()) {
        ordered_json es = ordered_json::array();
        for (const auto& s : cm.encoding_stats) {
          es.push_back({{"page_type", PageTypeName(s.page_type)},
                        {"encoding", EncodingName(s.encoding)},
                        {"count", s.count}});
        }
        jc["encoding_stats"] = es;
      }
      chunks.push_back(jc);
    }
    jr["columns"] = chunks;
    rgs.push_back(jr);
  }
  j["row_groups"] = rgs;
  ordered_json kv = ordered_json::object();
  for (const auto& e : md.key_value_metadata) {
    kv[e.key] = e.value ? ordered_json(*e.value) : ordered_json(nullptr);
  }
  j["key_value_metadata"] = kv;
  if (md.has_column_orders) {
    ordered_json co = ordered_json::array();
    for (bool t : md.column_orders_type_defined) co.push_back(t ? "TYPE_DEFINED_ORDER" : "UNKNOWN");
    j["column_orders"] = co;
  }
  return j;
}

}  // namespace

void SetupInspect(CLI::App& app, Context& ctx, Action& action) {
  auto path = std::make_shared<std::string>();
  CLI::App* cmd =
      app.add_subcommand("inspect",
                         "Print a Parquet file's footer as JSON: schema, row groups, column chunks "
                         "(types, encodings, codecs, sizes, statistics) and key-value metadata.");
  cmd->add_option("FILE", *path, "Parquet file")->required();
  cmd->callback([&ctx, &action, path]() {
    action = [&ctx, path]() {
      auto reader = FileReader::Open(ctx.env, *path);
      if (!reader.ok()) return ReportError(reader.status());
      std::string text = InspectJson(**reader).dump(2, ' ', false, ordered_json::error_handler_t::replace);
      auto out = Output::Open("");
      (*out)->Write(text);
      (*out)->Write("\n");
      Status s = (*out)->Finish();
      return s.ok() ? kExitOk : ReportError(s);
    };
  });
}

}  // namespace budget_audit::cli
