// Exports (budget_audit/export.h): the log's records or Parquet files' rows
// as Parquet (through our writer), CSV or JSON lines, into a WritableFile
// or, through io::OutputFile, into a path.
#include "budget_audit/export.h"

#include <algorithm>
#include <set>
#include <span>

#include <fmt/format.h>

#include "io/output_file.h"
#include "log/slot_parquet.h"
#include "parquet/dataset.h"
#include "parquet/file_reader.h"
#include "parquet/file_writer.h"
#include "parquet/value_format.h"

namespace budget_audit {
namespace {

using parquet::ColumnDescriptor;
using parquet::ColumnVector;
using parquet::FileReader;

bool IsStdout(const std::string& path) { return path.empty() || path == "-"; }

Status CheckTarget(const ExportOptions& options, const std::string& path) {
  if (options.format == ExportFormat::kParquet && IsStdout(path)) {
    return Status::InvalidArgument("Parquet is not written to standard output; give a file");
  }
  return Status::OK();
}

// The caller's file, borrowed: its first error is kept (later writes are
// dropped and give it again), so the error returned is the file's own
// (which names its path), not a wrapper's. Text is gathered here and
// appended in blocks of 64 KiB.
class Sink {
 public:
  explicit Sink(WritableFile* file) : file_(file) {}

  Status Append(std::span<const uint8_t> data) {
    if (error_.ok()) error_ = file_->Append(data);
    return error_;
  }
  std::string& buffer() { return buf_; }  // append directly, then MaybeFlush()
  void MaybeFlush() {
    // An error is kept in error_, and stops the export at its next check.
    if (buf_.size() >= (1u << 16)) Flush().IgnoreError();
  }
  void Write(std::string_view s) {
    buf_ += s;
    MaybeFlush();
  }
  Status Flush() {
    if (!buf_.empty()) {
      Append(std::span(reinterpret_cast<const uint8_t*>(buf_.data()), buf_.size())).IgnoreError();
      buf_.clear();
    }
    return error_;
  }
  // The first error of the file (OK if none).
  const Status& status() const { return error_; }
  // `s`, unless the file failed first: then the file's error.
  Status Prefer(Status s) const { return s.ok() || error_.ok() ? s : error_; }
  const std::string& path() const { return file_->path(); }

 private:
  WritableFile* file_;
  std::string buf_;
  Status error_;
};

// What the Parquet writer writes to: the sink (its Sync and Close are the
// caller's business, done on the file itself).
class SinkFile : public WritableFile {
 public:
  explicit SinkFile(Sink* sink) : sink_(sink) {}
  Status Append(std::span<const uint8_t> data) override { return sink_->Append(data); }
  Status Sync() override { return sink_->status(); }
  Status Truncate(uint64_t) override {
    return Status::NotSupported(fmt::format("{}: an output cannot be truncated", sink_->path()));
  }
  Status Close() override { return sink_->status(); }
  const std::string& path() const override { return sink_->path(); }

 private:
  Sink* sink_;
};

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
    out.i64[i] = micros ? parquet::Int96ToTime(v.FixedAt(i)).micros : *parquet::Int96ToNanos(v.FixedAt(i));
  }
  return out;
}

// Names of INT96 columns (of the projection) to write as microseconds: with
// kNanosUnlessOutOfRange, those holding a value outside the nanosecond range
// in any of `files`; with kMicros, all of them.
Result<std::set<std::string>> Int96ColumnsAsMicros(Env* env, const std::vector<std::string>& files,
                                                   const ExportOptions& options) {
  std::set<std::string> out;
  const bool all = options.int96 == Int96Conversion::kMicros;
  for (const auto& f : files) {
    BA_ASSIGN_OR_RETURN(auto reader, FileReader::Open(env, f));
    auto cols = reader->schema().Project(options.columns);
    if (!cols.ok()) return cols.status().WithContext(f);
    for (size_t c : *cols) {
      const ColumnDescriptor& d = reader->schema().column(c);
      if (d.type != parquet::Type::INT96 || out.count(d.name)) continue;
      if (all) {
        out.insert(d.name);
        continue;
      }
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
        a[i].logical_type.kind != b[i].logical_type.kind || a[i].converted_type != b[i].converted_type) {
      return false;
    }
  }
  return true;
}

