// The corpus of tricky messages (tests/mime/corpus/*.eml) against expected IMAP FETCH data, exact
// part bytes, and Python's email package.
//
// The expected ENVELOPE / BODYSTRUCTURE / BODY strings were written from RFC 3501 7.4.2 and
// RFC 9051 7.5.2 (field order, NIL rules, group markers, extension data), RFC 2045/2046 (defaults,
// boundary rules: the line break before a delimiter belongs to the delimiter) and checked against
// Dovecot's conventions where the RFCs leave a choice: type/subtype and parameter values as
// written, "charset" "us-ascii" shown for text parts without a charset, body-fld-lines counting
// line feeds, Content-Language always as a list, MISSING_DOMAIN for an address without domain,
// RFC 2231 continuations joined into "name*" "charset''%XX" values.

#include "mime/analyze.hpp"
#include "mime/content.hpp"
#include "tests/mime/mime_test_util.hpp"
#include "tests/support/process.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace govmail::mime {
namespace {

using test::fetch;
using test::load_corpus;

// Where Python's email package reads a message differently from govmail on purpose.
enum class Python {
    Same,              // subject, addresses, every leaf part and payload agree
    HeadersOnly,       // parts differ (reason in the case's comment)
    UnclosedLastPart,  // Python drops the final line break of a part that no delimiter ends
};

struct CorpusCase {
    std::string file;
    std::string envelope;
    std::string bodystructure;
    std::string body;                // BODY; empty: not checked for this case
    std::vector<std::string> parts;  // "section type/subtype" for every part, in order
    std::string subject;
    std::vector<std::pair<std::string, std::string>> bytes;  // BODY[spec] -> exact bytes
    Python python = Python::Same;
};

void PrintTo(const CorpusCase& c, std::ostream* os) {
    *os << c.file;
}

const std::vector<CorpusCase>& corpus_cases() {
    static const std::
        vector<CorpusCase>
            cases =
                {
                    {
                        "simple.eml",
                        R"imap(("Fri, 1 Mar 2024 08:30:00 +0700" "Bao cao \"tuan\" \\ thang 3" (("Nguyen Van An" NIL "an.nguyen" "stttt.example.gov.vn")) (("Van thu" NIL "vanthu" "stttt.example.gov.vn")) ((NIL NIL "phongtchc" "stttt.example.gov.vn")) (("Tran Thi Binh" NIL "binh.tran" "ubnd.example.gov.vn")(NIL NIL "chi.le" "ubnd.example.gov.vn")) (("Le, Van Chi" NIL "chi.le" "ubnd.example.gov.vn")) ((NIL NIL "luu" "stttt.example.gov.vn")) "<20240229.7@ubnd.example.gov.vn>" "<20240301.1@stttt.example.gov.vn>"))imap",
                        R"imap(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 43 2 NIL NIL NIL NIL))imap",
                        R"imap(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 43 2))imap",
                        {"1 text/plain"},
                        "Bao cao \"tuan\" \\ thang 3",
                        {{"TEXT", "Kinh gui anh chi,\r\nBao cao tuan dinh kem.\r\n"},
                         {"1", "Kinh gui anh chi,\r\nBao cao tuan dinh kem.\r\n"}},
                    },
                    {
                        // multipart/mixed > (text/plain QP, message/rfc822 > text/plain,
                        // application/pdf).
                        "mixed-rfc822.eml",
                        R"imap(("Fri, 1 Mar 2024 09:00:00 +0700" "Fwd: Giay moi hop" ((NIL NIL "an.nguyen" "stttt.example.gov.vn")) ((NIL NIL "an.nguyen" "stttt.example.gov.vn")) ((NIL NIL "an.nguyen" "stttt.example.gov.vn")) ((NIL NIL "binh.tran" "ubnd.example.gov.vn")) NIL NIL NIL NIL))imap",
                        R"imap((("text" "plain" ("charset" "utf-8") NIL NIL "quoted-printable" 53 0 NIL NIL NIL NIL)("message" "rfc822" NIL NIL NIL "7bit" 368 ("Thu, 29 Feb 2024 16:05:00 +0700" "=?utf-8?Q?Gi=E1=BA=A5y_m=E1=BB=9Di_h=E1=BB=8Dp?=" (("=?utf-8?B?xJDhurduZyDEkMOsbmggxJDhu6lj?=" NIL "duc.dang" "sonv.example.gov.vn")) (("=?utf-8?B?xJDhurduZyDEkMOsbmggxJDhu6lj?=" NIL "duc.dang" "sonv.example.gov.vn")) (("=?utf-8?B?xJDhurduZyDEkMOsbmggxJDhu6lj?=" NIL "duc.dang" "sonv.example.gov.vn")) ((NIL NIL "an.nguyen" "stttt.example.gov.vn")) NIL NIL NIL "<inner.1@sonv.example.gov.vn>") ("text" "plain" ("charset" "utf-8") NIL NIL "8bit" 36 1 NIL NIL NIL NIL) 9 NIL ("inline" NIL) NIL NIL)("application" "pdf" ("name*" "utf-8''Gi%E1%BA%A5y%20m%E1%BB%9Di.pdf") NIL NIL "base64" 1050 NIL ("attachment" ("filename*" "utf-8''Gi%E1%BA%A5y%20m%E1%BB%9Di%20h%E1%BB%8Dp%20s%E1%BB%91%2012.pdf")) NIL NIL) "mixed" ("boundary" "=_outer_01") NIL NIL NIL))imap",
                        R"imap((("text" "plain" ("charset" "utf-8") NIL NIL "quoted-printable" 53 0)("message" "rfc822" NIL NIL NIL "7bit" 368 ("Thu, 29 Feb 2024 16:05:00 +0700" "=?utf-8?Q?Gi=E1=BA=A5y_m=E1=BB=9Di_h=E1=BB=8Dp?=" (("=?utf-8?B?xJDhurduZyDEkMOsbmggxJDhu6lj?=" NIL "duc.dang" "sonv.example.gov.vn")) (("=?utf-8?B?xJDhurduZyDEkMOsbmggxJDhu6lj?=" NIL "duc.dang" "sonv.example.gov.vn")) (("=?utf-8?B?xJDhurduZyDEkMOsbmggxJDhu6lj?=" NIL "duc.dang" "sonv.example.gov.vn")) ((NIL NIL "an.nguyen" "stttt.example.gov.vn")) NIL NIL NIL "<inner.1@sonv.example.gov.vn>") ("text" "plain" ("charset" "utf-8") NIL NIL "8bit" 36 1) 9)("application" "pdf" ("name*" "utf-8''Gi%E1%BA%A5y%20m%E1%BB%9Di.pdf") NIL NIL "base64" 1050) "mixed"))imap",
                        {"1 text/plain", "2 message/rfc822", "2.1 text/plain", "3 application/pdf"},
                        "Fwd: Giay moi hop",
                        {{"1", "Chuy=E1=BB=83n ti=E1=BA=BFp gi=E1=BA=A5y m=E1=BB=9Di."},
                         {"1.MIME",
                          "Content-Type: text/plain; charset=utf-8\r\n"
                          "Content-Transfer-Encoding: quoted-printable\r\n\r\n"},
                         {"2.MIME",
                          "Content-Type: message/rfc822\r\nContent-Disposition: inline\r\n\r\n"},
                         {"2.TEXT",
                          "M\xE1\xBB\x9Di anh d\xE1\xBB\xB1 h\xE1\xBB\x8Dp l\xC3\xBA"
                          "c 8 gi\xE1\xBB\x9D.\r\n"},
                         {"2.1",
                          "M\xE1\xBB\x9Di anh d\xE1\xBB\xB1 h\xE1\xBB\x8Dp l\xC3\xBA"
                          "c 8 gi\xE1\xBB\x9D.\r\n"},
                         {"2.1.MIME",
                          "From: =?utf-8?B?xJDhurduZyDEkMOsbmggxJDhu6lj?= "
                          "<duc.dang@sonv.example.gov.vn>\r\n"
                          "To: an.nguyen@stttt.example.gov.vn\r\n"
                          "Subject: =?utf-8?Q?Gi=E1=BA=A5y_m=E1=BB=9Di_h=E1=BB=8Dp?=\r\n"
                          "Date: Thu, 29 Feb 2024 16:05:00 +0700\r\n"
                          "Message-ID: <inner.1@sonv.example.gov.vn>\r\n"
                          "Content-Type: text/plain; charset=utf-8\r\n"
                          "Content-Transfer-Encoding: 8bit\r\n\r\n"}},
                    },
                    {
                        // RFC 2231: charsets windows-1258 and iso-8859-1, plain continuations; RFC
                        // 2047 in a quoted name.
                        "rfc2231.eml",
                        R"imap((NIL "RFC 2231" ((NIL NIL "a" "example.gov.vn")) ((NIL NIL "a" "example.gov.vn")) ((NIL NIL "a" "example.gov.vn")) ((NIL NIL "b" "example.gov.vn")) NIL NIL NIL NIL))imap",
                        R"imap((("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 15 0 NIL NIL NIL NIL)("application" "octet-stream" NIL NIL NIL "7bit" 4 NIL ("attachment" ("filename*" "windows-1258'vi'Quy%EA%ECt%20%D0i%F2nh.doc")) NIL NIL)("application" "octet-stream" NIL NIL NIL "7bit" 4 NIL ("attachment" ("filename" "very long file name split in two.txt")) NIL NIL)("application" "octet-stream" ("name" "=?utf-8?B?QuG6o25nIGvDqi54bHN4?=") NIL NIL "7bit" 4 NIL ("attachment" NIL) NIL NIL)("application" "octet-stream" NIL NIL NIL "7bit" 4 NIL ("attachment" ("filename*" "iso-8859-1'en'caf%E9.txt")) NIL NIL) "mixed" ("boundary" "b1") NIL NIL NIL))imap",
                        "",
                        {"1 text/plain",
                         "2 application/octet-stream",
                         "3 application/octet-stream",
                         "4 application/octet-stream",
                         "5 application/octet-stream"},
                        "RFC 2231",
                        {{"2", "AAAA"}, {"5", "DDDD"}},
                    },
                    {
                        "subject-utf8-b.eml",
                        R"imap(("Mon, 4 Mar 2024 10:00:00 +0700" "=?UTF-8?B?UXV54bq/dCDEkOG7i25oIHbhu4Egdmnhu4djIGLhu5Ugbmhp4buHbQ==?=" (("=?UTF-8?B?Tmd1eeG7hW4gVGjhu4sgw4FuaCBUdXnhur90?=" NIL "tuyet" "example.gov.vn")) (("=?UTF-8?B?Tmd1eeG7hW4gVGjhu4sgw4FuaCBUdXnhur90?=" NIL "tuyet" "example.gov.vn")) (("=?UTF-8?B?Tmd1eeG7hW4gVGjhu4sgw4FuaCBUdXnhur90?=" NIL "tuyet" "example.gov.vn")) ((NIL NIL "b" "example.gov.vn")) NIL NIL NIL NIL))imap",
                        R"imap(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 6 1 NIL NIL NIL NIL))imap",
                        "",
                        {"1 text/plain"},
                        "Quy\u1EBFt \u0110\u1ECBnh v\u1EC1 vi\u1EC7c b\u1ED5 nhi\u1EC7m",
                    },
                    {
                        // Encoded words folded over two lines, then plain text: the space between
                        // the encoded words goes (RFC 2047 6.2), the one before "(tuan 10)" stays.
                        "subject-utf8-q.eml",
                        R"imap(("Mon, 4 Mar 2024 10:00:00 +0700" "=?utf-8?Q?Th=C3=B4ng_b=C3=A1o_?= =?utf-8?Q?l=E1=BB=8Bch_h=E1=BB=8Dp?= (tuan 10)" (("=?utf-8?Q?=C4=90=E1=BA=B7ng_=C4=90=C3=ACnh_=C4=90=E1=BB=A9c?=" NIL "duc" "example.gov.vn")) (("=?utf-8?Q?=C4=90=E1=BA=B7ng_=C4=90=C3=ACnh_=C4=90=E1=BB=A9c?=" NIL "duc" "example.gov.vn")) (("=?utf-8?Q?=C4=90=E1=BA=B7ng_=C4=90=C3=ACnh_=C4=90=E1=BB=A9c?=" NIL "duc" "example.gov.vn")) ((NIL NIL "b" "example.gov.vn")) NIL NIL NIL NIL))imap",
                        R"imap(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 6 1 NIL NIL NIL NIL))imap",
                        "",
                        {"1 text/plain"},
                        "Th\u00F4ng b\u00E1o l\u1ECBch h\u1ECDp (tuan 10)",
                    },
                    {
                        // windows-1258 encoded words with decomposed tone marks: the decoded
                        // subject is NFC.
                        "subject-1258.eml",
                        R"imap(("Mon, 4 Mar 2024 10:00:00 +0700" "=?windows-1258?Q?Quy=EA=ECt_=D0i=F2nh_s=F4=EC_12?=" (("=?windows-1258?Q?Nguy=EA=DEn_V=E3n_A?=" NIL "a" "example.gov.vn")) (("=?windows-1258?Q?Nguy=EA=DEn_V=E3n_A?=" NIL "a" "example.gov.vn")) (("=?windows-1258?Q?Nguy=EA=DEn_V=E3n_A?=" NIL "a" "example.gov.vn")) ((NIL NIL "b" "example.gov.vn")) NIL NIL NIL NIL))imap",
                        R"imap(("text" "plain" ("charset" "windows-1258") NIL NIL "quoted-printable" 22 1 NIL NIL NIL NIL))imap",
                        "",
                        {"1 text/plain"},
                        "Quy\u1EBFt \u0110\u1ECBnh s\u1ED1 12",
                    },
                    {
                        // No Date, From, Subject, MIME-Version or Content-Type: NIL fields, Sender
                        // and Reply-To NIL like From, text/plain us-ascii by default (RFC
                        // 2045 5.2).
                        "missing-headers.eml",
                        R"imap((NIL NIL NIL NIL NIL ((NIL NIL "b" "example.gov.vn")) NIL NIL NIL NIL))imap",
                        R"imap(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 70 1 NIL NIL NIL NIL))imap",
                        R"imap(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 70 1))imap",
                        {"1 text/plain"},
                        "",
                        {{"HEADER", "To: b@example.gov.vn\r\n\r\n"},
                         {"1.MIME", "To: b@example.gov.vn\r\n\r\n"}},
                    },
                    {
                        // The inner multipart never closes; the outer one neither: the outer
                        // delimiter ends the inner multipart, the end of the message ends the outer
                        // one.
                        "no-closing-boundary.eml",
                        R"imap((NIL "truncated" ((NIL NIL "a" "example.gov.vn")) ((NIL NIL "a" "example.gov.vn")) ((NIL NIL "a" "example.gov.vn")) NIL NIL NIL NIL NIL))imap",
                        R"imap((("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 10 0 NIL NIL NIL NIL)(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 10 0 NIL NIL NIL NIL)("text" "html" ("charset" "us-ascii") NIL NIL "7bit" 17 0 NIL NIL NIL NIL) "alternative" ("boundary" "inner") NIL NIL NIL)("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 48 1 NIL NIL NIL NIL) "mixed" ("boundary" "xyz") NIL NIL NIL))imap",
                        "",
                        {"1 text/plain",
                         "2 multipart/alternative",
                         "2.1 text/plain",
                         "2.2 text/html",
                         "3 text/plain"},
                        "truncated",
                        {{"2.2", "<b>inner html</b>"},
                         {"2",
                          "--inner\r\nContent-Type: text/plain\r\n\r\ninner text\r\n"
                          "--inner\r\nContent-Type: text/html\r\n\r\n<b>inner html</b>"},
                         {"3", "last part, the outer multipart is never closed\r\n"}},
                        Python::UnclosedLastPart,
                    },
                    {
                        // The boundary never occurs: the body stays readable as one text part.
                        "boundary-never-present.eml",
                        R"imap((NIL "no boundary" ((NIL NIL "a" "example.gov.vn")) ((NIL NIL "a" "example.gov.vn")) ((NIL NIL "a" "example.gov.vn")) NIL NIL NIL NIL NIL))imap",
                        R"imap(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 78 2 NIL NIL NIL NIL))imap",
                        "",
                        {"1 text/plain"},
                        "no boundary",
                    },
                    {
                        // Preamble, an empty part between two adjacent delimiter lines, a part that
                        // is only a blank line, a part with a header and no body, a part whose
                        // header runs into the close delimiter, epilogue. Python skips the first
                        // empty part, so only headers are compared with it.
                        "preamble-epilogue-empty.eml",
                        R"imap((NIL "empty parts" ((NIL NIL "a" "example.gov.vn")) ((NIL NIL "a" "example.gov.vn")) ((NIL NIL "a" "example.gov.vn")) NIL NIL NIL NIL NIL))imap",
                        R"imap((("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0 NIL NIL NIL NIL)("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0 NIL NIL NIL NIL)("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0 NIL NIL NIL NIL)("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0 NIL NIL NIL NIL) "mixed" ("boundary" "sep") NIL NIL NIL))imap",
                        "",
                        {"1 text/plain", "2 text/plain", "3 text/plain", "4 text/plain"},
                        "empty parts",
                        {{"1.MIME", ""},
                         {"2.MIME", "\r\n"},
                         {"3.MIME", "Content-Type: text/plain\r\n\r\n"},
                         {"4.MIME", "Content-Type: text/plain"},
                         {"4", ""}},
                        Python::HeadersOnly,
                    },
                    {
                        // RFC 6532 UTF-8 in header fields: 8-bit strings are sent as literals.
                        "8bit-headers.eml",
                        "(\"Tue, 5 Mar 2024 07:45:00 +0700\" {21}\r\nK\u1EBF ho\u1EA1"
                        "ch th\u00E1ng 3 "
                        "(({16}\r\nNguy\u1EC5n V\u0103n An NIL \"an\" \"example.gov.vn\")) "
                        "(({16}\r\nNguy\u1EC5n V\u0103n An NIL \"an\" \"example.gov.vn\")) "
                        "(({16}\r\nNguy\u1EC5n V\u0103n An NIL \"an\" \"example.gov.vn\")) "
                        "(({18}\r\nTr\u1EA7n Th\u1ECB B\u00ECnh NIL \"binh\" \"example.gov.vn\")) "
                        "NIL NIL NIL NIL)",
                        R"imap(("text" "plain" ("charset" "utf-8") NIL NIL "8bit" 13 1 NIL NIL NIL NIL))imap",
                        "",
                        {"1 text/plain"},
                        "K\u1EBF ho\u1EA1"
                        "ch th\u00E1ng 3",
                    },
                    {
                        // Unlabelled windows-1258 bytes with decomposed tones in the header:
                        // literals in the ENVELOPE (the bytes as stored), NFC UTF-8 in the decoded
                        // fields.
                        "8bit-1258-headers.eml",
                        "(\"Tue, 5 Mar 2024 07:45:00 +0700\" {18}\r\nK\xEA\xEC hoa\xF2"
                        "ch th\xE1ng 3 "
                        "(({14}\r\nNguy\xEA\xDEn V\xE3n An NIL \"an\" \"example.gov.vn\")) "
                        "(({14}\r\nNguy\xEA\xDEn V\xE3n An NIL \"an\" \"example.gov.vn\")) "
                        "(({14}\r\nNguy\xEA\xDEn V\xE3n An NIL \"an\" \"example.gov.vn\")) "
                        "((NIL NIL \"b\" \"example.gov.vn\")) NIL NIL NIL NIL)",
                        R"imap(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 6 1 NIL NIL NIL NIL))imap",
                        "",
                        {"1 text/plain"},
                        "K\u1EBF ho\u1EA1"
                        "ch th\u00E1ng 3",
                    },
                    {
                        // RFC 3501 7.4.2 group syntax: (NIL NIL "name" NIL) ... (NIL NIL NIL NIL).
                        "groups.eml",
                        R"imap(("Wed, 6 Mar 2024 14:00:00 +0700" "groups" (("Ban Giam doc" NIL "bgd" "example.gov.vn")) (("Ban Giam doc" NIL "bgd" "example.gov.vn")) (("Ban Giam doc" NIL "bgd" "example.gov.vn")) ((NIL NIL "Lanh dao" NIL)(NIL NIL "a" "example.gov.vn")("B, C" NIL "b" "example.gov.vn")(NIL NIL NIL NIL)(NIL NIL "c" "example.gov.vn")) ((NIL NIL "undisclosed-recipients" NIL)(NIL NIL NIL NIL)) ((NIL NIL "empty group" NIL)(NIL NIL NIL NIL)) NIL NIL))imap",
                        R"imap(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 6 1 NIL NIL NIL NIL))imap",
                        "",
                        {"1 text/plain"},
                        "groups",
                    },
                    {
                        // Folded headers are unfolded (CRLF removed, the white space kept),
                        // including a folded display name, date and Content-Type parameters.
                        "folded.eml",
                        R"imap(("Thu, 7 Mar 2024 09:10:11 +0700" "This subject is folded over three lines" (("Phong Tong hop" NIL "tonghop" "example.gov.vn")) (("Phong Tong hop" NIL "tonghop" "example.gov.vn")) (("Phong Tong hop" NIL "tonghop" "example.gov.vn")) ((NIL NIL "a" "example.gov.vn")(NIL NIL "b" "example.gov.vn")(NIL NIL "c" "example.gov.vn")) NIL NIL NIL NIL))imap",
                        R"imap(("text" "plain" ("charset" "utf-8" "format" "flowed") NIL NIL "7bit" 16 1 NIL NIL NIL NIL))imap",
                        "",
                        {"1 text/plain"},
                        "This subject is folded over three lines",
                    },
                    {
                        "non-mime.eml",
                        R"imap(("1 Jan 2001 00:00:00 GMT" "plain old RFC 822 message" ((NIL NIL "old" "example.gov.vn")) ((NIL NIL "old" "example.gov.vn")) ((NIL NIL "old" "example.gov.vn")) ((NIL NIL "b" "example.gov.vn")) NIL NIL NIL NIL))imap",
                        R"imap(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 39 3 NIL NIL NIL NIL))imap",
                        R"imap(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 39 3))imap",
                        {"1 text/plain"},
                        "plain old RFC 822 message",
                        {{"TEXT", "Just text.\r\n\r\nNo MIME headers at all.\r\n"}},
                    },
                    {
                        // Bare LF line ends: same rules, offsets into the LF bytes.
                        "bare-lf.eml",
                        R"imap((NIL "bare LF line ends" ((NIL NIL "lf" "example.gov.vn")) ((NIL NIL "lf" "example.gov.vn")) ((NIL NIL "lf" "example.gov.vn")) ((NIL NIL "b" "example.gov.vn")) NIL NIL NIL NIL))imap",
                        R"imap((("text" "plain" ("charset" "utf-8") NIL NIL "7bit" 10 0 NIL NIL NIL NIL)("text" "html" ("charset" "utf-8") NIL NIL "7bit" 16 0 NIL NIL NIL NIL) "alternative" ("boundary" "lf") NIL NIL NIL))imap",
                        "",
                        {"1 text/plain", "2 text/html"},
                        "bare LF line ends",
                        {{"1", "plain text"},
                         {"1.MIME", "Content-Type: text/plain; charset=utf-8\n\n"},
                         {"2", "<p>html text</p>"}},
                    },
                    {
                        // RFC 2046 5.1.5: parts of multipart/digest default to message/rfc822.
                        "digest.eml",
                        R"imap((NIL "digest" ((NIL NIL "list" "example.gov.vn")) ((NIL NIL "list" "example.gov.vn")) ((NIL NIL "list" "example.gov.vn")) NIL NIL NIL NIL NIL))imap",
                        R"imap((("message" "rfc822" NIL NIL NIL "7bit" 57 (NIL "first" ((NIL NIL "one" "example.gov.vn")) ((NIL NIL "one" "example.gov.vn")) ((NIL NIL "one" "example.gov.vn")) NIL NIL NIL NIL NIL) ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 13 0 NIL NIL NIL NIL) 3 NIL NIL NIL NIL)("message" "rfc822" NIL NIL NIL "7bit" 59 (NIL "second" ((NIL NIL "two" "example.gov.vn")) ((NIL NIL "two" "example.gov.vn")) ((NIL NIL "two" "example.gov.vn")) NIL NIL NIL NIL NIL) ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 14 0 NIL NIL NIL NIL) 3 NIL NIL NIL NIL) "digest" ("boundary" "d") NIL NIL NIL))imap",
                        "",
                        {"1 message/rfc822",
                         "1.1 text/plain",
                         "2 message/rfc822",
                         "2.1 text/plain"},
                        "digest",
                        {{"1.MIME", "\r\n"},
                         {"1.HEADER", "From: one@example.gov.vn\r\nSubject: first\r\n\r\n"},
                         {"1.TEXT", "first message"},
                         {"1.1", "first message"},
                         {"2.TEXT", "second message"}},
                    },
                    {
                        // A base64 message/rfc822 (forbidden by RFC 2046 5.2.1) stays one opaque
                        // part. Python parses the base64 text as if it were the message, so only
                        // headers are compared with it.
                        "encoded-rfc822.eml",
                        R"imap((NIL "base64 message/rfc822" ((NIL NIL "a" "example.gov.vn")) ((NIL NIL "a" "example.gov.vn")) ((NIL NIL "a" "example.gov.vn")) NIL NIL NIL NIL NIL))imap",
                        R"imap((("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 12 0 NIL NIL NIL NIL)("application" "octet-stream" NIL NIL NIL "base64" 68 NIL NIL NIL NIL) "mixed" ("boundary" "e") NIL NIL NIL))imap",
                        "",
                        {"1 text/plain", "2 application/octet-stream"},
                        "base64 message/rfc822",
                        {},
                        Python::HeadersOnly,
                    },
                    {
                        "alternative-qp.eml",
                        R"imap((NIL "alternative" ((NIL NIL "a" "example.gov.vn")) ((NIL NIL "a" "example.gov.vn")) ((NIL NIL "a" "example.gov.vn")) NIL NIL NIL NIL NIL))imap",
                        R"imap((("text" "plain" ("charset" "windows-1258") NIL NIL "quoted-printable" 75 1 NIL NIL NIL NIL)("text" "html" ("charset" "utf-8") NIL NIL "quoted-printable" 250 3 NIL NIL NIL NIL) "alternative" ("boundary" "alt") NIL NIL NIL))imap",
                        "",
                        {"1 text/plain", "2 text/html"},
                        "alternative",
                    },
                    {
                        // A header that ends the message without a blank line: empty body.
                        "header-only.eml",
                        R"imap((NIL "header only, no blank line, no body" ((NIL NIL "a" "example.gov.vn")) ((NIL NIL "a" "example.gov.vn")) ((NIL NIL "a" "example.gov.vn")) NIL NIL NIL NIL NIL))imap",
                        R"imap(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0 NIL NIL NIL NIL))imap",
                        "",
                        {"1 text/plain"},
                        "header only, no blank line, no body",
                        {{"HEADER",
                          "From: a@example.gov.vn\r\nSubject: header only, no blank line, no body"},
                         {"TEXT", ""}},
                    },
                    {
                        "signed.eml",
                        R"imap((NIL "signed" ((NIL NIL "vanthu" "stttt.example.gov.vn")) ((NIL NIL "vanthu" "stttt.example.gov.vn")) ((NIL NIL "vanthu" "stttt.example.gov.vn")) ((NIL NIL "b" "example.gov.vn")) NIL NIL NIL NIL))imap",
                        R"imap((("text" "plain" ("charset" "utf-8") NIL NIL "7bit" 11 0 NIL NIL NIL NIL)("application" "pkcs7-signature" ("name" "smime.p7s") NIL NIL "base64" 76 NIL ("attachment" ("filename" "smime.p7s")) NIL NIL) "signed" ("protocol" "application/pkcs7-signature" "micalg" "sha-256" "boundary" "----sig") NIL NIL NIL))imap",
                        "",
                        {"1 text/plain", "2 application/pkcs7-signature"},
                        "signed",
                        // RFC 8551 3.5: the signed content is the first part with its MIME header,
                        // exactly.
                        {{"1.MIME", "Content-Type: text/plain; charset=utf-8\r\n\r\n"},
                         {"1", "signed text"}},
                    },
                    {
                        // multipart/mixed > (text with every extension field, message/rfc822 >
                        // multipart/alternative), a folded quoted boundary, preambles and
                        // epilogues.
                        "nested.eml",
                        R"imap(("Mon, 11 Mar 2024 15:20:00 +0700" "Nested structure" (("=?utf-8?Q?Ph=C3=B2ng_T=E1=BB=95ng_h=E1=BB=A3p?=" NIL "tonghop" "stttt.example.gov.vn")) (("=?utf-8?Q?Ph=C3=B2ng_T=E1=BB=95ng_h=E1=BB=A3p?=" NIL "tonghop" "stttt.example.gov.vn")) (("=?utf-8?Q?Ph=C3=B2ng_T=E1=BB=95ng_h=E1=BB=A3p?=" NIL "tonghop" "stttt.example.gov.vn")) ((NIL NIL "lanhdao" "stttt.example.gov.vn")) NIL NIL NIL "<nested.1@stttt.example.gov.vn>"))imap",
                        R"imap((("text" "x-report" ("charset" "us-ascii" "title" "weekly \"A\" report") "<report@stttt.example.gov.vn>" "Weekly report" "7bit" 14 1 "SGVsbG8gd29ybGQhIQ==" ("inline" ("size" "13")) ("vi" "en") "https://stttt.example.gov.vn/report.txt")("message" "rfc822" NIL NIL "=?utf-8?Q?Th=C6=B0_chuy=E1=BB=83n_ti=E1=BA=BFp?=" "7bit" 437 ("Sun, 10 Mar 2024 08:00:00 +0700" "Inner" ((NIL NIL "chi.le" "ubnd.example.gov.vn")) ((NIL NIL "chi.le" "ubnd.example.gov.vn")) ((NIL NIL "chi.le" "ubnd.example.gov.vn")) ((NIL NIL "a" "stttt.example.gov.vn")(NIL NIL "b" "stttt.example.gov.vn")) NIL NIL NIL NIL) (("text" "plain" ("charset" "utf-8") NIL NIL "8bit" 9 0 NIL NIL NIL NIL)("text" "html" ("charset" "utf-8") NIL NIL "8bit" 16 0 NIL NIL NIL NIL) "alternative" ("boundary" "inner") NIL NIL NIL) 19 NIL NIL NIL NIL) "mixed" ("boundary" "outer boundary") NIL NIL NIL))imap",
                        R"imap((("text" "x-report" ("charset" "us-ascii" "title" "weekly \"A\" report") "<report@stttt.example.gov.vn>" "Weekly report" "7bit" 14 1)("message" "rfc822" NIL NIL "=?utf-8?Q?Th=C6=B0_chuy=E1=BB=83n_ti=E1=BA=BFp?=" "7bit" 437 ("Sun, 10 Mar 2024 08:00:00 +0700" "Inner" ((NIL NIL "chi.le" "ubnd.example.gov.vn")) ((NIL NIL "chi.le" "ubnd.example.gov.vn")) ((NIL NIL "chi.le" "ubnd.example.gov.vn")) ((NIL NIL "a" "stttt.example.gov.vn")(NIL NIL "b" "stttt.example.gov.vn")) NIL NIL NIL NIL) (("text" "plain" ("charset" "utf-8") NIL NIL "8bit" 9 0)("text" "html" ("charset" "utf-8") NIL NIL "8bit" 16 0) "alternative") 19) "mixed"))imap",
                        {"1 text/x-report", "2 message/rfc822", "2.1 text/plain", "2.2 text/html"},
                        "Nested structure",
                        {{"1", "Report text.\r\n"},
                         {"2.1", "Xin ch\xC3\xA0o"},
                         {"2.2", "<p>Xin ch\xC3\xA0o</p>"},
                         {"2.HEADER",
                          "From: chi.le@ubnd.example.gov.vn\r\n"
                          "To: a@stttt.example.gov.vn, b@stttt.example.gov.vn\r\n"
                          "Date: Sun, 10 Mar 2024 08:00:00 +0700\r\n"
                          "Subject: Inner\r\n"
                          "Content-Type: multipart/alternative; boundary=inner\r\n\r\n"},
                         {"2.1.MIME",
                          "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: "
                          "8bit\r\n\r\n"}},
                    },
                };
    return cases;
}

