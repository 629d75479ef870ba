// SMTP acceptance tests of issue 5 against real processes: govmaild started on free loopback
// ports, users made with govmailctl, and real clients (Python's smtplib, swaks) and servers
// (a second govmaild, dnsmasq) talking to it. Messages are read back from the store once the
// daemon has stopped. Nothing leaves 127.0.0.1.

#include "core/config.hpp"
#include "core/password.hpp"
#include "directory/context.hpp"
#include "directory/directory.hpp"
#include "store/store.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <functional>
#include <grp.h>
#include <map>
#include <pwd.h>
#include <sstream>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace govmail::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* kPassword = "Mat-khau-2026!x";

bool have(const std::string& program) {
    return run({"sh", "-c", "command -v " + program}, "", 10s).status == 0;
}

// A port free for both UDP and TCP on 127.0.0.1 (dnsmasq listens on both).
std::uint16_t free_dns_port() {
    RunResult r =
        run({"python3",
             "-c",
             "import socket\n"
             "while True:\n"
             "    u=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);u.bind(('127.0.0.1',0))\n"
             "    t=socket.socket();port=u.getsockname()[1]\n"
             "    try:\n"
             "        t.bind(('127.0.0.1',port));print(port);break\n"
             "    except OSError:\n"
             "        pass\n"},
            "",
            10s);
    return static_cast<std::uint16_t>(std::stoi(r.output));
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds limit) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
        if (condition()) {
            return true;
        }
        std::this_thread::sleep_for(100ms);
    }
    return condition();
}

// Submits a message file with smtplib: mode "starttls" (submission) or "tls" (submissions),
// SASL mechanism PLAIN or LOGIN. Prints "ok" or "error <code> <text>".
constexpr const char* kSubmitPy = R"PY(
import smtplib, ssl, sys
host, port, mode, mech, user, password, sender, recipients, path = sys.argv[1:]
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE
data = open(path, 'rb').read()
try:
    if mode == 'tls':
        s = smtplib.SMTP_SSL(host, int(port), context=context, timeout=20)
    else:
        s = smtplib.SMTP(host, int(port), timeout=20)
        s.starttls(context=context)
    s.ehlo('client.test')
    s.user, s.password = user, password
    if mech == 'PLAIN':
        s.auth('PLAIN', s.auth_plain)
    else:
        s.auth('LOGIN', s.auth_login, initial_response_ok=False)
    refused = s.sendmail(sender, recipients.split(','), data, mail_options=['BODY=8BITMIME'])
    s.quit()
    print('ok' if not refused else 'refused %r' % refused)
except smtplib.SMTPResponseException as e:
    print('error %d %s' % (e.smtp_code, e.smtp_error.decode(errors='replace')))
)PY";

// The refusals of the acceptance list, one line each: "<case> <reply code> <text>".
constexpr const char* kRefusalsPy = R"PY(
import base64, smtplib, ssl, sys
host, mx, sub, user, password, other, big = sys.argv[1:]
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE
def out(name, reply):
    print(name, reply[0], reply[1].decode(errors='replace'))
def authed():
    s = smtplib.SMTP(host, int(sub), timeout=20)
    s.starttls(context=context)
    s.ehlo('client.test')
    s.login(user, password)
    return s

s = smtplib.SMTP(host, int(sub), timeout=20)
s.ehlo('client.test')
token = base64.b64encode(('\0%s\0%s' % (user, password)).encode()).decode()
out('auth-before-tls', s.docmd('AUTH', 'PLAIN ' + token))
s.close()

s = smtplib.SMTP(host, int(sub), timeout=20)
s.starttls(context=context)
s.ehlo('client.test')
out('submission-without-auth', s.docmd('MAIL', 'FROM:<%s>' % user))
s.close()

s = smtplib.SMTP(host, int(mx), timeout=20)
s.ehlo('client.test')
s.docmd('MAIL', 'FROM:<someone@elsewhere.example>')
out('relay', s.docmd('RCPT', 'TO:<victim@elsewhere.example>'))
out('unknown-recipient', s.docmd('RCPT', 'TO:<nobody-here@' + user.split('@')[1] + '>'))
s.close()

s = authed()
s.mail(user)
s.rcpt(other)
out('oversize', s.data(open(big, 'rb').read()))
s.close()

s = authed()
out('forged-sender', s.docmd('MAIL', 'FROM:<%s>' % other))
s.rset()
s.mail(user)
s.rcpt(other)
forged = ('From: <%s>\r\nTo: <%s>\r\nSubject: forged\r\n\r\nhello\r\n' % (other, other)).encode()
out('forged-from', s.data(forged))
s.close()
)PY";

// One govmaild with its own data directory and ports, one unit "U1" and its users.
class Instance {
public:
    explicit Instance(std::string domain)
        : domain_(std::move(domain))
        , mx_(free_port())
        , submission_(free_port())
        , submissions_(free_port()) {}