// Writes rows of one or more sources (each with its columns' descriptors)
// in one format into a sink: Begin() per source, Emit() per batch, Finish().
class Writer {
 public:
  Writer(ExportFormat format, Sink* sink, std::set<std::string> int96_micros)
      : format_(format), sink_(sink), int96_micros_(std::move(int96_micros)) {}

  // Prepares for the columns `descs` of `source` (the writer, CSV header,
  // JSON keys).
  Status Begin(const std::string& source, const std::vector<const ColumnDescriptor*>& descs) {
    if (format_ == ExportFormat::kParquet) BA_RETURN_IF_ERROR(PrepareWriter(source, descs));
    keys_.clear();
    for (auto* d : descs) {
      std::string k;
      parquet::AppendJsonString(d->name, k);
      keys_.push_back(k + ":");
    }
    if (format_ == ExportFormat::kCsv && !csv_header_written_) {
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
      sink_->Write(line + "\n");
      csv_header_written_ = true;
    }
    return Status::OK();
  }

  // Writes `rows` rows of the columns `descs`.
  Status Emit(const std::vector<const ColumnDescriptor*>& descs, std::vector<ColumnVector> data,
              size_t rows) {
    if (format_ == ExportFormat::kParquet) {
      std::vector<ColumnVector> conv;
      for (size_t i = 0; i < descs.size(); ++i) {
        conv.push_back(
            ConvertForWriting(*descs[i], std::move(data[i]), int96_micros_.count(descs[i]->name) > 0));
      }
      return sink_->Prefer(writer_->WriteRowGroup(conv));
    }
    WriteRows(descs, data, rows);
    return sink_->status();  // stop at the first write error
  }

  // The Parquet footer, or the last text.
  Status Finish() {
    if (format_ == ExportFormat::kParquet) {
      if (!writer_) return Status::Internal("no writer");
      auto size = writer_->Close();
      writer_.reset();
      // A write error is the file's (it names the path).
      if (!size.ok()) return sink_->Prefer(size.status());
    }
    return sink_->Flush();
  }

 private:
  void WriteRows(const std::vector<const ColumnDescriptor*>& descs, const std::vector<ColumnVector>& data,
                 size_t rows) {
    const bool json = format_ == ExportFormat::kJsonLines;
    const auto style = json ? parquet::TextStyle::kJson : parquet::TextStyle::kCsv;
    std::vector<size_t> cursor(descs.size(), 0);
    std::string& out = sink_->buffer();
    for (size_t r = 0; r < rows; ++r) {
      if (json) out += '{';
      for (size_t c = 0; c < descs.size(); ++c) {
        if (c) out += ',';
        if (json) out += keys_[c];
        const ColumnVector& v = data[c];
        if (v.defined.empty() || v.defined[r]) {
          parquet::AppendValue(*descs[c], v, cursor[c]++, style, out);
        } else if (json) {
          out += "null";
        }
      }
      out += json ? "}\n" : "\n";
      sink_->MaybeFlush();
    }
  }

  Status PrepareWriter(const std::string& source, const std::vector<const ColumnDescriptor*>& descs) {
    std::vector<parquet::ColumnSpec> specs;
    for (auto* d : descs) {
      specs.push_back(parquet::SpecFromDescriptor(*d, int96_micros_.count(d->name) > 0));
    }
    if (writer_) {
      if (!SameSpecs(specs, specs_)) {
        return Status::InvalidArgument(fmt::format(
            "{}: its columns differ from the first file's; cannot write them into one Parquet file", source));
      }
      return Status::OK();
    }
    specs_ = specs;
    parquet::WriterOptions wo;
    auto writer = parquet::FileWriter::Open(std::make_unique<SinkFile>(sink_), specs, wo);
    if (!writer.ok()) return sink_->Prefer(writer.status());
    writer_ = std::move(*writer);
    return Status::OK();
  }

