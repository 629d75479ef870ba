#include "smtp/command.hpp"

#include <gtest/gtest.h>

namespace govmail::smtp {
namespace {

// A canonical one-line description of a parsed command, for table tests.
std::string describe(const Command& command) {
    std::string out(to_string(verb_of(command)));
    auto notify = [](const Notify& n) {
        if (n.never) {
            return std::string("NEVER");
        }
        std::string flags;
        for (auto [on, name] :
             {std::pair{n.success, "SUCCESS"}, {n.failure, "FAILURE"}, {n.delay, "DELAY"}}) {
            if (on) {
                flags += flags.empty() ? name : std::string(",") + name;
            }
        }
        return flags;
    };
    if (const auto* c = std::get_if<Helo>(&command)) {
        out += " " + c->domain;
    } else if (const auto* c = std::get_if<Ehlo>(&command)) {
        out += " " + c->domain;
    } else if (const auto* c = std::get_if<Mail>(&command)) {
        out += " " + c->path.to_string();
        const MailParams& p = c->params;
        if (p.size) {
            out += " size=" + std::to_string(*p.size);
        }
        if (p.body == BodyType::EightBitMime) {
            out += " body=8BITMIME";
        } else if (p.body == BodyType::BinaryMime) {
            out += " body=BINARYMIME";
        }
        if (p.smtputf8) {
            out += " smtputf8";
        }
        if (p.auth) {
            out += " auth=" + *p.auth;
        }
        if (p.ret != Ret::Unspecified) {
            out += p.ret == Ret::Full ? " ret=FULL" : " ret=HDRS";
        }
        if (!p.envid.empty()) {
            out += " envid=" + p.envid;
        }
    } else if (const auto* c = std::get_if<Rcpt>(&command)) {
        out += " <" + c->path.to_string() + ">";
        if (c->params.notify.given()) {
            out += " notify=" + notify(c->params.notify);
        }
        if (c->params.orcpt) {
            out += " orcpt=" + c->params.orcpt->type + ";" + c->params.orcpt->value;
        }
    } else if (const auto* c = std::get_if<Bdat>(&command)) {
        out += " " + std::to_string(c->size) + (c->last ? " LAST" : "");
    } else if (const auto* c = std::get_if<Vrfy>(&command)) {
        out += " " + c->argument;
    } else if (const auto* c = std::get_if<Expn>(&command)) {
        out += " " + c->argument;
    } else if (const auto* c = std::get_if<Help>(&command)) {
        out += c->topic.empty() ? "" : " " + c->topic;
    } else if (const auto* c = std::get_if<Auth>(&command)) {
        out += " " + c->mechanism;
        if (c->initial_response) {
            out += " ir=" + *c->initial_response;
        }
    }
    return out;
}

struct CommandCase {
    std::string line;
    std::string expected;  // describe() of the command, or "error <code> <status>"
};

class Commands : public testing::TestWithParam<CommandCase> {};

TEST_P(Commands, Parse) {
    const CommandCase& c = GetParam();
    auto parsed = parse_command(c.line);
    if (parsed) {
        EXPECT_EQ(describe(*parsed), c.expected) << c.line;
        return;
    }
    Reply reply = reply_for(parsed.error().errc, parsed.error().detail);
    EXPECT_EQ(
        "error " + std::to_string(reply.code()) + " " + std::string(reply.status()), c.expected
    ) << c.line
      << ": " << reply.wire();
}

INSTANTIATE_TEST_SUITE_P(
    Table,
    Commands,
    testing::Values(
        CommandCase{"EHLO client.example", "EHLO client.example"},
        CommandCase{"ehlo client.example", "EHLO client.example"},
        CommandCase{"EHLO [IPv6:::1]", "EHLO [IPv6:::1]"},
        CommandCase{"EHLO DESKTOP_7", "EHLO DESKTOP_7"},
        CommandCase{"EHLO   padded  ", "EHLO padded"},
        CommandCase{"EHLO", "error 501 5.5.2"},
        CommandCase{"EHLO a b", "error 501 5.5.4"},
        CommandCase{"HELO mail.vn", "HELO mail.vn"},
        CommandCase{"EHLOX", "error 500 5.5.2"},
        CommandCase{"GET / HTTP/1.1", "error 500 5.5.2"},
        CommandCase{"", "error 500 5.5.2"},
        CommandCase{"MAIL FROM:<a@b.vn>", "MAIL <a@b.vn>"},
        CommandCase{"mail from:<a@b.vn>", "MAIL <a@b.vn>"},
        CommandCase{"MAIL FROM: <a@b.vn>", "MAIL <a@b.vn>"},
        CommandCase{"MAIL FROM:<>", "MAIL <>"},
        CommandCase{"MAIL FROM:<a@b.vn> ", "MAIL <a@b.vn>"},
        CommandCase{"MAIL FROM:a@b.vn", "error 501 5.5.2"},
        CommandCase{"MAIL TO:<a@b.vn>", "error 501 5.5.2"},
        CommandCase{"MAIL FROM:<a@@b.vn>", "error 501 5.1.7"},
        CommandCase{"MAIL FROM:<a@b.vn>SIZE=1", "error 501 5.5.2"},
        CommandCase{
            "MAIL FROM:<a@b.vn> SIZE=1000 BODY=8BITMIME", "MAIL <a@b.vn> size=1000 body=8BITMIME"},
        CommandCase{
            "MAIL FROM:<a@b.vn>  size=7  body=binarymime", "MAIL <a@b.vn> size=7 body=BINARYMIME"},
        CommandCase{"MAIL FROM:<a@b.vn> BODY=7BIT", "MAIL <a@b.vn>"},
        CommandCase{"MAIL FROM:<a@b.vn> BODY=9BIT", "error 501 5.5.4"},
        CommandCase{"MAIL FROM:<a@b.vn> SIZE=x", "error 501 5.5.4"},
        CommandCase{"MAIL FROM:<a@b.vn> SIZE=-1", "error 501 5.5.4"},
        CommandCase{"MAIL FROM:<a@b.vn> SIZE=99999999999999999999999", "error 501 5.5.4"},
        CommandCase{"MAIL FROM:<a@b.vn> SIZE=1 SIZE=2", "error 501 5.5.4"},
        CommandCase{"MAIL FROM:<a@b.vn> SIZE", "error 501 5.5.4"},
        CommandCase{"MAIL FROM:<a@b.vn> SIZE=", "error 501 5.5.4"},
        CommandCase{"MAIL FROM:<a@b.vn> SMTPUTF8", "MAIL <a@b.vn> smtputf8"},
        CommandCase{"MAIL FROM:<a@b.vn> SMTPUTF8=yes", "error 501 5.5.4"},
        CommandCase{"MAIL FROM:<thư@b.vn> SMTPUTF8", "MAIL <thư@b.vn> smtputf8"},
        CommandCase{"MAIL FROM:<a@b.vn> AUTH=<>", "MAIL <a@b.vn> auth=<>"},
        CommandCase{"MAIL FROM:<a@b.vn> AUTH=an+2Bx@b.vn", "MAIL <a@b.vn> auth=an+x@b.vn"},
        CommandCase{"MAIL FROM:<a@b.vn> AUTH=bad+zz", "error 501 5.5.4"},
        CommandCase{
            "MAIL FROM:<a@b.vn> RET=HDRS ENVID=QQ314159", "MAIL <a@b.vn> ret=HDRS envid=QQ314159"},
        CommandCase{"MAIL FROM:<a@b.vn> RET=full", "MAIL <a@b.vn> ret=FULL"},
        CommandCase{"MAIL FROM:<a@b.vn> RET=ALL", "error 501 5.5.4"},
        CommandCase{"MAIL FROM:<a@b.vn> ENVID=" + std::string(101, 'x'), "error 501 5.5.4"},
        CommandCase{"MAIL FROM:<a@b.vn> XFORWARD=1", "error 555 5.5.4"},
        CommandCase{"MAIL FROM:<a@b.vn> NOTIFY=NEVER", "error 555 5.5.4"},
        CommandCase{"MAIL FROM:<a@b.vn> =x", "error 501 5.5.4"},
        CommandCase{"RCPT TO:<b@c.vn>", "RCPT <b@c.vn>"},
        CommandCase{"RCPT TO:<Postmaster>", "RCPT <Postmaster>"},
        CommandCase{"RCPT TO:<>", "error 501 5.1.3"},
        CommandCase{
            "RCPT TO:<b@c.vn> NOTIFY=SUCCESS,FAILURE", "RCPT <b@c.vn> notify=SUCCESS,FAILURE"},
        CommandCase{"RCPT TO:<b@c.vn> NOTIFY=never", "RCPT <b@c.vn> notify=NEVER"},
        CommandCase{"RCPT TO:<b@c.vn> NOTIFY=DELAY", "RCPT <b@c.vn> notify=DELAY"},
        CommandCase{"RCPT TO:<b@c.vn> NOTIFY=NEVER,SUCCESS", "error 501 5.5.4"},
        CommandCase{"RCPT TO:<b@c.vn> NOTIFY=SUCCESS,", "error 501 5.5.4"},
        CommandCase{
            "RCPT TO:<b@c.vn> ORCPT=rfc822;b+2Bx@c.vn", "RCPT <b@c.vn> orcpt=rfc822;b+2Bx@c.vn"},
        CommandCase{
            "RCPT TO:<b@c.vn> ORCPT=utf-8;th\\x{1B0}@c.vn",
            "RCPT <b@c.vn> orcpt=utf-8;th\\x{1B0}@c.vn"},
        CommandCase{"RCPT TO:<b@c.vn> ORCPT=utf-8;thư@c.vn", "RCPT <b@c.vn> orcpt=utf-8;thư@c.vn"},
        CommandCase{"RCPT TO:<b@c.vn> ORCPT=rfc822;thư@c.vn", "error 501 5.5.4"},
        CommandCase{"RCPT TO:<b@c.vn> ORCPT=rfc822", "error 501 5.5.4"},
        CommandCase{"RCPT TO:<b@c.vn> ORCPT=rfc822;a+zz", "error 501 5.5.4"},
        CommandCase{"RCPT TO:<b@c.vn> SIZE=10", "error 555 5.5.4"},
        CommandCase{"RCPT TO:b@c.vn", "error 501 5.5.2"},
        CommandCase{"RCPT TO:<b@c.vn", "error 501 5.1.3"},
        CommandCase{"DATA", "DATA"},
        CommandCase{"DATA now", "error 501 5.5.4"},
        CommandCase{"BDAT 1000", "BDAT 1000"},
        CommandCase{"BDAT 0 LAST", "BDAT 0 LAST"},
        CommandCase{"bdat 5 last", "BDAT 5 LAST"},
        CommandCase{"BDAT", "error 501 5.5.4"},
        CommandCase{"BDAT -1", "error 501 5.5.4"},
        CommandCase{"BDAT 5 FIRST", "error 501 5.5.4"},
        CommandCase{"BDAT 18446744073709551616", "error 501 5.5.4"},
        CommandCase{"RSET", "RSET"},
        CommandCase{"RSET x", "error 501 5.5.4"},
        CommandCase{"NOOP", "NOOP"},
        CommandCase{"NOOP anything at all", "NOOP"},
        CommandCase{"QUIT", "QUIT"},
        CommandCase{"VRFY alice", "VRFY alice"},
        CommandCase{"VRFY", "error 501 5.5.2"},
        CommandCase{"EXPN staff", "EXPN staff"},
        CommandCase{"HELP", "HELP"},
        CommandCase{"HELP MAIL", "HELP MAIL"},
        CommandCase{"STARTTLS", "STARTTLS"},
        CommandCase{"STARTTLS now", "error 501 5.5.4"},
        CommandCase{"AUTH PLAIN", "AUTH PLAIN"},
        CommandCase{"auth login dXNlcg==", "AUTH LOGIN ir=dXNlcg=="},
        CommandCase{"AUTH PLAIN =", "AUTH PLAIN ir=="},
        CommandCase{"AUTH", "error 501 5.5.2"},
        CommandCase{"AUTH PL@IN", "error 501 5.5.2"},
        CommandCase{"AUTH PLAIN a b", "error 501 5.5.2"},
        CommandCase{"AUTH X-A-VERY-LONG-MECHANISM-NAME", "error 501 5.5.2"}
    )
);

TEST(Commands, VerbOnly) {
    EXPECT_EQ(parse_verb("mail FROM:<x>"), Verb::Mail);
    EXPECT_EQ(parse_verb("STARTTLS"), Verb::StartTls);
    EXPECT_EQ(parse_verb("STARTTLSX"), Verb::Unknown);
    EXPECT_EQ(parse_verb("\x16\x03\x01"), Verb::Unknown);
}

TEST(Xtext, ValidateAndDecode) {
    EXPECT_TRUE(valid_xtext("abc+2B+3D"));
    EXPECT_FALSE(valid_xtext("a=b"));
    EXPECT_FALSE(valid_xtext("a b"));
    EXPECT_FALSE(valid_xtext("a+2"));
    EXPECT_FALSE(valid_xtext("a+"));
    EXPECT_EQ(decode_xtext("an+2Bnv+3D@b.vn"), "an+nv=@b.vn");
    EXPECT_FALSE(decode_xtext("+G0"));
}

TEST(Commands, HostileInputNeverThrows) {
    std::string line;
    for (int i = 0; i < 4096; ++i) {
        line += static_cast<char>((i * 131 + 7) % 256);
        for (std::string_view prefix : {"", "MAIL FROM:", "RCPT TO:<", "AUTH ", "BDAT "}) {
            (void)parse_command(std::string(prefix) + line.substr(0, i % 300));
        }
    }
    SUCCEED();
}

}  // namespace
}  // namespace govmail::smtp
