#include "tests/mime/mime_test_util.hpp"

#include "mime/content.hpp"
#include "tests/support/process.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace govmail::mime::test {

std::filesystem::path corpus_dir() {
    return govmail::test::source_dir() / "tests" / "mime" / "corpus";
}

std::string load_corpus(const std::string& name) {
    std::ifstream in(corpus_dir() / name, std::ios::binary);
    EXPECT_TRUE(in.good()) << "cannot open corpus file " << name;
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

std::vector<std::string> corpus_files() {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(corpus_dir())) {
        if (entry.path().extension() == ".eml") {
            names.push_back(entry.path().filename().string());
        }
    }
    std::sort(names.begin(), names.end());
    return names;
}

std::string_view fetch(std::string_view raw, const MessageInfo& info, const std::string& spec) {
    if (spec.empty()) {
        return raw;
    }
    if (spec == "HEADER") {
        return info.header.slice(raw);
    }
    if (spec == "TEXT") {
        return info.text.slice(raw);
    }
    std::string section = spec;
    std::string suffix;
    for (const std::string_view s : {".MIME", ".HEADER", ".TEXT"}) {
        if (section.ends_with(s)) {
            suffix = s;
            section.resize(section.size() - s.size());
        }
    }
    const Part* part = info.find_part(section);
    if (part == nullptr) {
        ADD_FAILURE() << "no part " << section;
        return {};
    }
    if (suffix.empty()) {
        return part->body.slice(raw);
    }
    if (suffix == ".MIME") {
        return part->header.slice(raw);
    }
    if (!part->is_message()) {
        ADD_FAILURE() << spec << ": part " << section << " is not message/rfc822";
        return {};
    }
    return suffix == ".HEADER" ? part->message_header->slice(raw) : part->message_text->slice(raw);
}

namespace {

bool inside(const Range& inner, const Range& outer) {
    return inner.offset >= outer.offset && inner.end() <= outer.end();
}

std::string parent_section(const std::string& section) {
    const auto dot = section.rfind('.');
    return dot == std::string::npos ? std::string() : section.substr(0, dot);
}

bool well_formed_section(const std::string& section) {
    if (section.empty() || section.front() == '.' || section.back() == '.') {
        return false;
    }
    for (std::size_t i = 0; i < section.size(); ++i) {
        const char c = section[i];
        if (c == '.') {
            if (section[i + 1] == '.' || section[i + 1] == '0') {
                return false;
            }
        } else if (c < '0' || c > '9') {
            return false;
        }
    }
    return section.front() != '0';
}

}  // namespace

void expect_consistent(std::string_view raw, const MessageInfo& info) {
    EXPECT_EQ(info.size, raw.size());
    EXPECT_EQ(info.lines, static_cast<std::uint64_t>(std::count(raw.begin(), raw.end(), '\n')));
    EXPECT_EQ(info.header.offset, 0u);
    EXPECT_EQ(info.header.end(), info.text.offset);
    EXPECT_EQ(info.text.end(), raw.size());
    ASSERT_FALSE(info.parts.empty());
    EXPECT_EQ(info.parts.front().section, "1");
    const Range whole{0, raw.size()};
    for (std::size_t i = 0; i < info.parts.size(); ++i) {
        const Part& p = info.parts[i];
        SCOPED_TRACE("part " + p.section);
        EXPECT_TRUE(well_formed_section(p.section)) << p.section;
        EXPECT_TRUE(inside(p.header, whole));
        EXPECT_TRUE(inside(p.body, whole));
        EXPECT_EQ(p.header.end(), p.body.offset) << "a part's body follows its header";
        const std::string_view body = p.body.slice(raw);
        EXPECT_EQ(p.lines, static_cast<std::uint64_t>(std::count(body.begin(), body.end(), '\n')));
        const auto decoded = decode_part_body(raw, p);
        EXPECT_EQ(decoded.has_value(), p.decoded_size.has_value());
        if (decoded && p.decoded_size) {
            EXPECT_EQ(decoded->size(), *p.decoded_size);
        }
        EXPECT_FALSE(p.type.empty());
        EXPECT_FALSE(p.subtype.empty());
        if (p.is_message()) {
            EXPECT_EQ(p.message_header->offset, p.body.offset);
            EXPECT_EQ(p.message_header->end(), p.message_text->offset);
            EXPECT_EQ(p.message_text->end(), p.body.end());
        }
        // The part lies inside its parent: the enclosing part's body, or the message's text.
        const std::string parent = parent_section(p.section);
        if (parent.empty()) {
            if (!(p.section == "1" && p.header == info.header)) {
                EXPECT_TRUE(inside(p.header, info.text));
                EXPECT_TRUE(inside(p.body, info.text));
            }
        } else {
            const Part* up = info.find_part(parent);
            ASSERT_NE(up, nullptr) << "parent " << parent;
            EXPECT_TRUE(up->is_multipart() || up->is_message());
            const Range& container = up->is_message() ? *up->message_text : up->body;
            const bool body_of_message = up->is_message() && p.header == *up->message_header;
            if (!body_of_message) {
                EXPECT_TRUE(inside(p.header, container));
                EXPECT_TRUE(inside(p.body, container));
            }
        }
        // Siblings come in document order and do not overlap.
        for (std::size_t j = i + 1; j < info.parts.size(); ++j) {
            const Part& q = info.parts[j];
            if (parent_section(q.section) == parent) {
                EXPECT_GE(q.header.offset, p.body.end()) << "sibling " << q.section;
                break;
            }
        }
    }
}