  ExportFormat format_;
  Sink* sink_;
  std::set<std::string> int96_micros_;
  std::unique_ptr<parquet::FileWriter> writer_;
  std::vector<parquet::ColumnSpec> specs_;
  bool csv_header_written_ = false;
  std::vector<std::string> keys_;  // JSON keys of the current columns
};

// The audit schema's descriptors and the indexes of the selected columns.
struct LogColumns {
  std::vector<ColumnDescriptor> all;
  std::vector<size_t> selected;
};

Result<LogColumns> SelectLogColumns(const ExportOptions& options) {
  LogColumns c;
  BA_ASSIGN_OR_RETURN(c.all, parquet::DescribeColumns(log::AuditColumnSpecs()));
  if (options.columns.empty()) {
    for (size_t i = 0; i < c.all.size(); ++i) c.selected.push_back(i);
  }
  for (const auto& n : options.columns) {
    auto it = std::find_if(c.all.begin(), c.all.end(), [&](const auto& d) { return d.name == n; });
    if (it == c.all.end()) {
      return Status::NotFound(fmt::format("no column '{}' in the audit log", n));
    }
    c.selected.push_back(static_cast<size_t>(it - c.all.begin()));
  }
  return c;
}

Status WriteSnapshot(const LogSnapshot& snap, const ExportOptions& options, const LogColumns& cols,
                     Sink& sink) {
  std::vector<const ColumnDescriptor*> descs;
  for (size_t c : cols.selected) descs.push_back(&cols.all[c]);
  Writer writer(options.format, &sink, {});
  BA_RETURN_IF_ERROR(writer.Begin("the audit log", descs));
  ScanOptions scan;
  scan.since_us = options.since_us;
  scan.until_us = options.until_us;
  // Batches of 2^16 records: the row groups of a Parquet export.
  std::vector<log::SeqRecord> batch;
  auto flush = [&]() -> Status {
    auto data = log::AuditColumns(batch);
    std::vector<ColumnVector> projected;
    for (size_t c : cols.selected) projected.push_back(std::move(data[c]));
    BA_RETURN_IF_ERROR(writer.Emit(descs, std::move(projected), batch.size()));
    batch.clear();
    return Status::OK();
  };
  BA_RETURN_IF_ERROR(snap.Scan(scan, [&](uint64_t seq, const SlotRecord& r) -> Status {
    batch.push_back(log::SeqRecord{seq, r});
    return batch.size() >= 65536 ? flush() : Status::OK();
  }));
  if (!batch.empty()) BA_RETURN_IF_ERROR(flush());
  return writer.Finish();
}

Status CheckFilesExport(const ExportOptions& options) {
  if (options.since_us || options.until_us) {
    return Status::InvalidArgument("a time range applies to the log's records, not to Parquet files");
  }
  return Status::OK();
}

Status WriteFiles(Env* env, const std::vector<std::string>& files, const ExportOptions& options,
                  std::set<std::string> int96_micros, Sink& sink) {
  Writer writer(options.format, &sink, std::move(int96_micros));
  for (const auto& path : files) {
    parquet::ReadOptions ro;
    ro.verify_page_crc = options.verify_page_checksums;
    BA_ASSIGN_OR_RETURN(auto reader, FileReader::Open(env, path, ro));
    auto projected = reader->schema().Project(options.columns);
    if (!projected.ok()) return projected.status().WithContext(path);
    const std::vector<size_t>& cols = *projected;
    std::vector<const ColumnDescriptor*> descs;
    for (size_t c : cols) descs.push_back(&reader->schema().column(c));

    BA_RETURN_IF_ERROR(writer.Begin(path, descs));
    for (int rg = 0; rg < reader->num_row_groups(); ++rg) {
      auto data = reader->ReadRowGroup(rg, cols);
      if (!data.ok()) return data.status();
      BA_RETURN_IF_ERROR(
          writer.Emit(descs, std::move(*data), static_cast<size_t>(reader->row_group_num_rows(rg))));
    }
  }
  return writer.Finish();
}

