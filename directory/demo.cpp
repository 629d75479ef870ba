#include "directory/demo.hpp"

#include "directory/admin.hpp"
#include "directory/names.hpp"

#include <array>
#include <cstdio>
#include <set>
#include <string_view>

namespace govmail::directory {
namespace {

constexpr std::string_view kProvinceCode = "000.00.00.H99";
constexpr std::string_view kOfficeCode = "000.00.01.H99";

// splitmix64: a fixed generator, so that a seed gives the same province on every platform
// (std::uniform_int_distribution is implementation-defined).
class Random {
public:
    explicit Random(std::uint64_t seed)
        : state_(seed) {}

    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }

    std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }

    template <typename T, std::size_t N>
    const T& pick(const std::array<T, N>& items) {
        return items[below(N)];
    }

private:
    std::uint64_t state_;
};

struct Weighted {
    std::string_view value;
    unsigned weight;
};

// Family names with roughly their share of the population.
constexpr std::array<Weighted, 16> kFamilies{{
    {"Nguyễn", 310},
    {"Trần", 110},
    {"Lê", 95},
    {"Phạm", 70},
    {"Hoàng", 50},
    {"Huỳnh", 20},
    {"Phan", 45},
    {"Vũ", 40},
    {"Võ", 20},
    {"Đặng", 20},
    {"Bùi", 20},
    {"Đỗ", 14},
    {"Hồ", 13},
    {"Ngô", 13},
    {"Dương", 10},
    {"Lý", 5},
}};

constexpr std::array<std::string_view, 10> kMaleMiddle = {
    "Văn", "Đức", "Minh", "Quang", "Hữu", "Thành", "Ngọc", "Xuân", "Công", "Mạnh"};
constexpr std::array<std::string_view, 10> kFemaleMiddle = {
    "Thị", "Thu", "Ngọc", "Thanh", "Minh", "Hồng", "Kim", "Phương", "Thùy", "Diệu"};
constexpr std::array<std::string_view, 24> kMaleGiven = {
    "Anh",   "Bình",  "Cường", "Dũng", "Đức",   "Hải",   "Hiếu", "Hùng",
    "Huy",   "Khánh", "Long",  "Minh", "Nam",   "Phong", "Quân", "Sơn",
    "Thắng", "Thành", "Tiến",  "Toàn", "Trung", "Tuấn",  "Việt", "Vinh"};
constexpr std::array<std::string_view, 24> kFemaleGiven = {
    "An",  "Anh",  "Ánh",   "Châu", "Chi",    "Diệp", "Dung",  "Giang",
    "Hà",  "Hạnh", "Hằng",  "Hoa",  "Hương",  "Lan",  "Linh",  "Loan",
    "Mai", "Ngân", "Nhung", "Oanh", "Phương", "Thảo", "Trang", "Tuyết"};

struct Department {
    std::string_view name;
    std::string_view short_code;  // "" = default initials
};

constexpr std::array<Department, 20> kDepartments{{
    {"Sở Nội vụ", ""},
    {"Sở Tư pháp", ""},
    {"Sở Kế hoạch và Đầu tư", ""},
    {"Sở Tài chính", ""},
    {"Sở Công Thương", ""},
    {"Sở Nông nghiệp và Phát triển nông thôn", ""},
    {"Sở Giao thông vận tải", ""},
    {"Sở Xây dựng", ""},
    {"Sở Tài nguyên và Môi trường", ""},
    {"Sở Thông tin và Truyền thông", ""},
    {"Sở Lao động - Thương binh và Xã hội", ""},
    {"Sở Văn hóa, Thể thao và Du lịch", ""},
    {"Sở Khoa học và Công nghệ", ""},
    {"Sở Giáo dục và Đào tạo", ""},
    {"Sở Y tế", ""},
    {"Sở Ngoại vụ", "sngv"},
    {"Thanh tra tỉnh", ""},
    {"Ban Dân tộc", ""},
    {"Ban Quản lý các khu công nghiệp", ""},
    {"Đài Phát thanh và Truyền hình", ""},
}};

constexpr std::array<std::string_view, 9> kDistricts = {
    "Thành phố Sơn Hà",
    "Huyện An Phú",
    "Huyện Bình Sơn",
    "Huyện Cẩm Khê",
    "Huyện Đông Hưng",
    "Huyện Hòa Vang",
    "Huyện Kim Sơn",
    "Huyện Lạc Thủy",
    "Thị xã Phú Mỹ"};

