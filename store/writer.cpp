#include "store/writer.hpp"

#include "core/log.hpp"

namespace govmail::store {

Writer::Writer(Env& env, ChangeFeed& feed, Options options)
    : env_(env)
    , feed_(feed)
    , options_(options)
    , thread_([this] { run_loop(); }) {}

Writer::~Writer() {
    stop();
}

void Writer::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) {
        thread_.join();
    }
}

void Writer::report_unexpected(const std::exception& e) {
    log::error("store.write_failed", {{"error", e.what()}});
}

WriterStats Writer::stats() const {
    std::lock_guard lock(mutex_);
    return stats_;
}

void Writer::enqueue(std::unique_ptr<Job> job) {
    {
        std::lock_guard lock(mutex_);
        if (!stopping_) {
            queue_.push_back(std::move(job));
            wake_.notify_one();
            return;
        }
    }
    job->fail(make_error_code(Errc::Temporary));
    job->complete();
}

void Writer::run_loop() {
    std::vector<std::unique_ptr<Job>> batch;
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) {
                return;  // stopping, and everything submitted before has been done
            }
            std::size_t take =
                options_.one_commit_per_operation ? 1 : std::min(queue_.size(), options_.max_batch);
            for (std::size_t i = 0; i < take; ++i) {
                batch.push_back(std::move(queue_.front()));
                queue_.pop_front();
            }
        }
        run_batch(batch);
        batch.clear();
    }
}

bool Writer::commit_batch(
    std::vector<std::unique_ptr<Job>>& batch, std::vector<MailboxChange>& changes
) {
    WriteTxn txn = env_.begin_write();
    std::vector<MailboxChange> job_changes;
    for (auto& job : batch) {
        job_changes.clear();
        WriteTxn child = txn.child();
        WriteScope scope(child, job_changes);
        job->run(scope);
        if (job->succeeded()) {
            child.commit();
            changes.insert(changes.end(), job_changes.begin(), job_changes.end());
        }
    }
    txn.commit();
    return true;
}

void Writer::run_batch(std::vector<std::unique_ptr<Job>>& batch) {
    std::vector<MailboxChange> changes;
    bool committed = false;
    for (int attempt = 0; attempt < 2 && !committed; ++attempt) {
        changes.clear();
        try {
            committed = commit_batch(batch, changes);
        } catch (const MapFull& e) {
            if (attempt == 0 && env_.grow_map()) {
                continue;
            }
            log::error("store.map_full", {{"map_size", env_.map_size()}, {"error", e.what()}});
            break;
        } catch (const StoreException& e) {
            log::error("store.commit_failed", {{"error", e.what()}});
            break;
        }
    }
    {
        std::lock_guard lock(mutex_);
        ++stats_.batches;
        stats_.operations += batch.size();
        if (!committed) {
            ++stats_.failed_commits;
        }
    }
    for (auto& job : batch) {
        if (!committed) {
            job->fail(make_error_code(Errc::Temporary));
        }
        job->complete();
    }
    if (committed && !changes.empty()) {
        feed_.publish(changes);
    }
}

}  // namespace govmail::store