class CorpusTest : public testing::TestWithParam<CorpusCase> {
protected:
    void SetUp() override {
        raw_ = load_corpus(GetParam().file);
        info_ = analyze(raw_);
    }

    std::string raw_;
    MessageInfo info_;
};

TEST_P(CorpusTest, ImapFetchData) {
    EXPECT_EQ(info_.imap_envelope, GetParam().envelope);
    EXPECT_EQ(info_.imap_bodystructure, GetParam().bodystructure);
    if (!GetParam().body.empty()) {
        EXPECT_EQ(info_.imap_body, GetParam().body);
    }
    EXPECT_EQ(test::imap_syntax_error(info_.imap_envelope), "");
    EXPECT_EQ(test::imap_syntax_error(info_.imap_bodystructure), "");
    EXPECT_EQ(test::imap_syntax_error(info_.imap_body), "");
}

TEST_P(CorpusTest, PartsAndSections) {
    std::vector<std::string> parts;
    for (const Part& p : info_.parts) {
        parts.push_back(p.section + " " + p.type + "/" + p.subtype);
    }
    EXPECT_EQ(parts, GetParam().parts);
    EXPECT_EQ(info_.subject, GetParam().subject);
}

TEST_P(CorpusTest, OffsetsSliceExactBytes) {
    test::expect_consistent(raw_, info_);
    for (const auto& [spec, bytes] : GetParam().bytes) {
        EXPECT_EQ(fetch(raw_, info_, spec), bytes) << "BODY[" << spec << "]";
    }
    EXPECT_EQ(fetch(raw_, info_, ""), raw_);
}

