#pragma once
// How govmailctl prints records: an aligned table for people (default), JSON (an array of
// objects with stable, snake_case field names) or CSV (RFC 4180, a header row) for scripts.
//
//     Table t{{"address", "name", "unit"}};
//     t.rows.push_back({"thanhnn.stttt@example.gov.vn", "Nguyễn Ngọc Thanh", "000.00.15.H29"});
//     print(t, format);                       // format from add_format_option()
//
// Table widths count characters (UTF-8 code points), so Vietnamese names line up.

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace govmail::cli {

enum class Format { Table, Json, Csv };

struct Table {
    std::vector<std::string> columns;
    std::vector<std::vector<std::string>> rows;
};

// Adds "--format table|json|csv" to `command`.
void add_format_option(CLI::App* command, Format& format);

// Writes `table` to standard output in `format`.
void print(const Table& table, Format format);

// RFC 4180 field quoting (used for CSV output and credentials files).
std::string csv_field(const std::string& value);

}  // namespace govmail::cli
