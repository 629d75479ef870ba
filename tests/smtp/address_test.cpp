#include "smtp/address.hpp"

#include <gtest/gtest.h>

namespace govmail::smtp {
namespace {

struct PathCase {
    std::string name;
    std::string text;
    PathKind kind;
    std::string address;     // Mailbox::to_string(), "<>" for the null path, "" on error
    std::size_t length = 0;  // bytes used; 0: the whole text
    AddressError error = AddressError::Syntax;
};

class Paths : public testing::TestWithParam<PathCase> {};

TEST_P(Paths, Parse) {
    const PathCase& c = GetParam();
    auto parsed = parse_path(c.text, c.kind);
    if (c.address.empty()) {
        ASSERT_FALSE(parsed) << c.text;
        EXPECT_EQ(parsed.error(), c.error);
        return;
    }
    ASSERT_TRUE(parsed) << c.text << ": " << describe(parsed.error());
    EXPECT_EQ(parsed->mailbox ? parsed->mailbox->to_string() : "<>", c.address);
    EXPECT_EQ(parsed->length, c.length == 0 ? c.text.size() : c.length);
}

const std::string kLocal64(64, 'a');
const std::string kLocal65(65, 'a');
// 4 labels of 63 + 3 dots = 255 octets; one more label makes it too long.
const std::string kDomain255 = std::string(63, 'd') + "." + std::string(63, 'd') + "." +
                               std::string(63, 'd') + "." + std::string(63, 'd');

INSTANTIATE_TEST_SUITE_P(
    Table,
    Paths,
    testing::Values(
        PathCase{"Simple", "<an@tinh.gov.vn>", PathKind::Forward, "an@tinh.gov.vn"},
        PathCase{"DomainLowerCased", "<An@Tinh.GOV.vn>", PathKind::Forward, "An@tinh.gov.vn"},
        PathCase{"Null", "<>", PathKind::Reverse, "<>"},
        PathCase{"NullOnlyForMail", "<>", PathKind::Forward, ""},
        PathCase{"FollowedByParams", "<a@b.vn> SIZE=10", PathKind::Reverse, "a@b.vn", 8},
        PathCase{
            "Atext",
            "<a!#$%&'*+-/=?^_`{|}~z@b.vn>",
            PathKind::Forward,
            "a!#$%&'*+-/=?^_`{|}~z@b.vn"},
        PathCase{"DotString", "<nguyen.van.a@b.vn>", PathKind::Forward, "nguyen.van.a@b.vn"},
        PathCase{"LeadingDot", "<.a@b.vn>", PathKind::Forward, ""},
        PathCase{"TrailingDot", "<a.@b.vn>", PathKind::Forward, ""},
        PathCase{"DoubleDot", "<a..b@b.vn>", PathKind::Forward, ""},
        PathCase{"QuotedNeeded", "<\"an nguyen\"@b.vn>", PathKind::Forward, "\"an nguyen\"@b.vn"},
        PathCase{"QuotedNotNeeded", "<\"an\"@b.vn>", PathKind::Forward, "an@b.vn"},
        PathCase{"QuotedPair", "<\"a\\\"b\\\\c\"@b.vn>", PathKind::Forward, "\"a\\\"b\\\\c\"@b.vn"},
        PathCase{"QuotedWithAngle", "<\"a>b\"@b.vn> X", PathKind::Forward, "\"a>b\"@b.vn", 12},
        PathCase{"QuotedEmpty", "<\"\"@b.vn>", PathKind::Forward, ""},
        PathCase{"QuotedUnterminated", "<\"ab@b.vn>", PathKind::Forward, ""},
        PathCase{"QuotedControl", "<\"a\x01\"@b.vn>", PathKind::Forward, ""},
        PathCase{"Ipv4Literal", "<a@[192.0.2.1]>", PathKind::Forward, "a@[192.0.2.1]"},
        PathCase{"Ipv4LiteralOutOfRange", "<a@[192.0.2.256]>", PathKind::Forward, ""},
        PathCase{"Ipv4LiteralShort", "<a@[192.0.2]>", PathKind::Forward, ""},
        PathCase{
            "Ipv6Literal", "<a@[IPv6:2001:DB8::1]>", PathKind::Forward, "a@[IPv6:2001:db8::1]"},
        PathCase{"Ipv6LiteralTagCase", "<a@[ipv6:::1]>", PathKind::Forward, "a@[IPv6:::1]"},
        PathCase{"Ipv6LiteralBad", "<a@[IPv6:2001:db8::g]>", PathKind::Forward, ""},
        PathCase{"Ipv6ScopeRefused", "<a@[IPv6:fe80::1%eth0]>", PathKind::Forward, ""},
        PathCase{"GeneralLiteralRefused", "<a@[x400:c=vn]>", PathKind::Forward, ""},
        PathCase{
            "SourceRouteIgnored", "<@relay.vn,@[192.0.2.1]:a@b.vn>", PathKind::Forward, "a@b.vn"},
        PathCase{"SourceRouteBroken", "<@relay.vn;a@b.vn>", PathKind::Forward, ""},
        PathCase{"Postmaster", "<Postmaster>", PathKind::Forward, "Postmaster"},
        PathCase{
            "PostmasterAnyCase", "<POSTMASTER> NOTIFY=NEVER", PathKind::Forward, "POSTMASTER", 12},
        PathCase{"PostmasterNotForMail", "<Postmaster>", PathKind::Reverse, ""},
        PathCase{"NoDomain", "<alice>", PathKind::Forward, ""},
        PathCase{"NoBrackets", "a@b.vn", PathKind::Forward, ""},
        PathCase{"Unclosed", "<a@b.vn", PathKind::Forward, ""},
        PathCase{"LabelHyphenEdge", "<a@-b.vn>", PathKind::Forward, ""},
        PathCase{"LabelHyphenEnd", "<a@b-.vn>", PathKind::Forward, ""},
        PathCase{"LabelHyphenInside", "<a@b-c.vn>", PathKind::Forward, "a@b-c.vn"},
        PathCase{"LabelTooLong", "<a@" + std::string(64, 'l') + ".vn>", PathKind::Forward, ""},
        PathCase{"TrailingDotDomain", "<a@b.vn.>", PathKind::Forward, ""},
        PathCase{"Utf8Local", "<thư@tinh.gov.vn>", PathKind::Forward, "thư@tinh.gov.vn"},
        PathCase{"Utf8Domain", "<a@bộ.vn>", PathKind::Forward, "a@bộ.vn"},
        PathCase{"Utf8Quoted", "<\"thư ký\"@b.vn>", PathKind::Forward, "\"thư ký\"@b.vn"},
        PathCase{"Utf8Overlong", "<\xc0\xafx@b.vn>", PathKind::Forward, ""},
        PathCase{"Utf8Truncated", "<a\xe1\xba@b.vn>", PathKind::Forward, ""},
        PathCase{"Utf8Surrogate", "<a\xed\xa0\x80@b.vn>", PathKind::Forward, ""},
        PathCase{"LocalPart64", "<" + kLocal64 + "@b.vn>", PathKind::Forward, kLocal64 + "@b.vn"},
        PathCase{
            "LocalPart65",
            "<" + kLocal65 + "@b.vn>",
            PathKind::Forward,
            "",
            0,
            AddressError::LocalPartTooLong},
        PathCase{
            "Domain257",
            "<a@x." + kDomain255 + ">",
            PathKind::Forward,
            "",
            0,
            AddressError::DomainTooLong},
        PathCase{
            "PathTooLong",
            "<" + kLocal64 + "@" + kDomain255.substr(0, 190) + ">",
            PathKind::Forward,
            "",
            0,
            AddressError::PathTooLong}
    ),
    [](const auto& info) { return info.param.name; }
);

TEST(Mailbox, ParseWholeText) {
    auto mailbox = parse_mailbox("An.Nguyen@Tinh.Gov.VN");
    ASSERT_TRUE(mailbox);
    EXPECT_EQ(mailbox->local_part, "An.Nguyen");
    EXPECT_EQ(mailbox->domain, "tinh.gov.vn");
    EXPECT_FALSE(mailbox->utf8());
    EXPECT_FALSE(parse_mailbox("a@b.vn "));
    EXPECT_FALSE(parse_mailbox("<a@b.vn>"));
    EXPECT_TRUE(parse_mailbox("thư@b.vn")->utf8());
}

TEST(Utf8, Sequences) {
    EXPECT_EQ(utf8_sequence("ư"), 2U);
    EXPECT_EQ(utf8_sequence("ộ"), 3U);
    EXPECT_EQ(utf8_sequence("\xf0\x9f\x93\xa7"), 4U);  // U+1F4E7
    EXPECT_EQ(utf8_sequence("\xf4\x90\x80\x80"), 0U);  // > U+10FFFF
    EXPECT_EQ(utf8_sequence("\xe0\x80\x80"), 0U);      // overlong
    EXPECT_EQ(utf8_sequence("a"), 0U);
    EXPECT_EQ(utf8_sequence(""), 0U);
}

TEST(ReversePath, ToString) {
    EXPECT_EQ(ReversePath{}.to_string(), "<>");
    ReversePath quoted{Mailbox{"a b", "x.vn"}};
    EXPECT_EQ(quoted.to_string(), "<\"a b\"@x.vn>");
}

}  // namespace
}  // namespace govmail::smtp
