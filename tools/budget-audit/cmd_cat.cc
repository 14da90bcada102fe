// `budget-audit cat PATH`: rows of a flat Parquet file, or of every Parquet
// file under a directory (name order), as JSON lines; or re-encoded with -o
// into Parquet (through our writer), CSV or JSON lines.
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "cli.h"
#include "parquet/file_reader.h"
#include "parquet/file_writer.h"
#include "parquet/value_format.h"
#include "budget_audit/log_reader.h"
#include "log/slot_parquet.h"
#include "log/tick.h"
#include "util/time_zone.h"

namespace budget_audit::cli {
namespace {

using parquet::ColumnDescriptor;
using parquet::ColumnVector;
using parquet::FileReader;

struct CatOptions {
  std::string path;
  std::string columns;
  std::string output;
  bool verify_checksums = false;
  // --format (cat and export), and export's time range of the log.
  std::string format;
  std::string since, until;
};

// --since/--until: an ISO-8601 timestamp (with an offset, or UTC: exact),
// or a date: the site's local midnight starting that day, in `tz`.
Result<std::optional<int64_t>> ParseBound(const std::string& flag, const std::string& text,
                                          const std::optional<TimeZone>& tz) {
  if (text.empty()) return std::optional<int64_t>();
  if (LooksLikeDate(text)) {
    auto days = ParseDateArgument(text);
    if (!days.ok()) return Status::InvalidArgument(fmt::format("{} {}", flag, days.status().message()));
    return std::optional<int64_t>(tz->StartOfDay(*days));
  }
  auto ts = log::ParseIsoTimestamp(text);
  if (!ts.ok()) {
    return Status::InvalidArgument(fmt::format("{} {}: {}", flag, text, ts.status().message()));
  }
  return std::optional<int64_t>(ts->utc_us);
}

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Every *.parquet below dir, skipping names that start with '_' or '.' (as
// pandas, pyarrow, Spark and DuckDB globs do), sorted by relative path.
Status CollectParquetFiles(Env* env, const std::string& dir, const std::string& rel,
                           std::vector<std::string>& out) {
  BA_ASSIGN_OR_RETURN(auto names, env->GetChildren(JoinPath(dir, rel)));
  std::sort(names.begin(), names.end());
  for (const auto& name : names) {
    if (name.empty() || name[0] == '_' || name[0] == '.') continue;
    std::string r = rel.empty() ? name : JoinPath(rel, name);
    std::string full = JoinPath(dir, r);
    BA_ASSIGN_OR_RETURN(bool is_dir, env->IsDirectory(full));
    if (is_dir) {
      BA_RETURN_IF_ERROR(CollectParquetFiles(env, dir, r, out));
    } else if (EndsWith(name, ".parquet")) {
      out.push_back(full);
    }
  }
  return Status::OK();
}

std::vector<std::string> SplitColumns(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size() && !s.empty()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    std::string name = s.substr(start, comma - start);
    if (!name.empty()) out.push_back(name);
    start = comma + 1;
  }
  return out;
}

enum class Format { kJsonLines, kCsv, kParquet };

// INT96 values become INT64 nanoseconds (or microseconds, see
// SpecFromDescriptor), as the writer stores them.
ColumnVector ConvertForWriting(const ColumnDescriptor& col, ColumnVector v, bool micros) {
  if (col.type != parquet::Type::INT96) return v;
  ColumnVector out;
  out.type = parquet::Type::INT64;
  out.defined = std::move(v.defined);
  size_t n = v.value_count();
  out.i64.resize(n);
  for (size_t i = 0; i < n; ++i) {
    out.i64[i] = micros ? parquet::Int96ToTime(v.FixedAt(i)).micros
                        : *parquet::Int96ToNanos(v.FixedAt(i));
  }
  return out;
}

// Names of INT96 columns (of the projection) holding a value outside the
// nanosecond range in any of `files`.
Result<std::set<std::string>> Int96ColumnsNeedingMicros(Env* env,
                                                        const std::vector<std::string>& files,
                                                        const std::vector<std::string>& names) {
  std::set<std::string> out;
  for (const auto& f : files) {
    BA_ASSIGN_OR_RETURN(auto reader, FileReader::Open(env, f));
    auto cols = reader->schema().Project(names);
    if (!cols.ok()) return cols.status().WithContext(f);
    for (size_t c : *cols) {
      const ColumnDescriptor& d = reader->schema().column(c);
      if (d.type != parquet::Type::INT96 || out.count(d.name)) continue;
      for (int g = 0; g < reader->num_row_groups() && !out.count(d.name); ++g) {
        BA_ASSIGN_OR_RETURN(auto v, reader->ReadColumnChunk(g, c));
        for (size_t i = 0; i < v.value_count(); ++i) {
          if (!parquet::Int96ToNanos(v.FixedAt(i))) {
            out.insert(d.name);
            break;
          }
        }
      }
    }
  }
  return out;
}

bool SameSpecs(const std::vector<parquet::ColumnSpec>& a, const std::vector<parquet::ColumnSpec>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].name != b[i].name || a[i].type != b[i].type || a[i].type_length != b[i].type_length ||
        a[i].logical_type.kind != b[i].logical_type.kind ||
        a[i].converted_type != b[i].converted_type) {
      return false;
    }
  }
  return true;
}

