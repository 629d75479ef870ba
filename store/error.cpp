#include "store/error.hpp"

namespace govmail::store {
namespace {

class StoreCategory : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "govmail.store"; }

    std::string message(int value) const override {
        switch (static_cast<Errc>(value)) {
            case Errc::NotFound:
                return "not found";
            case Errc::Exists:
                return "already exists";
            case Errc::NoPermission:
                return "not permitted";
            case Errc::OverQuota:
                return "quota exceeded";
            case Errc::TooBig:
                return "too big";
            case Errc::Expunged:
                return "message expunged";
            case Errc::Modified:
                return "modified since the given modification sequence";
            case Errc::InUse:
                return "in use";
            case Errc::Invalid:
                return "invalid argument";
            case Errc::Temporary:
                return "temporary store failure";
            case Errc::Corrupted:
                return "corrupted record";
            case Errc::NewerSchema:
                return "data written by a newer version";
        }
        return "unknown store error";
    }
};

}  // namespace

const boost::system::error_category& store_category() noexcept {
    static const StoreCategory category;
    return category;
}

}  // namespace govmail::store
