// Parse once, store once: the MessageInfo of mime::analyze() stored with the blob serves
// ENVELOPE, BODYSTRUCTURE and BODY[section]<partial> from the store without parsing again.

#include "mime/analyze.hpp"
#include "tests/store/store_fixture.hpp"

#include <gtest/gtest.h>

namespace govmail::store::test {
namespace {

// multipart/mixed: 1 text/plain, 2 message/rfc822 (2.1 text/plain, 2.2 application/pdf),
// 3 a large base64 attachment.
std::string nested_message(std::size_t attachment_size) {
    std::string attachment;
    while (attachment.size() < attachment_size) {
        attachment +=
            "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAx\r\n";
    }
    return "From: =?UTF-8?B?Tmd1eeG7hW4gVsSDbiBB?= <a@stttt.example.gov.vn>\r\n"
           "To: vanthu@example.gov.vn\r\n"
           "Subject: =?UTF-8?B?Q8O0bmcgdsSDbiBz4buRIDEyMw==?=\r\n"
           "Date: Sat, 21 Nov 2026 10:00:00 +0700\r\n"
           "Message-ID: <m1@stttt.example.gov.vn>\r\n"
           "MIME-Version: 1.0\r\n"
           "Content-Type: multipart/mixed; boundary=\"outer\"\r\n"
           "\r\n"
           "--outer\r\n"
           "Content-Type: text/plain; charset=utf-8\r\n"
           "\r\n"
           "Kính gửi các đơn vị.\r\n"
           "--outer\r\n"
           "Content-Type: message/rfc822\r\n"
           "\r\n"
           "Subject: inner\r\n"
           "Content-Type: multipart/mixed; boundary=\"inner\"\r\n"
           "\r\n"
           "--inner\r\n"
           "Content-Type: text/plain\r\n"
           "\r\n"
           "Inner text body.\r\n"
           "--inner\r\n"
           "Content-Type: application/pdf; name=\"a.pdf\"\r\n"
           "Content-Transfer-Encoding: base64\r\n"
           "\r\n"
           "JVBERi0xLjQK\r\n"
           "--inner--\r\n"
           "--outer\r\n"
           "Content-Type: application/octet-stream; name=\"big.bin\"\r\n"
           "Content-Transfer-Encoding: base64\r\n"
           "\r\n" +
           attachment + "--outer--\r\n";
}

TEST_F(StoreTest, MessageInfoFromMimeServesFetchWithoutParsingAgain) {
    MailboxId inbox = provision(1);
    std::string raw = nested_message(20 << 20);
    mime::MessageInfo analyzed = mime::analyze(raw);
    ASSERT_NE(analyzed.find_part("2.1"), nullptr);
    PreparedMessage msg(raw, analyzed.serialize());
    Appended a = append(inbox, msg);

    read([&](const StoreReader& r) {
        auto record = *r.message(inbox, a.uid);
        EXPECT_EQ(record.size, raw.size());
        auto bytes = r.message_info(record.blob);
        ASSERT_TRUE(bytes);
        // FETCH ENVELOPE / BODYSTRUCTURE: views of the stored bytes.
        auto view = mime::MessageInfoView::parse(bytes->view());
        ASSERT_TRUE(view);
        EXPECT_EQ(view->imap_envelope, analyzed.imap_envelope);
        EXPECT_EQ(view->imap_bodystructure, analyzed.imap_bodystructure);
        EXPECT_EQ(view->size, raw.size());
        // FETCH BODY[2.1] and BODY[2.1]<2.6>: offsets from the stored info, bytes from the blob.
        auto info = mime::MessageInfo::deserialize(bytes->view());
        ASSERT_TRUE(info);
        EXPECT_EQ(info->subject, "Công văn số 123");
        const mime::Part* part = info->find_part("2.1");
        ASSERT_NE(part, nullptr);
        auto blob = r.blob(record.blob);
        EXPECT_EQ(blob->copy(part->body.offset, part->body.length), "Inner text body.");
        EXPECT_EQ(blob->copy(part->body.offset + 2, 6), "ner te");
        // BODY[1] of this 20 MB message lies in the first chunk: one piece, one chunk read.
        const mime::Part* text = info->find_part("1");
        int pieces = 0;
        blob->read(text->body.offset, text->body.length, [&](std::string_view) { ++pieces; });
        EXPECT_EQ(pieces, 1);
        EXPECT_EQ(
            blob->copy(text->body.offset, text->body.length), std::string(text->body.slice(raw))
        );
    });
    expect_consistent();
}

}  // namespace
}  // namespace govmail::store::test