class Cat {
 public:
  Cat(Context& ctx, const CatOptions& opts) : ctx_(ctx), opts_(opts) {}

  int Run() {
    Status s = RunImpl();
    if (!s.ok()) {
      // Abandoned: a temporary beside a regular target is removed (the
      // target stays as it was); nothing else is ever removed.
      writer_.reset();
      output_.reset();
      return ReportError(s);
    }
    return kExitOk;
  }

 private:
  Status ChooseFormat() {
    const std::string& out = opts_.output;
    const bool to_stdout = out.empty() || out == "-";
    // --format after the command, else before it (`budget-audit --format
    // csv export ...`).
    const std::string& named = !opts_.format.empty() ? opts_.format : ctx_.format_flag;
    if (!named.empty()) {
      if (named == "parquet") {
        format_ = Format::kParquet;
      } else if (named == "csv") {
        format_ = Format::kCsv;
      } else if (named == "jsonl") {
        format_ = Format::kJsonLines;
      } else {
        return Status::InvalidArgument(
            fmt::format("--format {}: unknown format; use parquet, csv or jsonl", named));
      }
    } else if (to_stdout) {
      format_ = Format::kJsonLines;
    } else if (EndsWith(out, ".parquet")) {
      format_ = Format::kParquet;
    } else if (EndsWith(out, ".csv")) {
      format_ = Format::kCsv;
    } else if (EndsWith(out, ".jsonl") || EndsWith(out, ".json") || EndsWith(out, ".ndjson")) {
      format_ = Format::kJsonLines;
    } else {
      return Status::InvalidArgument(fmt::format(
          "-o {}: unknown output format; use a name ending in .parquet, .csv or .jsonl, or give "
          "--format parquet, csv or jsonl", out));
    }
    if (format_ == Format::kParquet && to_stdout) {
      return Status::InvalidArgument(
          "--format parquet needs -o FILE (Parquet is not written to standard output)");
    }
    return Status::OK();
  }

  Status RunImpl() {
    BA_RETURN_IF_ERROR(ChooseFormat());
    if (opts_.path.empty()) return CatLog();
    BA_ASSIGN_OR_RETURN(bool is_dir, ctx_.env->IsDirectory(opts_.path));
    std::vector<std::string> files;
    if (is_dir) {
      BA_RETURN_IF_ERROR(CollectParquetFiles(ctx_.env, opts_.path, "", files));
      if (files.empty()) {
        return Status::NotFound(fmt::format("{}: no Parquet files in this directory", opts_.path));
      }
    } else {
      files.push_back(opts_.path);
    }
    if (format_ == Format::kParquet) {
      BA_ASSIGN_OR_RETURN(int96_micros_,
                          Int96ColumnsNeedingMicros(ctx_.env, files, SplitColumns(opts_.columns)));
    }
    BA_ASSIGN_OR_RETURN(output_, Output::Open(opts_.output));
    for (const auto& f : files) BA_RETURN_IF_ERROR(CatFile(f));
    return Finish();
  }