    ~Instance() {
        if (daemon_) {
            stop();
        }
    }

    const std::string& domain() const { return domain_; }

    std::uint16_t mx() const { return mx_; }

    std::uint16_t submission() const { return submission_; }

    std::uint16_t submissions() const { return submissions_; }

    const std::filesystem::path& dir() const { return dir_.path(); }

    std::filesystem::path config_path() const { return dir_ / "govmail.toml"; }

    // Writes the configuration: `extra` is appended (its own sections), `queue` and `routes`
    // are the bodies of [queue] and [routes].
    void configure(
        const std::string& queue = "", const std::string& routes = "", const std::string& extra = ""
    ) {
        write_file(
            config_path(),
            "hostname = \"mail." + domain_ + "\"\ndomains = [\"" + domain_ + "\"]\ndata_dir = \"" +
                (dir_ / "data").string() +
                "\"\n[listen]\nsmtp = \"127.0.0.1:" + std::to_string(mx_) +
                "\"\nsubmission = \"127.0.0.1:" + std::to_string(submission_) +
                "\"\nsubmissions = \"127.0.0.1:" + std::to_string(submissions_) +
                "\"\n[server]\nthreads = 2\nshutdown_grace = \"2s\"\n[directory]\n"
                "argon2_memory = \"64KB\"\nargon2_iterations = 1\n[smtp]\n"
                "max_message_size = \"1MB\"\n[queue]\nconnect_timeout = \"1s\"\n" +
                queue + "\n[routes]\n" + routes + "\n" + extra
        );
        ctl({"unit", "add", "U1", "--name", "Sở Thông tin và Truyền thông", "--short", "stttt"});
    }

    RunResult ctl(const std::vector<std::string>& args, const std::string& input = "") {
        std::vector<std::string> argv{bin("govmailctl"), "-c", config_path().string()};
        argv.insert(argv.end(), args.begin(), args.end());
        RunResult result = run(argv, input, 60s);
        EXPECT_EQ(result.status, 0) << result.output;
        return result;
    }

    void add_user(const std::string& local, const std::string& name) {
        ctl({"user",
             "add",
             local + "@" + domain_,
             "--name",
             name,
             "--unit",
             "U1",
             "--password-stdin"},
            std::string(kPassword) + "\n");
    }

    void start() {
        daemon_.emplace(Process::start({bin("govmaild"), "-c", config_path().string()}));
        ASSERT_TRUE(daemon_->wait_for_output("queue.started", 20s)) << daemon_->errors();
    }

    void stop() {
        daemon_->signal(SIGTERM);
        auto status = daemon_->wait(15s);
        EXPECT_TRUE(status && *status == 0) << daemon_->errors();
        log_ = daemon_->errors();
        daemon_.reset();
    }

    // kill -9: no shutdown at all.
    void kill() {
        daemon_->signal(SIGKILL);
        daemon_->wait(15s);
        log_ = daemon_->errors();
        daemon_.reset();
    }

    const std::string& log() const { return log_; }

    std::string running_log() const { return daemon_ ? daemon_->errors() : log_; }

    // Rows of `govmailctl queue list --format csv` (header excluded).
    std::vector<std::string> queue() {
        RunResult listed = ctl({"queue", "list", "--format", "csv"});
        std::vector<std::string> rows;
        std::istringstream lines(listed.output);
        std::string line;
        std::getline(lines, line);
        while (std::getline(lines, line)) {
            if (!line.empty()) {
                rows.push_back(line);
            }
        }
        return rows;
    }

    // The messages of `address`'s INBOX, raw. Only while the daemon is stopped.
    std::vector<std::string> inbox(const std::string& address) const {
        auto config = load_config(config_path());
        EXPECT_TRUE(config) << config.error().message;
        auto store = store::MailStore::open(store::MailStore::options_for(*config));
        password::Hasher hasher({64, 1, 1}, 1);
        directory::Context context(*store, hasher, directory::Settings::from(*config));
        directory::Directory directory(context);
        auto account = directory.find_account(address);
        EXPECT_TRUE(account) << address;
        std::vector<std::string> out;
        if (!account) {
            return out;
        }
        auto read = store->read([&](const store::StoreReader& r) {
            std::vector<std::string> messages;
            auto mailbox = r.find_mailbox(account->id, "INBOX");
            if (!mailbox) {
                return messages;
            }
            store::UidRange all;
            for (const store::MessageRecord& record : r.messages(*mailbox, {&all, 1})) {
                if (auto blob = r.blob(record.blob)) {
                    messages.push_back(blob->copy());
                }
            }
            return messages;
        });
        EXPECT_TRUE(read);
        return read ? *read : out;
    }

private:
    TempDir dir_;
    std::string domain_;
    std::uint16_t mx_;
    std::uint16_t submission_;
    std::uint16_t submissions_;
    std::optional<Process> daemon_;
    std::string log_;
};

