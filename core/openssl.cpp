#include "core/openssl.hpp"

#include <openssl/err.h>

namespace govmail::ssl {

std::string last_error(std::string_view context) {
    std::string message(context);
    bool first = true;
    while (unsigned long code = ERR_get_error()) {
        char text[256];
        ERR_error_string_n(code, text, sizeof text);
        message += first ? ": " : "; ";
        message += text;
        first = false;
    }
    if (first) {
        message += ": unknown OpenSSL error";
    }
    return message;
}

std::string bio_to_string(BIO* bio) {
    char* data = nullptr;
    long size = BIO_get_mem_data(bio, &data);
    return size > 0 ? std::string(data, static_cast<std::size_t>(size)) : std::string();
}

}  // namespace govmail::ssl