  Status Finish() {
    if (format_ == Format::kParquet) {
      if (!writer_) return Status::Internal("no writer");
      auto size = writer_->Close();
      writer_.reset();
      // A write error is the output's (it names the path).
      if (!size.ok()) return output_->status().ok() ? size.status() : output_->status();
    }
    return output_->Finish();
  }

  // The log's records (sealed and journal) in seq order, with `seq`.
  Status CatLog() {
    const std::string dir = ctx_.LogDir();
    BA_ASSIGN_OR_RETURN(auto all, parquet::DescribeColumns(log::AuditColumnSpecs()));
    std::vector<std::string> names = SplitColumns(opts_.columns);
    std::vector<size_t> cols;
    if (names.empty()) {
      for (size_t i = 0; i < all.size(); ++i) cols.push_back(i);
    }
    for (const auto& n : names) {
      auto it = std::find_if(all.begin(), all.end(), [&](const auto& d) { return d.name == n; });
      if (it == all.end()) {
        return Status::NotFound(fmt::format("{}: no column '{}' in the audit log", dir, n));
      }
      cols.push_back(static_cast<size_t>(it - all.begin()));
    }
    std::vector<const ColumnDescriptor*> descs;
    for (size_t c : cols) descs.push_back(&all[c]);
    // Everything that can refuse is checked before the output is opened, so
    // a refusal writes nothing (not even a CSV header).
    ScanOptions scan;
    std::optional<TimeZone> tz;
    if (LooksLikeDate(opts_.since) || LooksLikeDate(opts_.until)) {
      BA_ASSIGN_OR_RETURN(const Config* config, ctx_.LoadConfig());
      BA_ASSIGN_OR_RETURN(tz, TimeZone::Load(config->timezone));
    }
    BA_ASSIGN_OR_RETURN(scan.since_us, ParseBound("--since", opts_.since, tz));
    BA_ASSIGN_OR_RETURN(scan.until_us, ParseBound("--until", opts_.until, tz));
    BA_ASSIGN_OR_RETURN(bool exists, ctx_.env->IsDirectory(dir));
    if (!exists) {
      return Status::NotFound(fmt::format(
          "no audit log at {} (give the log with --log DIR or --data-dir DIR)", dir));
    }
    BA_ASSIGN_OR_RETURN(auto snap, LogSnapshot::Open(dir, ctx_.env));
    BA_ASSIGN_OR_RETURN(output_, Output::Open(opts_.output));
    BA_RETURN_IF_ERROR(Begin(dir, descs));
    std::vector<log::SeqRecord> batch;
    auto flush = [&]() -> Status {
      auto data = log::AuditColumns(batch);
      std::vector<ColumnVector> projected;
      for (size_t c : cols) projected.push_back(std::move(data[c]));
      BA_RETURN_IF_ERROR(Emit(descs, std::move(projected), batch.size()));
      batch.clear();
      return Status::OK();
    };
    BA_RETURN_IF_ERROR(snap->Scan(scan, [&](uint64_t seq, const SlotRecord& r) -> Status {
      batch.push_back(log::SeqRecord{seq, r});
      return batch.size() >= 65536 ? flush() : Status::OK();
    }));
    if (!batch.empty()) BA_RETURN_IF_ERROR(flush());
    return Finish();
  }