constexpr std::array<std::string_view, 30> kCommunes = {
    "An Bình",   "An Phú",       "Bình Minh",  "Cẩm Thạch", "Đông Hòa",    "Hòa Lạc",
    "Kim Liên",  "Lạc Long",     "Minh Khai",  "Nam Sơn",   "Phú Thọ",     "Quang Trung",
    "Tân Lập",   "Thanh Xuân",   "Trung Hòa",  "Vĩnh Phúc", "Xuân Phương", "Yên Lạc",
    "Hưng Đạo",  "Lê Lợi",       "Hồng Phong", "Thạch Bàn", "Đức Giang",   "Phúc Lợi",
    "Ngọc Thụy", "Thượng Thanh", "Gia Thụy",   "Bồ Đề",     "Sơn Đông",    "Tây Hồ"};

enum class Level { Province, Office, Department, Division, District, Commune };

std::string code_of(const char* format, int a, int b) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, format, a, b);
    return buffer;
}

std::string title_for(Level level, std::size_t rank, Random& random) {
    static constexpr std::array<std::string_view, 5> kStaff = {
        "Chuyên viên", "Chuyên viên", "Chuyên viên chính", "Chuyên viên", "Kế toán"};
    static constexpr std::array<std::string_view, 5> kCommuneStaff = {
        "Công chức Văn phòng - Thống kê",
        "Công chức Tư pháp - Hộ tịch",
        "Công chức Địa chính - Xây dựng",
        "Công chức Tài chính - Kế toán",
        "Công chức Văn hóa - Xã hội"};
    switch (level) {
        case Level::Province:
            return rank == 0   ? "Chủ tịch"
                   : rank <= 3 ? "Phó Chủ tịch"
                               : std::string(random.pick(kStaff));
        case Level::Office:
        case Level::Department:
            if (rank == 0) {
                return level == Level::Office ? "Chánh Văn phòng" : "Giám đốc";
            }
            if (rank <= 2) {
                return level == Level::Office ? "Phó Chánh Văn phòng" : "Phó Giám đốc";
            }
            return rank == 3 ? "Văn thư" : std::string(random.pick(kStaff));
        case Level::Division:
            return rank == 0   ? "Trưởng phòng"
                   : rank == 1 ? "Phó Trưởng phòng"
                               : std::string(random.pick(kStaff));
        case Level::District:
            return rank == 0   ? "Chủ tịch UBND"
                   : rank <= 2 ? "Phó Chủ tịch UBND"
                   : rank == 3 ? "Văn thư"
                               : std::string(random.pick(kStaff));
        case Level::Commune:
            return rank == 0   ? "Chủ tịch UBND"
                   : rank == 1 ? "Phó Chủ tịch UBND"
                   : rank == 2 ? "Văn thư"
                               : std::string(random.pick(kCommuneStaff));
    }
    return "Chuyên viên";
}

std::string random_name(Random& random) {
    unsigned total = 0;
    for (const Weighted& w : kFamilies) {
        total += w.weight;
    }
    auto roll = static_cast<unsigned>(random.below(total));
    std::string_view family = kFamilies[0].value;
    for (const Weighted& w : kFamilies) {
        if (roll < w.weight) {
            family = w.value;
            break;
        }
        roll -= w.weight;
    }
    bool female = random.below(2) == 0;
    std::string name(family);
    name += ' ';
    name += female ? random.pick(kFemaleMiddle) : random.pick(kMaleMiddle);
    if (random.below(5) == 0) {  // some people have two middle names
        name += ' ';
        name += female ? random.pick(kFemaleMiddle) : random.pick(kMaleMiddle);
    }
    name += ' ';
    name += female ? random.pick(kFemaleGiven) : random.pick(kMaleGiven);
    return name;
}

}  // namespace