std::string address_in(const Instance& instance, const std::string& local) {
    return local + "@" + instance.domain();
}

// A message as a client composes it: a Vietnamese subject (RFC 2047) and 8-bit UTF-8 body, and
// a base64 attachment. CRLF line ends throughout.
std::string vietnamese_message(
    const std::string& from, const std::string& to, const std::string& tag
) {
    std::string attachment;
    for (int line = 0; line < 40; ++line) {
        attachment +=
            "JVBERi0xLjQKJcfsj6IKNSAwIG9iago8PC9MZW5ndGggNiAwIFIvRmlsdGVyIC9GbGF0ZURl\r\n";
    }
    return "From: =?UTF-8?B?Tmd1eeG7hW4gVsSDbiBBbg==?= <" + from + ">\r\n" + "To: <" + to +
           ">\r\n"
           "Subject: =?UTF-8?B?Q8O0bmcgdsSDbiBz4buRIDEyMy9TVFRUVA==?= " +
           tag +
           "\r\n"
           "Date: Sat, 21 Nov 2026 09:00:00 +0700\r\n"
           "Message-ID: <" +
           tag + "@client.test>\r\nMIME-Version: 1.0\r\n" +
           "Content-Type: multipart/mixed; boundary=\"ranh-gioi\"\r\n\r\n"
           "--ranh-gioi\r\nContent-Type: text/plain; charset=utf-8\r\n"
           "Content-Transfer-Encoding: 8bit\r\n\r\n"
           "Kính gửi anh Bình,\r\n.Dòng bắt đầu bằng dấu chấm.\r\n"
           "Trân trọng, Nguyễn Văn An\r\n"
           "--ranh-gioi\r\nContent-Type: application/pdf; name=\"cong-van.pdf\"\r\n"
           "Content-Disposition: attachment; filename=\"cong-van.pdf\"\r\n"
           "Content-Transfer-Encoding: base64\r\n\r\n" +
           attachment + "--ranh-gioi--\r\n";
}

// What govmail stored for `sent`: the trace fields it added, then the message byte for byte.
void expect_stored(const std::string& stored, const std::string& sent) {
    ASSERT_TRUE(stored.ends_with(sent)) << stored.substr(0, 600);
    const std::string added = stored.substr(0, stored.size() - sent.size());
    ASSERT_TRUE(added.starts_with("Return-Path: <")) << added;
    // Only Return-Path and Received fields (folded lines start with white space).
    std::istringstream lines(added);
    std::string line;
    while (std::getline(lines, line)) {
        EXPECT_TRUE(
            line.starts_with("Return-Path: ") || line.starts_with("Received: ") ||
            line.starts_with(" ") || line.starts_with("\t")
        ) << line;
    }
}

std::string python_submit(
    const Instance& at,
    const std::string& mode,
    const std::string& mechanism,
    const std::string& from,
    const std::string& to,
    const std::filesystem::path& message
) {
    const std::filesystem::path script = at.dir() / "submit.py";
    write_file(script, kSubmitPy);
    RunResult r =
        run({"python3",
             script.string(),
             "127.0.0.1",
             std::to_string(mode == "tls" ? at.submissions() : at.submission()),
             mode,
             mechanism,
             from,
             kPassword,
             from,
             to,
             message.string()},
            "",
            60s);
    return r.output;
}

// Mail both ways between two instances: an@a submits to binh@b over STARTTLS with AUTH PLAIN,
// binh@b answers over implicit TLS with AUTH LOGIN. Starts both instances.
struct Exchange {
    std::string an;
    std::string binh;
    std::string there;  // an -> binh, as submitted
    std::string back;   // binh -> an, as submitted
};

Exchange exchange_both_ways(Instance& a, Instance& b, const std::string& tag) {
    a.add_user("an", "Nguyễn Văn An");
    b.add_user("binh", "Trần Thị Bình");
    a.start();
    b.start();
    Exchange e{.an = address_in(a, "an"), .binh = address_in(b, "binh")};
    e.there = vietnamese_message(e.an, e.binh, "a-" + tag + "-b");
    write_file(a.dir() / "there.eml", e.there);
    EXPECT_EQ(python_submit(a, "starttls", "PLAIN", e.an, e.binh, a.dir() / "there.eml"), "ok\n");
    e.back = vietnamese_message(e.binh, e.an, "b-" + tag + "-a");
    write_file(b.dir() / "back.eml", e.back);
    EXPECT_EQ(python_submit(b, "tls", "LOGIN", e.binh, e.an, b.dir() / "back.eml"), "ok\n");
    return e;
}