namespace {

class SyntaxChecker {
public:
    explicit SyntaxChecker(std::string_view s)
        : s_(s) {}

    std::string check() {
        if (!list()) {
            return error_ + " at " + std::to_string(pos_);
        }
        if (pos_ != s_.size()) {
            return "trailing bytes at " + std::to_string(pos_);
        }
        return {};
    }

private:
    bool fail(std::string message) {
        error_ = std::move(message);
        return false;
    }

    bool list() {
        if (pos_ >= s_.size() || s_[pos_] != '(') {
            return fail("expected '('");
        }
        ++pos_;
        bool first = true;
        for (;;) {
            if (pos_ >= s_.size()) {
                return fail("unterminated list");
            }
            if (s_[pos_] == ')') {
                ++pos_;
                return true;
            }
            // Elements are separated by one space, except that lists may follow each other
            // directly inside a multipart body ("(...)(...)").
            if (!first && s_[pos_] == ' ') {
                ++pos_;
            } else if (!first && s_[pos_] != '(') {
                return fail("expected separator");
            }
            first = false;
            if (!element()) {
                return false;
            }
        }
    }

    bool element() {
        if (pos_ >= s_.size()) {
            return fail("missing element");
        }
        const char c = s_[pos_];
        if (c == '(') {
            return list();
        }
        if (c == '"') {
            ++pos_;
            while (pos_ < s_.size() && s_[pos_] != '"') {
                const auto u = static_cast<unsigned char>(s_[pos_]);
                if (u == 0 || u >= 0x80 || u == '\r' || u == '\n') {
                    return fail("byte not allowed in a quoted string");
                }
                if (s_[pos_] == '\\') {
                    ++pos_;
                    if (pos_ >= s_.size() || (s_[pos_] != '"' && s_[pos_] != '\\')) {
                        return fail("bad escape");
                    }
                }
                ++pos_;
            }
            if (pos_ >= s_.size()) {
                return fail("unterminated quoted string");
            }
            ++pos_;
            return true;
        }
        if (c == '{') {
            const std::size_t close = s_.find('}', pos_);
            if (close == std::string_view::npos || s_.substr(close + 1, 2) != "\r\n") {
                return fail("bad literal");
            }
            const std::string_view digits = s_.substr(pos_ + 1, close - pos_ - 1);
            if (digits.empty() || digits.size() > 9 ||
                digits.find_first_not_of("0123456789") != std::string_view::npos) {
                return fail("bad literal length");
            }
            const std::size_t n = std::stoul(std::string(digits));
            pos_ = close + 3;
            if (pos_ + n > s_.size()) {
                return fail("literal longer than the data");
            }
            if (s_.substr(pos_, n).find('\0') != std::string_view::npos) {
                return fail("NUL in literal");
            }
            pos_ += n;
            return true;
        }
        if (s_.substr(pos_).starts_with("NIL")) {
            pos_ += 3;
            return true;
        }
        if (c >= '0' && c <= '9') {
            while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') {
                ++pos_;
            }
            return true;
        }
        return fail(std::string("unexpected byte '") + c + "'");
    }

    std::string_view s_;
    std::size_t pos_ = 0;
    std::string error_;
};

}  // namespace

std::string imap_syntax_error(std::string_view s) {
    return SyntaxChecker(s).check();
}

}  // namespace govmail::mime::test