DemoProvince generate_demo(const DemoOptions& options) {
    Random random(options.seed);
    DemoProvince p;

    struct Slot {
        std::string code;
        Level level;
        unsigned weight;
        std::size_t filled = 0;
    };

    std::vector<Slot> slots;
    auto add = [&](DemoUnit unit, Level level, unsigned weight) {
        slots.push_back({unit.code, level, weight});
        p.units.push_back(std::move(unit));
    };

    add({std::string(kProvinceCode),
         "Ủy ban nhân dân tỉnh Sơn Hà",
         "ubnd",
         "",
         UnitKind::Province,
         0},
        Level::Province,
        3);
    add({std::string(kOfficeCode),
         "Văn phòng Ủy ban nhân dân tỉnh",
         "vpubnd",
         std::string(kProvinceCode),
         UnitKind::Department,
         1},
        Level::Office,
        8);
    p.list_units.emplace_back(kOfficeCode);
    for (std::size_t d = 0; d < kDepartments.size(); ++d) {
        int n = static_cast<int>(d) + 2;
        std::string code = code_of("000.00.%02d.H99", n, 0);
        add({code,
             std::string(kDepartments[d].name),
             std::string(kDepartments[d].short_code),
             std::string(kProvinceCode),
             UnitKind::Department,
             n},
            Level::Department,
            6);
        add({code_of("000.01.%02d.H99", n, 0), "Văn phòng", "vp", code, UnitKind::Division, 1},
            Level::Division,
            3);
        add({code_of("000.02.%02d.H99", n, 0),
             "Phòng Kế hoạch - Tài chính",
             "khtc",
             code,
             UnitKind::Division,
             2},
            Level::Division,
            3);
        p.list_units.push_back(code);
    }
    for (std::size_t d = 0; d < kDistricts.size(); ++d) {
        int n = static_cast<int>(d) + 31;
        std::string code = code_of("000.00.%02d.H99", n, 0);
        add({code,
             std::string(kDistricts[d]),
             "",
             std::string(kProvinceCode),
             UnitKind::District,
             n},
            Level::District,
            6);
        p.list_units.push_back(code);
        // 8-12 communes, names drawn without repetition within the district.
        std::vector<std::size_t> order(kCommunes.size());
        for (std::size_t i = 0; i < order.size(); ++i) {
            order[i] = i;
        }
        for (std::size_t i = order.size() - 1; i > 0; --i) {
            std::swap(order[i], order[random.below(i + 1)]);
        }
        std::size_t count = 8 + random.below(5);
        std::set<std::string> shorts;
        for (std::size_t c = 0; c < count; ++c) {
            bool city = d == 0 || d == kDistricts.size() - 1;
            std::string name =
                std::string(city ? "Phường " : "Xã ") + std::string(kCommunes[order[c]]);
            std::string short_code = default_short_code(name);
            for (int k = 2; shorts.contains(short_code); ++k) {
                short_code = default_short_code(name) + std::to_string(k);
            }
            shorts.insert(short_code);
            add({code_of("000.%02d.%02d.H99", static_cast<int>(c) + 11, n),
                 name,
                 short_code,
                 code,
                 UnitKind::Commune,
                 static_cast<std::int32_t>(c)},
                Level::Commune,
                2);
        }
    }

    p.logins = {
        {"Nguyễn Ngọc Thanh",
         "000.00.11.H99",
         "Giám đốc",
         "DEMO-001",
         static_cast<Roles>(kRoleUser | kRoleGlobalAdmin | kRoleUnitAdmin)},
        {"Trần Thị Thu Hà",
         "000.00.11.H99",
         "Văn thư",
         "DEMO-002",
         static_cast<Roles>(kRoleUser | kRoleUnitClerk)},
        {"Lê Văn Hùng", "000.00.11.H99", "Chuyên viên", "DEMO-003", kRoleUser},
        {"Phạm Minh Đức",
         std::string(kOfficeCode),
         "Phó Chánh Văn phòng",
         "DEMO-004",
         static_cast<Roles>(kRoleUser | kRoleUnitAdmin)},
    };

    unsigned total_weight = 0;
    for (const Slot& s : slots) {
        total_weight += s.weight;
    }
    for (std::size_t i = 0; i < options.staff; ++i) {
        // The first rows give every unit its head (so small demos still look complete), then
        // officers go to units by weight.
        Slot* slot = nullptr;
        if (i < slots.size()) {
            slot = &slots[i];
        } else {
            auto roll = static_cast<unsigned>(random.below(total_weight));
            for (Slot& s : slots) {
                if (roll < s.weight) {
                    slot = &s;
                    break;
                }
                roll -= s.weight;
            }
        }
        RosterRow row;
        row.full_name = random_name(random);
        row.unit_code = slot->code;
        row.title = title_for(slot->level, slot->filled++, random);
        row.phone = code_of("09%02d", static_cast<int>(random.below(100)), 0);
        row.phone += code_of("%06d", static_cast<int>(random.below(1'000'000)), 0);
        row.employee_id = code_of("SH%06d", static_cast<int>(i) + 1, 0);
        p.staff.push_back(std::move(row));
    }
    return p;
}