TEST(SmtpIntegration, RealClientsSubmitAndTheMessageLandsUnchanged) {
    if (!have("python3") || !have("swaks")) {
        GTEST_SKIP() << "python3 and swaks are needed (scripts/install-deps --with-tests)";
    }
    Instance a("a.gov.vn");
    a.configure();
    a.add_user("an", "Nguyễn Văn An");
    a.add_user("binh", "Trần Thị Bình");
    a.start();
    const std::string an = address_in(a, "an");
    const std::string binh = address_in(a, "binh");

    std::vector<std::string> sent;
    // smtplib: STARTTLS + AUTH PLAIN, then implicit TLS + AUTH LOGIN.
    int n = 0;
    for (auto [mode, mechanism] : {std::pair{"starttls", "PLAIN"}, std::pair{"tls", "LOGIN"}}) {
        const std::string tag = "py-" + std::string(mode) + "-" + std::to_string(++n);
        sent.push_back(vietnamese_message(an, binh, tag));
        write_file(a.dir() / (tag + ".eml"), sent.back());
        EXPECT_EQ(python_submit(a, mode, mechanism, an, binh, a.dir() / (tag + ".eml")), "ok\n");
    }
    // swaks: STARTTLS + AUTH LOGIN, then implicit TLS + AUTH PLAIN, message from a file.
    for (auto [flag, port, mechanism] :
         {std::tuple{"--tls", a.submission(), "LOGIN"},
          std::tuple{"--tlsc", a.submissions(), "PLAIN"}}) {
        const std::string tag = "swaks-" + std::string(mechanism);
        sent.push_back(vietnamese_message(an, binh, tag));
        // swaks always ends the text with CRLF before the final dot: the file leaves the
        // message's last CRLF to it.
        write_file(a.dir() / (tag + ".eml"), sent.back().substr(0, sent.back().size() - 2));
        RunResult r =
            run({"swaks",
                 "--server",
                 "127.0.0.1",
                 "--port",
                 std::to_string(port),
                 flag,
                 "--auth",
                 mechanism,
                 "--auth-user",
                 an,
                 "--auth-password",
                 kPassword,
                 "--from",
                 an,
                 "--to",
                 binh,
                 "--helo",
                 "client.test",
                 "--data",
                 (a.dir() / (tag + ".eml")).string()},
                "",
                60s);
        EXPECT_EQ(r.status, 0) << r.output;
        EXPECT_NE(r.output.find("<~  250 2.0.0"), std::string::npos) << r.output;
    }
    a.stop();

    std::vector<std::string> inbox = a.inbox(binh);
    ASSERT_EQ(inbox.size(), sent.size());
    for (std::size_t i = 0; i < sent.size(); ++i) {
        SCOPED_TRACE(i);
        expect_stored(inbox[i], sent[i]);
        EXPECT_NE(inbox[i].find("Return-Path: <" + an + ">\r\n"), std::string::npos);
        EXPECT_NE(inbox[i].find("with ESMTPSA"), std::string::npos) << inbox[i].substr(0, 400);
        EXPECT_NE(inbox[i].find("TLSv1."), std::string::npos) << inbox[i].substr(0, 400);
    }
}

TEST(SmtpIntegration, RefusalsWithARealClient) {
    if (!have("python3")) {
        GTEST_SKIP() << "python3 is needed";
    }
    Instance a("a.gov.vn");
    a.configure();
    a.add_user("an", "Nguyễn Văn An");
    a.add_user("binh", "Trần Thị Bình");
    a.start();
    std::string big = "From: <" + address_in(a, "an") + ">\r\nSubject: big\r\n\r\n";
    while (big.size() < 1536 * 1024) {
        big += std::string(998, 'x') + "\r\n";
    }
    write_file(a.dir() / "big.eml", big);
    write_file(a.dir() / "refusals.py", kRefusalsPy);
    RunResult r =
        run({"python3",
             (a.dir() / "refusals.py").string(),
             "127.0.0.1",
             std::to_string(a.mx()),
             std::to_string(a.submission()),
             address_in(a, "an"),
             kPassword,
             address_in(a, "binh"),
             (a.dir() / "big.eml").string()},
            "",
            60s);
    ASSERT_EQ(r.status, 0) << r.output;
    std::map<std::string, std::string> replies;
    std::istringstream lines(r.output);
    std::string line;
    while (std::getline(lines, line)) {
        replies[line.substr(0, line.find(' '))] = line.substr(line.find(' ') + 1);
    }
    EXPECT_TRUE(replies["auth-before-tls"].starts_with("538 5.7.11")) << r.output;
    EXPECT_TRUE(replies["submission-without-auth"].starts_with("530 5.7.0")) << r.output;
    EXPECT_TRUE(replies["relay"].starts_with("554 5.7.1")) << r.output;
    EXPECT_TRUE(replies["unknown-recipient"].starts_with("550 5.1.1")) << r.output;
    EXPECT_TRUE(replies["oversize"].starts_with("552 5.3.4")) << r.output;
    EXPECT_TRUE(replies["forged-sender"].starts_with("553 5.7.1")) << r.output;
    EXPECT_TRUE(replies["forged-from"].starts_with("550 5.7.1")) << r.output;
    a.stop();
    EXPECT_TRUE(a.inbox(address_in(a, "binh")).empty());  // none of them was delivered
}