TEST_P(CorpusTest, SerializationRoundTrip) {
    const std::string bytes = info_.serialize();
    const auto back = MessageInfo::deserialize(bytes);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, info_);
    const auto view = MessageInfoView::parse(bytes);
    ASSERT_TRUE(view.has_value());
    EXPECT_EQ(view->imap_envelope, info_.imap_envelope);
    EXPECT_EQ(view->imap_bodystructure, info_.imap_bodystructure);
    EXPECT_EQ(view->imap_body, info_.imap_body);
    EXPECT_EQ(view->size, info_.size);
    EXPECT_EQ(view->header, info_.header);
    EXPECT_EQ(view->text, info_.text);
}

std::vector<Address> addresses_from_json(const nlohmann::json& list) {
    std::vector<Address> out;
    for (const auto& pair : list) {
        out.push_back(Address{pair[0].get<std::string>(), pair[1].get<std::string>()});
    }
    return out;
}

std::string hex(std::string_view bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (const char c : bytes) {
        out.push_back(kDigits[(static_cast<unsigned char>(c) >> 4) & 0xF]);
        out.push_back(kDigits[static_cast<unsigned char>(c) & 0xF]);
    }
    return out;
}

TEST_P(CorpusTest, MatchesPythonEmail) {
    const auto script = govmail::test::source_dir() / "tests" / "mime" / "email_reference.py";
    const auto file = test::corpus_dir() / GetParam().file;
    const govmail::test::RunResult result = govmail::test::run({"python3", script, file});
    ASSERT_EQ(result.status, 0) << result.output;
    const nlohmann::json ref = nlohmann::json::parse(result.output);

    EXPECT_EQ(
        info_.subject, ref["subject"].is_null() ? std::string() : ref["subject"].get<std::string>()
    );
    EXPECT_EQ(info_.from, addresses_from_json(ref["from"]));
    EXPECT_EQ(info_.to, addresses_from_json(ref["to"]));
    EXPECT_EQ(info_.cc, addresses_from_json(ref["cc"]));
    if (GetParam().python == Python::HeadersOnly) {
        return;
    }
    std::vector<const Part*> leaves;
    for (const Part& p : info_.parts) {
        if (!p.is_multipart() && !p.is_message()) {
            leaves.push_back(&p);
        }
    }
    const auto& parts = ref["parts"];
    ASSERT_EQ(leaves.size(), parts.size());
    for (std::size_t i = 0; i < leaves.size(); ++i) {
        const Part& p = *leaves[i];
        SCOPED_TRACE("part " + p.section);
        EXPECT_EQ(p.type + "/" + p.subtype, parts[i]["type"].get<std::string>());
        std::string decoded = decode_part_body(raw_, p).value_or("(unknown encoding)");
        if (GetParam().python == Python::UnclosedLastPart && i + 1 == leaves.size()) {
            decoded.resize(decoded.size() - (decoded.ends_with("\r\n") ? 2 : 1));
        }
        EXPECT_EQ(hex(decoded), parts[i]["payload"].get<std::string>());
        const std::string filename = parts[i]["filename"].is_null()
                                         ? std::string()
                                         : parts[i]["filename"].get<std::string>();
        EXPECT_EQ(p.filename, filename);
    }
}

