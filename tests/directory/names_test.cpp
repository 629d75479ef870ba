#include "directory/names.hpp"

#include "core/config.hpp"

#include <gtest/gtest.h>

namespace govmail::directory {
namespace {

struct AddressCase {
    const char* test;
    const char* name;
    const char* pattern;
    const char* expected;
};

class AddressGeneration : public testing::TestWithParam<AddressCase> {};

TEST_P(AddressGeneration, RendersPattern) {
    AddressPattern pattern(GetParam().pattern);
    EXPECT_EQ(pattern.render(split_name(GetParam().name), "stttt", 1), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Table,
    AddressGeneration,
    testing::Values(
        AddressCase{"Regulation", "Nguyễn Ngọc Thanh", "{given}{initials}.{unit}", "thanhnn.stttt"},
        AddressCase{
            "FourWords", "Nguyễn Thị Ánh Tuyết", "{given}{initials}.{unit}", "tuyetnta.stttt"},
        AddressCase{"DStroke", "Đặng Đình Đức", "{given}{initials}.{unit}", "ducdd.stttt"},
        AddressCase{
            "FiveWords", "Tôn Nữ Thị Ngọc Diệp", "{given}{initials}.{unit}", "dieptntn.stttt"},
        AddressCase{"ThreeWords", "Lê Ngọc Hân", "{given}{initials}.{unit}", "hanln.stttt"},
        // "Nguyễn Ngọc Thanh" typed with combining marks (NFD).
        AddressCase{
            "Decomposed",
            "Nguye\xcc\x82\xcc\x83n Ngo\xcc\xa3\x63 Thanh",
            "{given}{initials}.{unit}",
            "thanhnn.stttt"},
        AddressCase{
            "StraySpaces",
            "  Nguyễn \t Ngọc\u00a0 Thanh  ",
            "{given}{initials}.{unit}",
            "thanhnn.stttt"},
        AddressCase{"OneWord", "Hùng", "{given}{initials}.{unit}", "hung.stttt"},
        AddressCase{"UpperCase", "NGUYỄN NGỌC THANH", "{given}{initials}.{unit}", "thanhnn.stttt"},
        AddressCase{"GivenInitials", "Nguyễn Ngọc Thanh", "{given}{initials}", "thanhnn"},
        AddressCase{"GivenDotFamily", "Đặng Đình Đức", "{given}.{family}", "duc.dang"},
        AddressCase{
            "FamilyMiddleGiven",
            "Tôn Nữ Thị Ngọc Diệp",
            "{family}{middle}{given}",
            "tonnuthingocdiep"},
        AddressCase{"EmptyFamilyLeavesNoDot", "Hùng", "{given}.{family}", "hung"},
        AddressCase{"NoLetters", "  ", "{given}{initials}.{unit}", ""}
    ),
    [](const auto& info) { return std::string(info.param.test); }
);

TEST(AddressGeneration, SuffixFollowsTheNamePart) {
    AddressPattern regulation("{given}{initials}.{unit}");
    EXPECT_EQ(regulation.render(split_name("Nguyễn Ngọc Thanh"), "stttt", 2), "thanhnn2.stttt");
    AddressPattern dotted("{given}.{family}");
    EXPECT_EQ(dotted.render(split_name("Nguyễn Ngọc Thanh"), "", 3), "thanh.nguyen3");
}

TEST(AddressGeneration, LongNamesStayWithin64Octets) {
    AddressPattern pattern("{family}{middle}{given}.{unit}");
    std::string name = "Nguyễn";
    for (int i = 0; i < 20; ++i) {
        name += " Phương";
    }
    std::string local = pattern.render(split_name(name), "stttt", 12);
    EXPECT_LE(local.size(), 64U);
    EXPECT_TRUE(local.ends_with("12.stttt")) << local;
}

TEST(AddressGeneration, EveryDefaultPatternIsValidConfiguration) {
    for (const char* p :
         {"{given}{initials}.{unit}",
          "{given}{initials}",
          "{given}.{family}",
          "{family}{middle}{given}"}) {
        EXPECT_FALSE(address_pattern_problem(p)) << p;
    }
}

TEST(Names, SplitsVietnameseOrder) {
    PersonName n = split_name("Tôn Nữ Thị Ngọc Diệp");
    EXPECT_EQ(n.full, "Tôn Nữ Thị Ngọc Diệp");
    EXPECT_EQ(n.family, "Tôn");
    EXPECT_EQ(n.middle, "Nữ Thị Ngọc");
    EXPECT_EQ(n.given, "Diệp");
    PersonName two = split_name("Lê Hân");
    EXPECT_EQ(two.family, "Lê");
    EXPECT_EQ(two.middle, "");
    EXPECT_EQ(two.given, "Hân");
    PersonName one = split_name(" Hùng ");
    EXPECT_EQ(one.full, "Hùng");
    EXPECT_EQ(one.family, "");
    EXPECT_EQ(one.given, "Hùng");
}

TEST(Names, NormalizesToNfc) {
    PersonName n = split_name("Nguye\xcc\x82\xcc\x83n Ngo\xcc\xa3\x63 Thanh");
    EXPECT_EQ(n.full, "Nguyễn Ngọc Thanh");
    EXPECT_EQ(n.family, "Nguyễn");
}

TEST(Names, DefaultShortCodeSkipsVa) {
    EXPECT_EQ(default_short_code("Sở Thông tin và Truyền thông"), "stttt");
    EXPECT_EQ(default_short_code("Sở Kế hoạch và Đầu tư"), "skhdt");
    EXPECT_EQ(default_short_code("Ủy ban nhân dân tỉnh"), "ubndt");
    EXPECT_EQ(default_short_code("Phường 7"), "p7");
    EXPECT_EQ(default_short_code("Văn phòng"), "vp");
    EXPECT_EQ(default_short_code(""), "");
}

TEST(Names, AddressSyntax) {
    EXPECT_EQ(normalize_address("ThanhNN.STTTT@Example.gov.vn"), "thanhnn.stttt@example.gov.vn");
    EXPECT_EQ(normalize_address("a+b_c-d@x.vn"), "a+b_c-d@x.vn");
    for (const char* bad :
         {"",
          "@x.vn",
          "a@",
          "a..b@x.vn",
          ".a@x.vn",
          "a.@x.vn",
          "a b@x.vn",
          "a@x..vn",
          "a@x.vn.",
          "nguyễn@x.vn",
          "a@b@c"}) {
        EXPECT_FALSE(normalize_address(bad)) << bad;
    }
    EXPECT_FALSE(normalize_address(std::string(65, 'a') + "@x.vn"));
}

}  // namespace
}  // namespace govmail::directory