TEST(SmtpIntegration, CircularToFiveHundredRecipientsIsOneBlob) {
    if (!have("python3")) {
        GTEST_SKIP() << "python3 is needed";
    }
    Instance a("a.gov.vn");
    a.configure();
    std::string roster = "full_name,unit_code,title,phone,email,employee_id\n";
    std::string recipients;
    for (int i = 1; i <= 500; ++i) {
        const std::string address = "cb" + std::to_string(i) + "@a.gov.vn";
        roster += "Cán Bộ Số " + std::to_string(i) + ",U1,Chuyên viên,," + address + ",NV" +
                  std::to_string(i) + "\n";
        recipients += (i > 1 ? "," : "") + address;
    }
    write_file(a.dir() / "roster.csv", roster);
    a.ctl(
        {"staff",
         "import",
         (a.dir() / "roster.csv").string(),
         "--credentials",
         (a.dir() / "credentials.csv").string()}
    );
    a.start();
    const std::string message =
        "From: <vanthu@elsewhere.example>\r\nSubject: =?UTF-8?B?VGjDtG5nIGLDoW8=?=\r\n"
        "Message-ID: <circular@elsewhere.example>\r\n\r\nThông báo gửi toàn thể cán bộ.\r\n";
    write_file(a.dir() / "circular.eml", message);
    write_file(
        a.dir() / "mx.py",
        "import smtplib, sys\n"
        "s = smtplib.SMTP('127.0.0.1', int(sys.argv[1]), timeout=30)\n"
        "refused = s.sendmail('vanthu@elsewhere.example', sys.argv[2].split(','),"
        " open(sys.argv[3], 'rb').read(), mail_options=['BODY=8BITMIME'])\n"
        "print('ok' if not refused else refused)\n"
    );
    RunResult r =
        run({"python3",
             (a.dir() / "mx.py").string(),
             std::to_string(a.mx()),
             recipients,
             (a.dir() / "circular.eml").string()},
            "",
            60s);
    EXPECT_EQ(r.output, "ok\n");
    a.stop();
    RunResult check = a.ctl({"check"});
    EXPECT_NE(check.output.find("500 messages"), std::string::npos) << check.output;
    EXPECT_NE(check.output.find(", 1 blobs"), std::string::npos) << check.output;
    EXPECT_NE(check.output.find("no faults"), std::string::npos) << check.output;
    for (const char* who : {"cb1@a.gov.vn", "cb500@a.gov.vn"}) {
        auto inbox = a.inbox(who);
        ASSERT_EQ(inbox.size(), 1U) << who;
        expect_stored(inbox[0], message);
    }
}

// Two govmail instances with static routes to each other exchange mail both ways.
TEST(SmtpIntegration, TwoInstancesExchangeMailByStaticRoutes) {
    if (!have("python3") || !have("swaks")) {
        GTEST_SKIP() << "python3 and swaks are needed";
    }
    Instance a("a.gov.vn");
    Instance b("b.gov.vn");
    a.configure("", "\"b.gov.vn\" = \"127.0.0.1:" + std::to_string(b.mx()) + "\"\n");
    b.configure(
        "",
        "\"a.gov.vn\" = { address = \"127.0.0.1:" + std::to_string(a.mx()) +
            "\", require_tls = true }\n"
    );
    const auto [an, binh, there, back] = exchange_both_ways(a, b, "to");
    EXPECT_TRUE(eventually(
        [&] {
            return a.running_log().find("queue.done") != std::string::npos &&
                   b.running_log().find("queue.done") != std::string::npos;
        },
        20s
    )) << a.running_log()
       << b.running_log();
    a.stop();
    b.stop();
    EXPECT_TRUE(a.queue().empty());
    EXPECT_TRUE(b.queue().empty());
    auto at_b = b.inbox(binh);
    ASSERT_EQ(at_b.size(), 1U);
    expect_stored(at_b[0], there);
    // Two Received fields: a's (submission) and b's (MX, over TLS).
    EXPECT_NE(at_b[0].find("by mail.a.gov.vn"), std::string::npos);
    EXPECT_NE(at_b[0].find("by mail.b.gov.vn"), std::string::npos);
    auto at_a = a.inbox(an);
    ASSERT_EQ(at_a.size(), 1U);
    expect_stored(at_a[0], back);
}