INSTANTIATE_TEST_SUITE_P(Mime, CorpusTest, testing::ValuesIn(corpus_cases()), [](const auto& info) {
    // "no-closing-boundary.eml" -> "NoClosingBoundary"
    std::string name;
    bool upper = true;
    for (const char c : info.param.file.substr(0, info.param.file.find('.'))) {
        if (c == '-') {
            upper = true;
            continue;
        }
        name.push_back(upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c);
        upper = false;
    }
    return name;
});

TEST(Corpus, EveryFileHasExpectations) {
    std::vector<std::string> listed;
    for (const CorpusCase& c : corpus_cases()) {
        listed.push_back(c.file);
    }
    std::sort(listed.begin(), listed.end());
    EXPECT_EQ(listed, test::corpus_files());
}

// The same message with CRLF and with bare LF line ends has the same structure and decoded
// fields; only sizes and offsets differ, and they still slice the right bytes.
TEST(Corpus, BareLfAndCrlfAgree) {
    for (const std::string& file : test::corpus_files()) {
        SCOPED_TRACE(file);
        std::string crlf = load_corpus(file);
        std::string lf;
        for (std::size_t i = 0; i < crlf.size(); ++i) {
            if (!(crlf[i] == '\r' && i + 1 < crlf.size() && crlf[i + 1] == '\n')) {
                lf.push_back(crlf[i]);
            }
        }
        const MessageInfo a = analyze(crlf);
        const MessageInfo b = analyze(lf);
        test::expect_consistent(lf, b);
        ASSERT_EQ(a.parts.size(), b.parts.size());
        for (std::size_t i = 0; i < a.parts.size(); ++i) {
            EXPECT_EQ(a.parts[i].section, b.parts[i].section);
            EXPECT_EQ(a.parts[i].type, b.parts[i].type);
            EXPECT_EQ(a.parts[i].subtype, b.parts[i].subtype);
            EXPECT_EQ(a.parts[i].lines, b.parts[i].lines);
            EXPECT_EQ(a.parts[i].filename, b.parts[i].filename);
        }
        EXPECT_EQ(a.imap_envelope, b.imap_envelope);
        EXPECT_EQ(a.subject, b.subject);
        EXPECT_EQ(a.from, b.from);
        EXPECT_EQ(a.to, b.to);
    }
}

