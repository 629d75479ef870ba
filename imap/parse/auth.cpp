// LOGIN (RFC 9051 6.2.3) and AUTHENTICATE (RFC 9051 6.2.2, SASL-IR RFC 4959 3).

#include "core/text/base64.hpp"
#include "imap/detail/parsers.hpp"
#include "imap/sasl.hpp"

namespace govmail::imap::detail {

Command parse_login(Reader& r, bool /*uid*/) {
    Login login;
    r.space();
    login.user = r.astring("user name");
    r.space();
    login.password = r.astring("password");
    return login;
}

Command parse_authenticate(Reader& r, bool /*uid*/) {
    Authenticate auth;
    r.space();
    auth.mechanism = to_upper(r.atom("mechanism"));
    if (r.take(' ')) {
        // RFC 4959 7: initial-response = base64 / "="; "=" is an empty response.
        std::string_view response = r.atom("initial response");
        if (response == "=") {
            auth.initial_response.emplace();
        } else if (r.ok()) {
            auth.initial_response = text::decode_base64(response);
            if (!auth.initial_response) {
                r.fail("initial response is not valid BASE64");
            }
        }
    }
    return auth;
}

}  // namespace govmail::imap::detail