// Writes through `out` and publishes it; on failure `out` is abandoned by
// its destructor (the target as it was).
template <typename Write>
Status ToPath(const std::string& path, const Write& write) {
  BA_ASSIGN_OR_RETURN(auto out, io::OutputFile::Open(path));
  Sink sink(out.get());
  BA_RETURN_IF_ERROR(write(sink));
  return out->Finish();
}

}  // namespace

std::optional<ExportFormat> ExportFormatFromName(std::string_view name) {
  if (name == "parquet") return ExportFormat::kParquet;
  if (name == "csv") return ExportFormat::kCsv;
  if (name == "jsonl") return ExportFormat::kJsonLines;
  return std::nullopt;
}

std::optional<ExportFormat> ExportFormatFromPath(std::string_view path) {
  if (path.ends_with(".parquet")) return ExportFormat::kParquet;
  if (path.ends_with(".csv")) return ExportFormat::kCsv;
  if (path.ends_with(".jsonl") || path.ends_with(".json") || path.ends_with(".ndjson")) {
    return ExportFormat::kJsonLines;
  }
  return std::nullopt;
}

Status CheckSnapshotExport(const ExportOptions& options) { return SelectLogColumns(options).status(); }

Status ExportSnapshot(const LogSnapshot& snap, const ExportOptions& options, WritableFile* file) {
  BA_ASSIGN_OR_RETURN(LogColumns cols, SelectLogColumns(options));
  Sink sink(file);
  return WriteSnapshot(snap, options, cols, sink);
}

Status ExportSnapshotToPath(const LogSnapshot& snap, const ExportOptions& options, const std::string& path) {
  BA_ASSIGN_OR_RETURN(LogColumns cols, SelectLogColumns(options));
  BA_RETURN_IF_ERROR(CheckTarget(options, path));
  return ToPath(path, [&](Sink& sink) { return WriteSnapshot(snap, options, cols, sink); });
}

Result<std::vector<std::string>> FindParquetFiles(const std::string& path, Env* env) {
  if (!env) env = Env::Default();
  BA_ASSIGN_OR_RETURN(bool is_dir, env->IsDirectory(path));
  std::vector<std::string> files;
  if (!is_dir) {
    files.push_back(path);
    return files;
  }
  BA_RETURN_IF_ERROR(parquet::ListParquetFiles(env, path, files));
  if (files.empty()) {
    return Status::NotFound(fmt::format("{}: no Parquet files in this directory", path));
  }
  return files;
}

Status ExportParquetFiles(const std::vector<std::string>& files, const ExportOptions& options,
                          WritableFile* file, Env* env) {
  if (!env) env = Env::Default();
  BA_RETURN_IF_ERROR(CheckFilesExport(options));
  std::set<std::string> micros;
  if (options.format == ExportFormat::kParquet) {
    BA_ASSIGN_OR_RETURN(micros, Int96ColumnsAsMicros(env, files, options));
  }
  Sink sink(file);
  return WriteFiles(env, files, options, std::move(micros), sink);
}

Status ExportParquetFilesToPath(const std::vector<std::string>& files, const ExportOptions& options,
                                const std::string& path, Env* env) {
  if (!env) env = Env::Default();
  BA_RETURN_IF_ERROR(CheckFilesExport(options));
  BA_RETURN_IF_ERROR(CheckTarget(options, path));
  // The INT96 columns are looked at before the target is opened: a file
  // that cannot be read leaves every target as it was.
  std::set<std::string> micros;
  if (options.format == ExportFormat::kParquet) {
    BA_ASSIGN_OR_RETURN(micros, Int96ColumnsAsMicros(env, files, options));
  }
  return ToPath(path, [&](Sink& sink) { return WriteFiles(env, files, options, std::move(micros), sink); });
}

Result<std::unique_ptr<WritableFile>> NewOutputFile(const std::string& path) {
  BA_ASSIGN_OR_RETURN(auto out, io::OutputFile::Open(path));
  return std::unique_ptr<WritableFile>(std::move(out));
}

}  // namespace budget_audit