// A route to a port where nothing listens: the message stays queued and is retried; after the
// (short) lifetime the sender gets a delivery status notification in its INBOX.
TEST(SmtpIntegration, DeadRouteIsRetriedThenBouncedToTheSender) {
    if (!have("python3")) {
        GTEST_SKIP() << "python3 is needed";
    }
    Instance a("a.gov.vn");
    a.configure(
        "lifetime = \"4s\"\nretry_initial = \"300ms\"\nretry_max = \"600ms\"\n",
        "\"dead.gov.vn\" = \"127.0.0.1:" + std::to_string(free_port()) + "\"\n"
    );
    a.add_user("an", "Nguyễn Văn An");
    a.start();
    const std::string an = address_in(a, "an");
    const std::string message = vietnamese_message(an, "x@dead.gov.vn", "dead");
    write_file(a.dir() / "dead.eml", message);
    EXPECT_EQ(
        python_submit(a, "starttls", "PLAIN", an, "x@dead.gov.vn", a.dir() / "dead.eml"), "ok\n"
    );
    // Queued and retried: `queue list` shows it pending with attempts >= 2.
    EXPECT_TRUE(eventually(
        [&] {
            auto rows = a.queue();
            if (rows.size() != 1 || rows[0].find(",pending,") == std::string::npos) {
                return false;
            }
            // id,created,next_attempt,attempts,...
            std::istringstream fields(rows[0]);
            std::string field;
            for (int i = 0; i < 4; ++i) {
                std::getline(fields, field, ',');
            }
            return std::stoi(field) >= 2;
        },
        5s
    ));
    EXPECT_TRUE(eventually([&] { return a.queue().empty(); }, 10s)) << a.running_log();
    a.stop();
    auto inbox = a.inbox(an);
    ASSERT_EQ(inbox.size(), 1U);
    EXPECT_NE(inbox[0].find("Return-Path: <>"), std::string::npos);
    EXPECT_NE(inbox[0].find("report-type=delivery-status"), std::string::npos);
    EXPECT_NE(inbox[0].find("Final-Recipient: rfc822; x@dead.gov.vn"), std::string::npos);
    EXPECT_NE(inbox[0].find("Action: failed"), std::string::npos);
    EXPECT_NE(inbox[0].find("Status: 4.4.7"), std::string::npos) << inbox[0];
}

// No route: the queue looks up the MX of b.gov.vn at a dnsmasq started here, and delivers to
// the host it names (on [queue] mx_port, b's MX listener).
TEST(SmtpIntegration, MxLookupThroughALocalDnsServer) {
    if (!have("python3") || !have("dnsmasq")) {
        GTEST_SKIP() << "python3 and dnsmasq are needed (scripts/install-deps --with-tests)";
    }
    Instance a("a.gov.vn");
    Instance b("b.gov.vn");
    // Another process may take the port between the choice and dnsmasq's bind: try again then.
    std::uint16_t dns_port = 0;
    std::optional<Process> dns;
    for (int attempt = 0; attempt < 5 && !dns; ++attempt) {
        dns_port = free_dns_port();
        dns.emplace(Process::start({
            "dnsmasq",
            "--keep-in-foreground",
            "--conf-file=/dev/null",
            "--no-resolv",
            "--no-hosts",
            "--port=" + std::to_string(dns_port),
            "--listen-address=127.0.0.1",
            "--bind-interfaces",
            "--pid-file=",
            "--mx-host=b.gov.vn,mx1.b.gov.vn,10",
            "--host-record=mx1.b.gov.vn,127.0.0.1",
            "--log-facility=-",
            "--log-queries",
        }));
        if (!dns->wait_for_output("started", 5s)) {
            dns.reset();
        }
    }
    ASSERT_TRUE(dns) << "dnsmasq did not start";
    a.configure(
        "mx_port = " + std::to_string(b.mx()) + "\n",
        "",
        "[dns]\nresolvers = [\"127.0.0.1:" + std::to_string(dns_port) + "\"]\ntimeout = \"2s\"\n"
    );
    b.configure();
    a.add_user("an", "Nguyễn Văn An");
    b.add_user("binh", "Trần Thị Bình");
    a.start();
    b.start();
    const std::string an = address_in(a, "an");
    const std::string binh = address_in(b, "binh");
    const std::string message = vietnamese_message(an, binh, "via-mx");
    write_file(a.dir() / "mx.eml", message);
    EXPECT_EQ(python_submit(a, "starttls", "LOGIN", an, binh, a.dir() / "mx.eml"), "ok\n");
    EXPECT_TRUE(
        eventually([&] { return a.running_log().find("queue.done") != std::string::npos; }, 20s)
    ) << a.running_log();
    a.stop();
    b.stop();
    dns->signal(SIGTERM);
    dns->wait(5s);
    auto inbox = b.inbox(binh);
    ASSERT_EQ(inbox.size(), 1U);
    expect_stored(inbox[0], message);
    // a asked the DNS server for the MX of b.gov.vn, then for its host's address.
    const std::string queries = dns->output() + dns->errors();
    EXPECT_NE(queries.find("query[MX] b.gov.vn"), std::string::npos) << queries;
    EXPECT_NE(queries.find("query[A] mx1.b.gov.vn"), std::string::npos) << queries;
}

