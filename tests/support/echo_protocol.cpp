#include "tests/support/echo_protocol.hpp"

#include <charconv>

namespace govmail::test {

net::asio::awaitable<void> EchoHandler::serve(std::shared_ptr<net::Connection> connection) {
    net::LineReader reader(max_line_);
    if (!co_await connection->write("+OK echo\r\n")) {
        co_return;
    }
    for (;;) {
        net::Line line;
        net::LineStatus status = reader.next(connection->input(), line);
        if (status == net::LineStatus::NeedMore) {
            auto wait = connection->input().empty() ? net::Wait::Idle : net::Wait::Command;
            if (!co_await connection->fill(wait)) {
                if (connection->reason() == net::CloseReason::Shutdown) {
                    co_await connection->write("-BYE shutting down\r\n");
                } else if (connection->reason() == net::CloseReason::IdleTimeout) {
                    co_await connection->write("-ERR idle timeout\r\n");
                }
                co_return;
            }
            continue;
        }
        if (status == net::LineStatus::TooLong) {
            if (!co_await connection->write("-ERR line too long\r\n")) {
                co_return;
            }
            continue;
        }
        std::string text(line.text);
        if (text == "QUIT") {
            co_await connection->write("+BYE\r\n");
            co_return;
        }
        if (text == "STARTTLS") {
            reader.consume_pending(connection->input());
            if (!co_await connection->write("+GO\r\n") || !co_await connection->accept_tls(*tls_)) {
                co_return;
            }
            continue;
        }
        if (text == "TLS?") {
            text = connection->secure() ? "+TLS yes" : "+TLS no";
        } else if (text.starts_with("SLOW ")) {
            int millis = 0;
            std::from_chars(text.data() + 5, text.data() + text.size(), millis);
            net::asio::steady_timer timer(
                connection->executor(), std::chrono::milliseconds(millis)
            );
            co_await timer.async_wait(net::kNoThrow);
            text = "+SLEPT " + std::to_string(millis);
        }
        text += "\r\n";
        if (!co_await connection->write(text)) {
            co_return;
        }
    }
}

}  // namespace govmail::test