  // Prepares the output for columns `descs` (the writer, CSV header, keys).
  Status Begin(const std::string& source, const std::vector<const ColumnDescriptor*>& descs) {
    if (format_ == Format::kParquet) BA_RETURN_IF_ERROR(PrepareWriter(source, descs));
    keys_.clear();
    for (auto* d : descs) {
      std::string k;
      parquet::AppendJsonString(d->name, k);
      keys_.push_back(k + ":");
    }
    if (format_ == Format::kCsv && !csv_header_written_) {
      std::string line;
      for (size_t i = 0; i < descs.size(); ++i) {
        if (i) line += ',';
        ColumnVector v;
        v.type = parquet::Type::BYTE_ARRAY;
        v.offsets = {0};
        v.AppendByteArray(descs[i]->name);
        ColumnDescriptor text;
        text.type = parquet::Type::BYTE_ARRAY;
        text.kind = parquet::ValueKind::kString;
        parquet::AppendValue(text, v, 0, parquet::TextStyle::kCsv, line);
      }
      output_->Write(line + "\n");
      csv_header_written_ = true;
    }
    return Status::OK();
  }

  // Writes `rows` rows of the columns `descs`.
  Status Emit(const std::vector<const ColumnDescriptor*>& descs, std::vector<ColumnVector> data,
              size_t rows) {
    if (format_ == Format::kParquet) {
      std::vector<ColumnVector> conv;
      for (size_t i = 0; i < descs.size(); ++i) {
        conv.push_back(ConvertForWriting(*descs[i], std::move(data[i]),
                                         int96_micros_.count(descs[i]->name) > 0));
      }
      Status s = writer_->WriteRowGroup(conv);
      return s.ok() || output_->status().ok() ? s : output_->status();
    }
    WriteRows(descs, keys_, data, rows);
    return output_->status();  // stop at the first write error
  }

  Status CatFile(const std::string& path) {
    parquet::ReadOptions ro;
    ro.verify_page_crc = opts_.verify_checksums;
    BA_ASSIGN_OR_RETURN(auto reader, FileReader::Open(ctx_.env, path, ro));
    auto projected = reader->schema().Project(SplitColumns(opts_.columns));
    if (!projected.ok()) return projected.status().WithContext(path);
    const std::vector<size_t>& cols = *projected;
    std::vector<const ColumnDescriptor*> descs;
    for (size_t c : cols) descs.push_back(&reader->schema().column(c));

    BA_RETURN_IF_ERROR(Begin(path, descs));
    for (int rg = 0; rg < reader->num_row_groups(); ++rg) {
      auto data = reader->ReadRowGroup(rg, cols);
      if (!data.ok()) return data.status();
      BA_RETURN_IF_ERROR(
          Emit(descs, std::move(*data), static_cast<size_t>(reader->row_group_num_rows(rg))));
    }
    return Status::OK();
  }

  void WriteRows(const std::vector<const ColumnDescriptor*>& descs,
                 const std::vector<std::string>& keys, const std::vector<ColumnVector>& data,
                 size_t rows) {
    const bool json = format_ == Format::kJsonLines;
    const auto style = json ? parquet::TextStyle::kJson : parquet::TextStyle::kCsv;
    std::vector<size_t> cursor(descs.size(), 0);
    std::string& out = output_->buffer();
    for (size_t r = 0; r < rows; ++r) {
      if (json) out += '{';
      for (size_t c = 0; c < descs.size(); ++c) {
        if (c) out += ',';
        if (json) out += keys[c];
        const ColumnVector& v = data[c];
        if (v.defined.empty() || v.defined[r]) {
          parquet::AppendValue(*descs[c], v, cursor[c]++, style, out);
        } else if (json) {
          out += "null";
        }
      }
      out += json ? "}\n" : "\n";
      output_->MaybeFlush();
    }
  }