TEST(Corpus, DecodedFieldsOfSimpleMessage) {
    const std::string raw = load_corpus("simple.eml");
    const MessageInfo info = analyze(raw);
    EXPECT_EQ(
        info.from, (std::vector<Address>{{"Nguyen Van An", "an.nguyen@stttt.example.gov.vn"}})
    );
    EXPECT_EQ(info.sender, (std::vector<Address>{{"Van thu", "vanthu@stttt.example.gov.vn"}}));
    EXPECT_EQ(info.reply_to, (std::vector<Address>{{"", "phongtchc@stttt.example.gov.vn"}}));
    EXPECT_EQ(info.bcc, (std::vector<Address>{{"", "luu@stttt.example.gov.vn"}}));
    EXPECT_EQ(info.date, 1709256600);  // 2024-03-01T01:30:00Z
    EXPECT_EQ(info.date_raw, "Fri, 1 Mar 2024 08:30:00 +0700");
    EXPECT_EQ(info.message_id, "<20240301.1@stttt.example.gov.vn>");
    EXPECT_EQ(info.in_reply_to, std::vector<std::string>{"<20240229.7@ubnd.example.gov.vn>"});
    EXPECT_EQ(
        info.references,
        (std::vector<std::string>{
            "<20240228.3@ubnd.example.gov.vn>", "<20240229.7@ubnd.example.gov.vn>"})
    );
    EXPECT_FALSE(info.has_attachments);
}

