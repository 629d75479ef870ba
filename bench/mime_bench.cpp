// Parse-once costs: analyze() at delivery for a typical 4 KB message and a 100 KB message with an
// attachment, and what FETCH pays per message afterwards (MessageInfoView::parse for ENVELOPE /
// BODYSTRUCTURE, MessageInfo::deserialize for BODY[section]), plus the search key text::fold().
//   build/bin/mime_bench --benchmark_min_time=1

#include "core/text/text.hpp"
#include "mime/analyze.hpp"
#include "mime/content.hpp"
#include "mime/message_info.hpp"

#include <benchmark/benchmark.h>
#include <string>

namespace {

using govmail::mime::MessageInfo;
using govmail::mime::MessageInfoView;

const std::string kVietnamese =
    "K\u00EDnh g\u1EEDi c\u00E1c \u0111\u1ED3ng ch\u00ED, S\u1EDF Th\u00F4ng tin v\u00E0 "
    "Truy\u1EC1n th\u00F4ng th\u00F4ng b\u00E1o l\u1ECBch h\u1ECDp giao ban tu\u1EA7n v\u1EC1 "
    "vi\u1EC7c tri\u1EC3n khai h\u1EC7 th\u1ED1ng th\u01B0 \u0111i\u1EC7n t\u1EED c\u00F4ng "
    "v\u1EE5 cho c\u00E1n b\u1ED9, c\u00F4ng ch\u1EE9c. ";

std::string headers(const std::string& content_type) {
    return "Return-Path: <an.nguyen@stttt.example.gov.vn>\r\n"
           "Received: from mx.ubnd.example.gov.vn (mx.ubnd.example.gov.vn [10.1.2.3])\r\n"
           "\tby mail.stttt.example.gov.vn with ESMTPS id 4Tq2; Fri, 1 Mar 2024 08:30:01 +0700\r\n"
           "Message-ID: <20240301.083000.1@stttt.example.gov.vn>\r\n"
           "Date: Fri, 1 Mar 2024 08:30:00 +0700\r\n"
           "From: =?utf-8?B?Tmd1eeG7hW4gVsSDbiBBbg==?= <an.nguyen@stttt.example.gov.vn>\r\n"
           "To: =?utf-8?Q?Tr=E1=BA=A7n_Th=E1=BB=8B_B=C3=ACnh?= <binh.tran@ubnd.example.gov.vn>,\r\n"
           " chi.le@ubnd.example.gov.vn, \"Phong TCHC\" <tchc@ubnd.example.gov.vn>\r\n"
           "Subject: =?utf-8?B?VGjDtG5nIGLDoW8gbOG7i2NoIGjhu41wIGdpYW8gYmFuIHR14bqnbg==?=\r\n"
           "MIME-Version: 1.0\r\n"
           "Content-Type: " +
           content_type + "\r\n\r\n";
}

// A multipart/alternative of about 4 KB: Vietnamese text in quoted-printable and HTML.
std::string message_4k() {
    std::string text;
    while (text.size() < 1200) {
        text += kVietnamese;
    }
    std::string qp;
    std::size_t column = 0;
    for (const unsigned char c : text) {
        if (c >= 0x80 || c == '=') {
            static constexpr char kHex[] = "0123456789ABCDEF";
            qp += '=';
            qp += kHex[c >> 4];
            qp += kHex[c & 15];
            column += 3;
        } else {
            qp += static_cast<char>(c);
            ++column;
        }
        if (column >= 72) {
            qp += "=\r\n";
            column = 0;
        }
    }
    std::string raw = headers("multipart/alternative; boundary=\"alt-boundary\"");
    raw +=
        "--alt-boundary\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n" +
        qp +
        "\r\n--alt-boundary\r\nContent-Type: text/html; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n<html><body><p>" +
        text.substr(0, 1000) + "</p></body></html>\r\n--alt-boundary--\r\n";
    return raw;
}

// A multipart/mixed of about 100 KB: a text part and a base64 PDF-like attachment.
std::string message_100k() {
    std::string raw = headers("multipart/mixed; boundary=\"mixed-boundary\"");
    raw +=
        "--mixed-boundary\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n" +
        kVietnamese + "\r\n" + kVietnamese +
        "\r\n--mixed-boundary\r\nContent-Type: application/pdf; name=\"bao-cao.pdf\"\r\n"
        "Content-Transfer-Encoding: base64\r\n"
        "Content-Disposition: attachment;\r\n"
        " filename*=utf-8''B%C3%A1o%20c%C3%A1o%20tu%E1%BA%A7n.pdf\r\n\r\n";
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::uint32_t seed = 12345;
    while (raw.size() < 100 * 1024) {
        for (int i = 0; i < 76; ++i) {
            seed = seed * 1103515245 + 12345;
            raw += kAlphabet[(seed >> 16) & 63];
        }
        raw += "\r\n";
    }
    raw += "--mixed-boundary--\r\n";
    return raw;
}

void BM_Analyze4K(benchmark::State& state) {
    const std::string raw = message_4k();
    for (auto _ : state) {
        benchmark::DoNotOptimize(govmail::mime::analyze(raw));
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * raw.size()));
    state.counters["bytes"] = static_cast<double>(raw.size());
}

BENCHMARK(BM_Analyze4K);

void BM_Analyze100K(benchmark::State& state) {
    const std::string raw = message_100k();
    for (auto _ : state) {
        benchmark::DoNotOptimize(govmail::mime::analyze(raw));
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * raw.size()));
    state.counters["bytes"] = static_cast<double>(raw.size());
}

BENCHMARK(BM_Analyze100K);

void BM_Serialize(benchmark::State& state) {
    const MessageInfo info = govmail::mime::analyze(message_4k());
    for (auto _ : state) {
        benchmark::DoNotOptimize(info.serialize());
    }
    state.counters["record_bytes"] = static_cast<double>(info.serialize().size());
}

BENCHMARK(BM_Serialize);

void BM_Deserialize(benchmark::State& state) {
    const std::string bytes = govmail::mime::analyze(message_4k()).serialize();
    for (auto _ : state) {
        benchmark::DoNotOptimize(MessageInfo::deserialize(bytes));
    }
}

BENCHMARK(BM_Deserialize);

void BM_ViewParse(benchmark::State& state) {
    const std::string bytes = govmail::mime::analyze(message_4k()).serialize();
    for (auto _ : state) {
        benchmark::DoNotOptimize(MessageInfoView::parse(bytes));
    }
}

BENCHMARK(BM_ViewParse);

void BM_ExtractText4K(benchmark::State& state) {
    const std::string raw = message_4k();
    const MessageInfo info = govmail::mime::analyze(raw);
    for (auto _ : state) {
        benchmark::DoNotOptimize(govmail::mime::extract_text(raw, info));
    }
}

BENCHMARK(BM_ExtractText4K);

void BM_FoldVietnamese1K(benchmark::State& state) {
    std::string text;
    while (text.size() < 1024) {
        text += kVietnamese;
    }
    for (auto _ : state) {
        benchmark::DoNotOptimize(govmail::text::fold(text));
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}

BENCHMARK(BM_FoldVietnamese1K);

void BM_FoldAscii1K(benchmark::State& state) {
    const std::string text(1024, 'a');
    for (auto _ : state) {
        benchmark::DoNotOptimize(govmail::text::fold(text));
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}

BENCHMARK(BM_FoldAscii1K);

}  // namespace

BENCHMARK_MAIN();