  Status PrepareWriter(const std::string& path, const std::vector<const ColumnDescriptor*>& descs) {
    std::vector<parquet::ColumnSpec> specs;
    for (auto* d : descs) {
      specs.push_back(parquet::SpecFromDescriptor(*d, int96_micros_.count(d->name) > 0));
    }
    if (writer_) {
      if (!SameSpecs(specs, specs_)) {
        return Status::InvalidArgument(fmt::format(
            "{}: its columns differ from the first file's; cannot write them into one Parquet file",
            path));
      }
      return Status::OK();
    }
    specs_ = specs;
    parquet::WriterOptions wo;
    auto writer = parquet::FileWriter::Open(output_->NewWritableFile(), specs, wo);
    if (!writer.ok()) return output_->status().ok() ? writer.status() : output_->status();
    writer_ = std::move(*writer);
    return Status::OK();
  }

  Context& ctx_;
  const CatOptions& opts_;
  Format format_ = Format::kJsonLines;
  std::unique_ptr<Output> output_;
  std::unique_ptr<parquet::FileWriter> writer_;
  std::vector<parquet::ColumnSpec> specs_;
  bool csv_header_written_ = false;
  std::set<std::string> int96_micros_;
  std::vector<std::string> keys_;  // JSON keys of the current columns
};

}  // namespace

// Where -o writes (both commands): a regular file is written beside it
// and renamed into place on success (a failure leaves it as it was); a
// link is followed; a pipe or device is written in place.
constexpr const char* kOutputHelp =
    "The file to write ('-': standard output, csv or jsonl). The format follows the extension "
    "(.parquet, .csv, .jsonl) unless --format names it. A file is written beside its name and "
    "renamed into place when complete; a pipe or device is written in place";

void SetupExport(CLI::App& app, Context& ctx, Action& action) {
  auto opts = std::make_shared<CatOptions>();
  CLI::App* cmd = app.add_subcommand(
      "export",
      "Write the log's records (sealed and journal, in seq order, with seq) as one Parquet, CSV "
      "or JSON-lines file, optionally only a time range.\n"
      "Example: budget-audit export -o june.csv --since 2026-06-01 --until 2026-07-01");
  cmd->add_option("--format", opts->format,
                  "parquet, csv or jsonl (default: from the -o name's extension)")
      ->check(CLI::IsMember({"parquet", "csv", "jsonl"}));
  cmd->add_option("-o,--output", opts->output, kOutputHelp)->required();
  cmd->add_option("--since", opts->since,
                  "Only records at or after this instant: ISO-8601 with an offset "
                  "(2026-06-01T00:00:00+02:00), or a date: its midnight in the site's time zone "
                  "(--timezone)");
  cmd->add_option("--until", opts->until, "Only records before this instant (same forms as --since)");
  cmd->callback([&ctx, &action, opts]() {
    action = [&ctx, opts]() { return Cat(ctx, *opts).Run(); };
  });
}

void SetupCat(CLI::App& app, Context& ctx, Action& action) {
  auto opts = std::make_shared<CatOptions>();
  CLI::App* cmd = app.add_subcommand(
      "cat", "Print the rows of a flat Parquet file (or of every Parquet file under a directory, "
             "in name order, or of the log) as JSON lines, or re-encode them with -o.");
  cmd->add_option("PATH", opts->path,
                  "Parquet file or directory; without it, the records of the log (--log / "
                  "--data-dir), sealed and journal, in seq order");
  cmd->add_option("--columns", opts->columns, "Comma-separated column names to read (default: all)");
  cmd->add_option("-o,--output", opts->output, kOutputHelp);
  cmd->add_option("--format", opts->format,
                  "parquet, csv or jsonl (default: from the -o name's extension; jsonl on "
                  "standard output)")
      ->check(CLI::IsMember({"parquet", "csv", "jsonl"}));
  cmd->add_flag("--verify-checksums", opts->verify_checksums,
                "Check every page's CRC-32 where the writer stored one (a mismatch is an error)");
  cmd->callback([&ctx, &action, opts]() {
    action = [&ctx, opts]() { return Cat(ctx, *opts).Run(); };
  });
}

}  // namespace budget_audit::cli
