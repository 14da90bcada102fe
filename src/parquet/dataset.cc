#include "parquet/dataset.h"

#include <algorithm>

namespace budget_audit::parquet {

Status ListParquetFiles(Env* env, const std::string& dir, std::vector<std::string>& out) {
  BA_ASSIGN_OR_RETURN(auto names, env->GetChildren(dir));
  std::sort(names.begin(), names.end());
  for (const auto& name : names) {
    if (name.empty() || name[0] == '_' || name[0] == '.') continue;
    std::string full = JoinPath(dir, name);
    BA_ASSIGN_OR_RETURN(bool is_dir, env->IsDirectory(full));
    if (is_dir) {
      BA_RETURN_IF_ERROR(ListParquetFiles(env, full, out));
    } else if (name.ends_with(".parquet")) {
      out.push_back(std::move(full));
    }
  }
  return Status::OK();
}

}  // namespace budget_audit::parquet