// A Postfix instance of its own (Debian's package; its own configuration, queue and data
// directories under a temporary directory, on a loopback port; stopped at the end, nothing
// system-wide touched) relays between two govmail instances: it accepts mail from a govmail
// queue and delivers it into the other govmail's MX, both ways.
class Postfix {
public:
    Postfix(std::uint16_t port, const std::map<std::string, std::uint16_t>& domains)
        : port_(port) {
        // Postfix's daemons run as the postfix user: they must reach their directories.
        ::chmod(dir_.path().c_str(), 0755);
        std::filesystem::create_directories(dir_ / "conf");
        std::filesystem::create_directories(dir_ / "queue");
        std::filesystem::create_directories(dir_ / "data");
        const passwd* owner = ::getpwnam("postfix");
        if (owner == nullptr ||
            ::chown((dir_ / "data").c_str(), owner->pw_uid, owner->pw_gid) != 0) {
            throw std::runtime_error("no postfix user");
        }
        std::string relay_domains;
        std::string transports;
        for (const auto& [domain, mx] : domains) {
            relay_domains += (relay_domains.empty() ? "" : ", ") + domain;
            transports += (transports.empty() ? "" : ", ") + domain +
                          "=smtp:[127.0.0.1]:" + std::to_string(mx);
        }
        const std::string d = dir_.path().string();
        write_file(
            dir_ / "conf" / "main.cf",
            "compatibility_level = 3.6\nqueue_directory = " + d + "/queue\ndata_directory = " + d +
                "/data\ncommand_directory = /usr/sbin\ndaemon_directory = /usr/lib/postfix/sbin\n"
                "meta_directory = /etc/postfix\nshlib_directory = /usr/lib/postfix\n"
                "mail_owner = postfix\nsetgid_group = postdrop\nmyhostname = relay.p.test\n"
                "mydomain = p.test\nmydestination =\ninet_interfaces = 127.0.0.1\n"
                "inet_protocols = ipv4\nmynetworks = 127.0.0.0/8\nrelay_domains = " +
                relay_domains + "\ntransport_maps = inline:{ " + transports +
                " }\nsmtp_dns_support_level = disabled\nsmtp_tls_security_level = may\n"
                "smtpd_tls_security_level = none\nalias_maps =\nalias_database =\n"
                "local_recipient_maps =\nmaillog_file_prefixes = " +
                d + "\nmaillog_file = " + d + "/maillog\n"
        );
        write_file(
            dir_ / "conf" / "master.cf",
            "127.0.0.1:" + std::to_string(port) +
                " inet n - n - - smtpd\n"
                "pickup unix n - n 60 1 pickup\ncleanup unix n - n - 0 cleanup\n"
                "qmgr unix n - n 300 1 qmgr\ntlsmgr unix - - n 1000? 1 tlsmgr\n"
                "rewrite unix - - n - - trivial-rewrite\nbounce unix - - n - 0 bounce\n"
                "defer unix - - n - 0 bounce\ntrace unix - - n - 0 bounce\n"
                "verify unix - - n - 1 verify\nflush unix n - n 1000? 0 flush\n"
                "proxymap unix - - n - - proxymap\nsmtp unix - - n - - smtp\n"
                "relay unix - - n - - smtp\nshowq unix n - n - - showq\n"
                "error unix - - n - - error\nretry unix - - n - - error\n"
                "discard unix - - n - - discard\nanvil unix - - n - 1 anvil\n"
                "scache unix - - n - 1 scache\npostlog unix-dgram n - n - 1 postlogd\n"
        );
        RunResult started = run({"postfix", "-c", (dir_ / "conf").string(), "start"}, "", 30s);
        started_ = started.status == 0;
        if (!started_) {
            throw std::runtime_error("postfix did not start: " + started.output + log());
        }
    }

    ~Postfix() {
        if (started_) {
            run({"postfix", "-c", (dir_ / "conf").string(), "stop"}, "", 30s);
        }
    }

    Postfix(const Postfix&) = delete;
    Postfix& operator=(const Postfix&) = delete;

    std::string log() const {
        std::ifstream in(dir_ / "maillog");
        std::stringstream text;
        text << in.rdbuf();
        return text.str();
    }

    std::uint16_t port() const { return port_; }

private:
    TempDir dir_;
    std::uint16_t port_;
    bool started_ = false;
};

