// Hostile and broken input: limits, pathological structures, and mutated corpus messages. Every
// result must satisfy the structural invariants and carry syntactically valid IMAP strings.

#include "mime/analyze.hpp"
#include "mime/content.hpp"
#include "tests/mime/mime_test_util.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <thread>
#include <vector>

namespace govmail::mime {
namespace {

void expect_valid(std::string_view raw, const MessageInfo& info) {
    test::expect_consistent(raw, info);
    EXPECT_EQ(test::imap_syntax_error(info.imap_envelope), "") << info.imap_envelope;
    EXPECT_EQ(test::imap_syntax_error(info.imap_bodystructure), "") << info.imap_bodystructure;
    EXPECT_EQ(test::imap_syntax_error(info.imap_body), "") << info.imap_body;
    const auto back = MessageInfo::deserialize(info.serialize());
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, info);
}

// `levels` multiparts, each inside the previous one, with a text part at the bottom.
std::string nested_multiparts(int levels) {
    std::string raw = "Subject: deep\r\n";
    for (int i = 0; i < levels; ++i) {
        raw += "Content-Type: multipart/mixed; boundary=b" + std::to_string(i) + "\r\n\r\n";
        raw += "--b" + std::to_string(i) + "\r\n";
    }
    raw += "Content-Type: text/plain\r\n\r\nbottom\r\n";
    for (int i = levels - 1; i >= 0; --i) {
        raw += "--b" + std::to_string(i) + "--\r\n";
    }
    return raw;
}

TEST(Limits, NestingDeeperThanTheLimitIsOpaque) {
    const std::string raw = nested_multiparts(100);
    const MessageInfo info = analyze(raw);
    expect_valid(raw, info);
    // Entities at depth 0..63 are analysed (the message and 63 nested multiparts, parts "1" to
    // "1.1...1" with 63 components); the multipart at depth 64, part "1.1...1" with 64
    // components, is opaque.
    const Part& deepest = info.parts.back();
    EXPECT_TRUE(deepest.opaque);
    EXPECT_EQ(deepest.type, "application");
    EXPECT_EQ(std::count(deepest.section.begin(), deepest.section.end(), '.'), 63);
    EXPECT_EQ(info.parts.size(), 64u);
    EXPECT_TRUE(info.has_attachments);
}

TEST(Limits, CustomDepthLimit) {
    const std::string raw = nested_multiparts(5);
    const MessageInfo info = analyze(raw, Limits{.max_depth = 2});
    expect_valid(raw, info);
    ASSERT_EQ(info.parts.size(), 2u);
    EXPECT_EQ(info.parts[0].section, "1");
    EXPECT_TRUE(info.parts[0].is_multipart());
    EXPECT_TRUE(info.parts[1].opaque);
}

TEST(Limits, NestedMessagesCountAsDepth) {
    std::string raw;
    for (int i = 0; i < 80; ++i) {
        raw += "Subject: level " + std::to_string(i) + "\r\nContent-Type: message/rfc822\r\n\r\n";
    }
    raw += "Subject: bottom\r\n\r\ntext\r\n";
    const MessageInfo info = analyze(raw);
    expect_valid(raw, info);
    EXPECT_TRUE(info.parts.back().opaque);
    EXPECT_LE(info.parts.size(), 65u);
}

TEST(Limits, PartsPastTheLimitAreNotListed) {
    std::string raw = "Content-Type: multipart/mixed; boundary=x\r\n\r\n";
    for (int i = 0; i < 20000; ++i) {
        raw += "--x\r\n\r\n" + std::to_string(i) + "\r\n";
    }
    raw += "--x--\r\n";
    const MessageInfo info = analyze(raw);
    expect_valid(raw, info);
    // The message itself counts as the first entity.
    EXPECT_EQ(info.parts.size(), 9999u);
    EXPECT_EQ(info.parts.back().section, "9999");
    EXPECT_EQ(info.parts.back().body.slice(raw), "9998");
    // The multipart still ends at its close delimiter.
    EXPECT_EQ(info.text.slice(raw).substr(info.text.length - 7), "--x--\r\n");
}

TEST(Limits, SmallPartLimitMakesTheMultipartOpaque) {
    const std::string raw =
        "Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n\r\na\r\n--x--\r\n";
    const MessageInfo info = analyze(raw, Limits{.max_parts = 1});
    expect_valid(raw, info);
    ASSERT_EQ(info.parts.size(), 1u);
    EXPECT_TRUE(info.parts[0].opaque);
}

struct OddCase {
    const char* name;
    std::string raw;
};

void PrintTo(const OddCase& c, std::ostream* os) {
    *os << c.name;
}

class OddInputTest : public testing::TestWithParam<OddCase> {};

TEST_P(OddInputTest, GivesAConsistentAnalysis) {
    const std::string& raw = GetParam().raw;
    const MessageInfo info = analyze(raw);
    expect_valid(raw, info);
    (void)extract_text(raw, info);
}

INSTANTIATE_TEST_SUITE_P(
    Mime,
    OddInputTest,
    testing::ValuesIn(std::vector<OddCase>{
        {"Empty", ""},
        {"OnlyCrlf", "\r\n"},
        {"OnlyLf", "\n\n\n"},
        {"NoLineBreak", "Subject: x"},
        {"BodyOnly", "just text without header"},
        {"ContinuationFirst", " folded\r\nSubject: x\r\n\r\nbody"},
        {"NulInHeader", std::string("Subject: a\0b\r\nFrom: \0<a@b>\r\n\r\n\0", 30)},
        {"CrInHeader", "Subject: a\rb\r\n\r\n"},
        {"ControlBytes", "Subject: \x01\x02\x7F\r\n\r\n"},
        {"LongLine", "Subject: " + std::string(100000, 'x') + "\r\n\r\nbody"},
        {"ManyFields",
         [] {
             std::string s;
             for (int i = 0; i < 5000; ++i) {
                 s += "X-Field-" + std::to_string(i) + ": v\r\n";
             }
             return s + "\r\nbody";
         }()},
        {"MultipartWithoutBoundary", "Content-Type: multipart/mixed\r\n\r\n--x\r\nbody\r\n"},
        {"EmptyBoundary", "Content-Type: multipart/mixed; boundary=\"\"\r\n\r\n--\r\n\r\nx\r\n"},
        {"BoundaryRegexChars",
         "Content-Type: multipart/mixed; boundary=\"(.*)+?[]\"\r\n\r\n--(.*)+?[]\r\n\r\nx\r\n"
         "--(.*)+?[]--\r\n"},
        {"SameBoundaryNested",
         "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
         "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nx\r\n--b--\r\n--b--\r\n"},
        {"CloseFirst", "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b--\r\nafter\r\n"},
        {"DelimiterWithoutLineBreak", "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b"},
        {"DelimiterTrailingSpace",
         "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b \t\r\n\r\nx\r\n--b-- \r\n"},
        {"DelimiterLookalike",
         "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\n--bb\r\n--b x\r\n--b--\r\n"},
        {"EmptyMessageRfc822",
         "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
         "Content-Type: message/rfc822\r\n--b--\r\n"},
        {"MessageRfc822AtEnd", "Content-Type: message/rfc822\r\n\r\n"},
        {"MessageGlobal", "Content-Type: message/global\r\n\r\nSubject: x\r\n\r\ny"},
        {"DigestDefaultEmpty", "Content-Type: multipart/digest; boundary=d\r\n\r\n--d\r\n--d--"},
        {"BadContentType", "Content-Type: /\r\n\r\nx"},
        {"ContentTypeNoSubtype", "Content-Type: text\r\n\r\nx"},
        {"GarbageParams",
         "Content-Type: text/plain; ;;=; a; b=; c=\"unterminated; d*0*=x; d*1=y; "
         "e*99999=z\r\n\r\n"},
        {"Rfc2231Broken",
         "Content-Type: application/x; name*=''%; name*0*=%ZZ; name*1*=%4\r\n"
         "Content-Disposition: attachment; filename*=utf-8'%E1%BA\r\n\r\nx"},
        {"AddressGarbage",
         "From: <<<@@@>>>, \"unterminated, (comment (nested) , ;;; :::, a@\r\n"
         "To: group: ; ; , : <> @, =?utf-8?q?x?=\r\nCc: \"\\\r\n\r\n"},
        {"EncodedWordGarbage",
         "Subject: =?utf-8?B?####?= =?utf-8?Q?=ZZ?= =?utf-8?X?a?= =?\?= =?a?b?\r\n\r\n"},
        {"Utf8Literals", "Subject: \xF0\x9F\x98\x80 \xFF\xFE\r\nFrom: \xE1\xBA\xBF <a@b>\r\n\r\n"},
        {"HugeUnknownCte",
         "Content-Type: text/plain\r\nContent-Transfer-Encoding: x-unknown-encoding\r\n\r\nx"},
        {"Base64Garbage",
         "Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!!====@@@@"},
        {"UuencodeWithoutBegin",
         "Content-Type: text/plain\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\n%2&5L\r\n"},
        // Found by mime_fuzz: BINARY.SIZE of a multipart with an unknown encoding.
        {"MultipartUnknownEncoding",
         "Content-Type: multipart/mixed; boundary=b\r\nContent-Transfer-Encoding: quo\r\n\r\n"
         "--b\r\n\r\nx\r\n--b--\r\n"},
        {"MixedLineEnds",
         "Content-Type: multipart/mixed; boundary=b\n\r\n--b\r\nContent-Type: text/plain\n\nx\r"
         "\n--b--\n"},
    }),
    [](const auto& info) { return std::string(info.param.name); }
);

// analyze() runs on the store's worker threads at the same time: GMime and ICU state must not
// leak between threads.
TEST(Threads, ConcurrentAnalysesAgree) {
    std::vector<std::string> raws;
    std::vector<MessageInfo> expected;
    for (const std::string& file : test::corpus_files()) {
        raws.push_back(test::load_corpus(file));
        expected.push_back(analyze(raws.back()));
    }
    std::vector<int> mismatches(4, 0);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < mismatches.size(); ++t) {
        threads.emplace_back([&, t] {
            for (int round = 0; round < 20; ++round) {
                for (std::size_t i = 0; i < raws.size(); ++i) {
                    const std::size_t k = (i + t * 5) % raws.size();
                    const MessageInfo info = analyze(raws[k]);
                    if (!(info == expected[k]) || extract_text(raws[k], info).empty() !=
                                                      extract_text(raws[k], expected[k]).empty()) {
                        ++mismatches[t];
                    }
                }
            }
        });
    }
    for (std::thread& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

// Random byte mutations of every corpus message (fixed seed): each result must stay consistent.
TEST(Mutation, CorpusMessagesSurviveRandomDamage) {
    std::mt19937 rng(42);
    const std::string specials = "-\r\n:;=\"<>()@,\\ \t?*'%\x80\xFF";
    for (const std::string& file : test::corpus_files()) {
        const std::string original = test::load_corpus(file);
        for (int round = 0; round < 60; ++round) {
            std::string raw = original;
            const int edits = 1 + static_cast<int>(rng() % 8);
            for (int i = 0; i < edits && !raw.empty(); ++i) {
                const std::size_t at = rng() % raw.size();
                switch (rng() % 4) {
                    case 0:
                        raw[at] = specials[rng() % specials.size()];
                        break;
                    case 1:
                        raw.erase(at, 1 + rng() % 16);
                        break;
                    case 2:
                        raw.insert(at, raw.substr(rng() % raw.size(), rng() % 64));
                        break;
                    default:
                        raw.resize(at);
                        break;
                }
            }
            SCOPED_TRACE(file + " round " + std::to_string(round));
            const MessageInfo info = analyze(raw);
            expect_valid(raw, info);
            (void)extract_text(raw, info, 4096);
            if (HasFailure()) {
                return;
            }
        }
    }
}

}  // namespace
}  // namespace govmail::mime
