#include "cli/output.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

namespace govmail::cli {
namespace {

std::size_t display_width(const std::string& text) {
    return static_cast<std::size_t>(std::ranges::count_if(text, [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

}  // namespace

void add_format_option(CLI::App* command, Format& format) {
    static const std::map<std::string, Format> kFormats{
        {"table", Format::Table}, {"json", Format::Json}, {"csv", Format::Csv}};
    command->add_option("--format", format, "output: table (default), json or csv")
        ->transform(CLI::CheckedTransformer(kFormats, CLI::ignore_case));
}

std::string csv_field(const std::string& value) {
    if (value.find_first_of(",\"\r\n") == std::string::npos) {
        return value;
    }
    std::string out = "\"";
    for (char c : value) {
        if (c == '"') {
            out += '"';
        }
        out += c;
    }
    return out + "\"";
}

void print(const Table& table, Format format) {
    std::string out;
    switch (format) {
        case Format::Json: {
            nlohmann::ordered_json array = nlohmann::ordered_json::array();
            for (const auto& row : table.rows) {
                nlohmann::ordered_json object = nlohmann::ordered_json::object();
                for (std::size_t i = 0; i < table.columns.size() && i < row.size(); ++i) {
                    object[table.columns[i]] = row[i];
                }
                array.push_back(std::move(object));
            }
            out = array.dump(2) + "\n";
            break;
        }
        case Format::Csv: {
            auto line = [&](const std::vector<std::string>& fields) {
                for (std::size_t i = 0; i < fields.size(); ++i) {
                    out += (i ? "," : "") + csv_field(fields[i]);
                }
                out += "\r\n";
            };
            line(table.columns);
            for (const auto& row : table.rows) {
                line(row);
            }
            break;
        }
        case Format::Table: {
            std::vector<std::size_t> widths;
            for (const auto& c : table.columns) {
                widths.push_back(display_width(c));
            }
            for (const auto& row : table.rows) {
                for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) {
                    widths[i] = std::max(widths[i], display_width(row[i]));
                }
            }
            auto line = [&](const std::vector<std::string>& fields) {
                std::string text;
                for (std::size_t i = 0; i < fields.size(); ++i) {
                    text += fields[i];
                    if (i + 1 < fields.size()) {
                        text += std::string(widths[i] - display_width(fields[i]) + 2, ' ');
                    }
                }
                out += text + "\n";
            };
            std::vector<std::string> header;
            for (const auto& c : table.columns) {
                std::string upper = c;
                std::ranges::transform(upper, upper.begin(), [](char ch) {
                    return ch == '_' ? ' ' : static_cast<char>(std::toupper(ch));
                });
                header.push_back(upper);
            }
            line(header);
            for (const auto& row : table.rows) {
                line(row);
            }
            break;
        }
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
}

}  // namespace govmail::cli
