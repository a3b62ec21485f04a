#pragma once
// The alerts worker's sender: a thread of its own that sends queued emails after the transactions
// that queued them committed, each claimed with a row lock (two workers never send one row), and
// records the outcome on the row. A crash between sending and recording sends that one email
// again on restart (at least once); its Message-ID stays the same, so mail clients fold the two.
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "alerts/use_cases.hpp"
#include "ims/infra/config.hpp"
#include "ims/infra/log.hpp"
#include "ims/infra/metrics.hpp"

namespace ims::workers::alerts {

class EmailSender {
 public:
  EmailSender(const infra::Config& config, infra::Log log, infra::Metrics& metrics);
  ~EmailSender();  // stops and joins
  EmailSender(const EmailSender&) = delete;
  EmailSender& operator=(const EmailSender&) = delete;

 private:
  void run();
  struct Meters;
  const infra::Config& config_;
  AlertSettings settings_;
  infra::Log log_;
  std::unique_ptr<Meters> meters_;
  std::unique_ptr<infra::Mailer> mailer_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::thread thread_;
};

}  // namespace ims::workers::alerts