std::string demo_roster_csv(const DemoProvince& province) {
    std::string out = roster_header();
    for (const DemoLogin& login : province.logins) {
        RosterRow row;
        row.full_name = login.full_name;
        row.unit_code = login.unit_code;
        row.title = login.title;
        row.employee_id = login.employee_id;
        out += roster_csv_line(row);
    }
    for (const RosterRow& row : province.staff) {
        out += roster_csv_line(row);
    }
    return out;
}

DirResult<SeedSummary> seed_demo(
    Context& context, const DemoProvince& province, const SeedOptions& options
) {
    SeedSummary summary;
    auto units = context.write([&](Mutator& m, store::WriteScope&) {
        if (m.unit_by_code(kProvinceCode)) {
            fail(
                Errc::Exists,
                "the demo province is already there (unit " + std::string(kProvinceCode) + ")"
            );
        }
        Time now = context.now();
        for (const DemoUnit& u : province.units) {
            create_unit(
                m,
                context.settings,
                {u.code, u.name, u.short_code, u.parent_code, u.kind, u.display_order},
                now
            );
        }
        return province.units.size();
    });
    if (!units) {
        return units.error();
    }
    summary.units = *units;

    if (options.import_staff) {
        auto imported = import_roster(context, demo_roster_csv(province), options.import);
        if (!imported) {
            return imported.error();
        }
        if (!imported->problems.empty()) {
            return Error{
                Errc::Invalid,
                "demo roster: line " + std::to_string(imported->problems[0].line) + ": " +
                    imported->problems[0].reason};
        }
        summary.people = imported->added;
    }

    std::string demo_hash =
        options.demo_password.empty() ? std::string() : context.hasher.hash(options.demo_password);
    auto finished = context.write([&](Mutator& m, store::WriteScope&) {
        std::size_t groups = 0;
        Time now = context.now();
        std::vector<DemoLogin> logins;
        if (options.import_staff) {
            for (const RosterRow& row : province.staff) {
                if (row.title != "Văn thư") {
                    continue;
                }
                auto id = m.person_by_employee_id(row.employee_id);
                auto person = id ? m.person(*id) : std::nullopt;
                auto account = person ? m.account(person->account) : std::nullopt;
                if (account) {
                    account->roles = static_cast<Roles>(account->roles | kRoleUnitClerk);
                    m.put_account(*account);
                }
            }
            for (DemoLogin login : province.logins) {
                auto id = m.person_by_employee_id(login.employee_id);
                auto person = id ? m.person(*id) : std::nullopt;
                auto account = person ? m.account(person->account) : std::nullopt;
                if (!account) {
                    continue;
                }
                account->roles = login.roles;
                if (!demo_hash.empty()) {
                    account->password_hash = demo_hash;
                    account->must_change_password = false;
                    account->password_changed_at = now;
                }
                m.put_account(*account);
                login.address = account->address;
                logins.push_back(std::move(login));
            }
        }
        auto add_list = [&](const NewGroup& spec, Id unit) {
            Group g;
            g.id = m.next_id("group");
            g.name = spec.name;
            g.kind = spec.kind;
            g.unit = unit;
            g.include_subunits = spec.include_subunits;
            g.policy = spec.policy;
            g.address = spec.address;
            m.issue_address(g.address, {AddressKind::Group, g.id}, now);
            m.put_group(g, std::nullopt);
            ++groups;
            return g;
        };
        const std::string& domain = context.settings.primary_domain();
        for (const std::string& code : province.list_units) {
            Unit unit = m.require_unit(code);
            add_list(
                {.name = "Toàn thể " + unit.name,
                 .address = "all." + m.unit_label(unit) + "@" + domain,
                 .kind = GroupKind::Unit,
                 .include_subunits = true,
                 .policy = SendPolicy::Members},
                unit.id
            );
        }
        Unit root = m.require_unit(kProvinceCode);
        Group everyone = add_list(
            {.name = "Toàn tỉnh",
             .address = "toantinh@" + domain,
             .kind = GroupKind::Unit,
             .include_subunits = true,
             .policy = SendPolicy::Senders},
            root.id
        );
        for (const DemoLogin& login : logins) {
            if ((login.roles & kRoleGlobalAdmin) != 0) {
                m.set_group_sender(everyone.id, m.account_by_address(login.address)->id, true);
            }
        }
        return std::pair(groups, logins);
    });
    if (!finished) {
        return finished.error();
    }
    summary.groups = finished->first;
    summary.logins = std::move(finished->second);
    return summary;
}

}  // namespace govmail::directory