TEST(SmtpIntegration, PostfixRelaysFromTheQueueIntoTheMx) {
    if (!have("python3") || !have("postfix") || ::geteuid() != 0) {
        GTEST_SKIP() << "python3, Postfix (scripts/install-deps --with-tests) and root are needed";
    }
    Instance a("a.gov.vn");
    Instance b("b.gov.vn");
    Postfix postfix(free_port(), {{"a.gov.vn", a.mx()}, {"b.gov.vn", b.mx()}});
    const std::string via = "\"127.0.0.1:" + std::to_string(postfix.port()) + "\"\n";
    a.configure("", "\"b.gov.vn\" = " + via);
    b.configure("", "\"a.gov.vn\" = " + via);
    const auto [an, binh, there, back] = exchange_both_ways(a, b, "postfix");
    EXPECT_TRUE(eventually(
        [&] {
            const std::string log = postfix.log();
            std::size_t sent = 0;
            for (std::size_t at = log.find("status=sent"); at != std::string::npos;
                 at = log.find("status=sent", at + 1)) {
                ++sent;
            }
            return sent >= 2;
        },
        30s
    )) << postfix.log();
    a.stop();
    b.stop();
    auto at_b = b.inbox(binh);
    ASSERT_EQ(at_b.size(), 1U) << postfix.log();
    expect_stored(at_b[0], there);
    EXPECT_NE(at_b[0].find("by relay.p.test (Postfix)"), std::string::npos) << at_b[0];
    auto at_a = a.inbox(an);
    ASSERT_EQ(at_a.size(), 1U) << postfix.log();
    expect_stored(at_a[0], back);
    EXPECT_NE(at_a[0].find("by relay.p.test (Postfix)"), std::string::npos);
}

// The queue is in the store: a govmaild killed with SIGKILL while mail waits for an unreachable
// server sends it after its restart, once. govmailctl queue delete and retry manage it meanwhile.
TEST(SmtpIntegration, QueuedMailSurvivesKillNineAndIsManagedWithGovmailctl) {
    if (!have("python3")) {
        GTEST_SKIP() << "python3 is needed";
    }
    Instance a("a.gov.vn");
    Instance b("b.gov.vn");
    a.configure(
        "retry_initial = \"10m\"\nretry_max = \"10m\"\n",
        "\"b.gov.vn\" = \"127.0.0.1:" + std::to_string(b.mx()) + "\"\n"
    );
    b.configure();
    a.add_user("an", "Nguyễn Văn An");
    b.add_user("binh", "Trần Thị Bình");
    a.start();
    const std::string an = address_in(a, "an");
    const std::string binh = address_in(b, "binh");
    const std::string kept = vietnamese_message(an, binh, "kept");
    const std::string dropped = vietnamese_message(an, binh, "dropped");
    write_file(a.dir() / "kept.eml", kept);
    write_file(a.dir() / "dropped.eml", dropped);
    EXPECT_EQ(python_submit(a, "starttls", "PLAIN", an, binh, a.dir() / "kept.eml"), "ok\n");
    // b is not running: both wait in a's queue after their first attempt.
    ASSERT_TRUE(
        eventually([&] { return a.running_log().find("queue.deferred") != std::string::npos; }, 10s)
    ) << a.running_log();
    const std::vector<std::string> first = a.queue();
    ASSERT_EQ(first.size(), 1U);
    const std::string kept_id = first[0].substr(0, first[0].find(','));
    EXPECT_EQ(python_submit(a, "starttls", "PLAIN", an, binh, a.dir() / "dropped.eml"), "ok\n");
    ASSERT_TRUE(eventually([&] { return a.queue().size() == 2; }, 10s));
    a.kill();

    // While a is down: the second message is deleted from the queue; the first stays.
    std::string dropped_id;
    for (const std::string& row : a.queue()) {
        if (!row.starts_with(kept_id)) {
            dropped_id = row.substr(0, row.find(','));
        }
    }
    ASSERT_FALSE(dropped_id.empty());
    EXPECT_NE(
        a.ctl({"queue", "delete", dropped_id}).output.find("1 messages deleted"), std::string::npos
    );
    ASSERT_EQ(a.queue().size(), 1U);

    // Its next attempt is 10 minutes away (the backoff): `queue retry` makes it now; the daemon
    // sees the change at its next rescan of the queue (at most Runner::kRescan, 10 s).
    b.start();
    a.start();
    EXPECT_NE(
        a.ctl({"queue", "retry", "--all"}).output.find("1 messages will be attempted now"),
        std::string::npos
    );
    EXPECT_TRUE(
        eventually([&] { return a.running_log().find("queue.done") != std::string::npos; }, 20s)
    ) << a.running_log();
    a.stop();
    b.stop();
    EXPECT_TRUE(a.queue().empty());
    EXPECT_NE(a.ctl({"check"}).output.find("no faults"), std::string::npos);
    auto inbox = b.inbox(binh);
    ASSERT_EQ(inbox.size(), 1U);
    expect_stored(inbox[0], kept);
}

}  // namespace
}  // namespace govmail::test
