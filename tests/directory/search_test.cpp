#include "directory/search.hpp"

#include "tests/directory/fixture.hpp"

#include <gtest/gtest.h>

namespace govmail::directory {
namespace {

using test::DirectoryFixture;

std::vector<std::string> names(const std::vector<SearchHit>& hits) {
    std::vector<std::string> out;
    for (const SearchHit& h : hits) {
        out.push_back(h.name);
    }
    return out;
}

struct SearchTest : testing::Test {
    SearchTest() {
        f.unit("STTTT", "Sở Thông tin và Truyền thông");
        f.unit("SYT", "Sở Y tế");
        f.user("Nguyễn Văn A", "STTTT");
        f.user("Nguyễn Văn Anh", "SYT");
        f.user("Nguyễn Thị Ánh", "STTTT");
        f.user("Đặng Đình Đức", "STTTT");
        f.user("Dương Văn Dũng", "SYT");
        f.user("Trần Đức Minh", "SYT");
        f.user("Lê Văn Bình", "STTTT");
    }

    std::vector<std::string> find(std::string_view query, SearchOptions options = {}) {
        return names(f.admin.search(query, options));
    }

    DirectoryFixture f;
};

TEST_F(SearchTest, CaseAndDiacriticsDoNotMatter) {
    auto plain = find("nguyen van a");
    EXPECT_EQ(plain, (std::vector<std::string>{"Nguyễn Văn A", "Nguyễn Văn Anh"}));
    EXPECT_EQ(find("Nguyễn Văn A"), plain);
    EXPECT_EQ(find("NGUYEN VAN A"), plain);
    EXPECT_EQ(find("  nguyễn   VĂN a "), plain);
    // NFD query.
    EXPECT_EQ(find("Nguye\xcc\x82\xcc\x83n Va\xcc\x86n A"), plain);
}

TEST_F(SearchTest, DStrokeMatchesD) {
    EXPECT_EQ(find("duc"), (std::vector<std::string>{"Đặng Đình Đức", "Trần Đức Minh"}));
    EXPECT_EQ(find("Đức"), find("duc"));
    EXPECT_EQ(find("dang dinh"), (std::vector<std::string>{"Đặng Đình Đức"}));
}

TEST_F(SearchTest, ResultsInVietnameseCollationOrder) {
    // d < đ in Vietnamese: "Dương" before "Đặng" although both fold to "d…".
    auto hits = find("d", {.units = false});
    ASSERT_GE(hits.size(), 2U);
    EXPECT_EQ(hits[0], "Dương Văn Dũng");
    EXPECT_EQ(hits[1], "Đặng Đình Đức");
    EXPECT_EQ(
        find("nguyen"),
        (std::vector<std::string>{"Nguyễn Thị Ánh", "Nguyễn Văn A", "Nguyễn Văn Anh"})
    );
}

TEST_F(SearchTest, UnitsTitlesAndAddresses) {
    EXPECT_EQ(find("so thong tin"), (std::vector<std::string>{"Sở Thông tin và Truyền thông"}));
    EXPECT_EQ(
        find("stttt", {.people = false}), (std::vector<std::string>{"Sở Thông tin và Truyền thông"})
    );
    auto by_address = f.admin.search("ducdd.stttt", {});
    ASSERT_EQ(by_address.size(), 1U);
    EXPECT_EQ(by_address[0].address, "ducdd.stttt@example.gov.vn");
    EXPECT_EQ(by_address[0].unit_code, "STTTT");
    EXPECT_EQ(find("binh stttt"), (std::vector<std::string>{"Lê Văn Bình"}));
    ASSERT_TRUE(f.admin.update_person(
        "binhlv.stttt@example.gov.vn", std::nullopt, "Chánh Văn phòng", std::nullopt
    ));
    EXPECT_EQ(find("chanh van phong"), (std::vector<std::string>{"Lê Văn Bình"}));
}

TEST_F(SearchTest, LimitEmptyQueriesAndUpdates) {
    EXPECT_EQ(find("nguyen", {.limit = 2}).size(), 2U);
    EXPECT_TRUE(find("").empty());
    EXPECT_TRUE(find(" .,- ").empty());
    EXPECT_TRUE(find("zzz").empty());
    ASSERT_TRUE(f.admin.update_person(
        "binhlv.stttt@example.gov.vn", "Lê Văn Bính", std::nullopt, std::nullopt
    ));
    EXPECT_EQ(find("binh"), (std::vector<std::string>{"Lê Văn Bính"}));
    ASSERT_TRUE(f.admin.delete_user("binhlv.stttt@example.gov.vn"));
    EXPECT_TRUE(find("binh").empty());
    // Removal drops every index entry: nothing is left under the prefix "bi".
    EXPECT_FALSE(f.context().read([](const View& v) {
        store::Cursor cursor = v.txn().cursor(v.dbs().search);
        return cursor.seek(std::string("bi") + '\0') &&
               cursor.key().starts_with(std::string("bi") + '\0');
    }));
}

}  // namespace
}  // namespace govmail::directory