TEST(Corpus, AttachmentsAndFilenames) {
    const MessageInfo mixed = analyze(load_corpus("mixed-rfc822.eml"));
    EXPECT_TRUE(mixed.has_attachments);
    EXPECT_EQ(mixed.find_part("3")->filename, "Gi\u1EA5y m\u1EDDi h\u1ECDp s\u1ED1 12.pdf");
    EXPECT_EQ(mixed.find_part("3")->disposition, "attachment");
    EXPECT_EQ(*mixed.find_part("3")->decoded_size, 768u);

    const MessageInfo rfc2231 = analyze(load_corpus("rfc2231.eml"));
    EXPECT_EQ(rfc2231.find_part("2")->filename, "Quy\u1EBFt \u0110\u1ECBnh.doc");  // NFC
    EXPECT_EQ(rfc2231.find_part("3")->filename, "very long file name split in two.txt");
    EXPECT_EQ(rfc2231.find_part("4")->filename, "B\u1EA3ng k\u00EA.xlsx");
    EXPECT_EQ(rfc2231.find_part("5")->filename, "caf\u00E9.txt");

    // An S/MIME signature is not an attachment people look for; an opaque forwarded message is.
    EXPECT_FALSE(analyze(load_corpus("signed.eml")).has_attachments);
    EXPECT_TRUE(analyze(load_corpus("encoded-rfc822.eml")).has_attachments);
    EXPECT_TRUE(analyze(load_corpus("encoded-rfc822.eml")).find_part("2")->opaque);
}

}  // namespace
}  // namespace govmail::mime
