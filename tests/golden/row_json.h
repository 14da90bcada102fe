// Test helper: the rows of a flat Parquet file as parsed JSON objects, in
// the canonical form of `budget-audit cat`.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "budget_audit/status.h"
#include "parquet/file_reader.h"
#include "parquet/value_format.h"

namespace budget_audit::testing {

inline Result<std::vector<nlohmann::json>> ReadRowsAsJson(const std::string& path,
                                                          std::vector<std::string> columns = {}) {
  using namespace parquet;
  BA_ASSIGN_OR_RETURN(auto reader, FileReader::Open(Env::Default(), path));
  BA_ASSIGN_OR_RETURN(auto cols, reader->schema().Project(columns));
  std::vector<nlohmann::json> rows;
  for (int rg = 0; rg < reader->num_row_groups(); ++rg) {
    BA_ASSIGN_OR_RETURN(auto data, reader->ReadRowGroup(rg, cols));
    std::vector<size_t> cursor(cols.size(), 0);
    for (int64_t r = 0; r < reader->row_group_num_rows(rg); ++r) {
      std::string line = "{";
      for (size_t c = 0; c < cols.size(); ++c) {
        const ColumnDescriptor& d = reader->schema().column(cols[c]);
        if (c) line += ",";
        AppendJsonString(d.name, line);
        line += ":";
        const ColumnVector& v = data[c];
        if (v.defined.empty() || v.defined[static_cast<size_t>(r)]) {
          AppendValue(d, v, cursor[c]++, TextStyle::kJson, line);
        } else {
          line += "null";
        }
      }
      line += "}";
      rows.push_back(nlohmann::json::parse(line));
    }
  }
  return rows;
}

}  // namespace budget_audit::testing
