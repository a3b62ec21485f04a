#pragma once
// The alerts worker's sender: a thread of its own that sends queued emails after the transactions
// that queued them committed, each claimed with a row lock (two workers never send one row), and
// records the outcome on the row. A crash between sending and recording sends that one email
// again on restart (at least once); its Message-ID stays the same, so mail clients fold the two.
#include <memory>
#include <string>

#include "alerts/use_cases.hpp"
#include "background.hpp"
#include "ims/infra/config.hpp"
#include "ims/infra/log.hpp"
#include "ims/infra/metrics.hpp"

namespace ims::workers::alerts {

class EmailSender {
 public:
  EmailSender(const infra::Config& config, infra::Log log, infra::Metrics& metrics);
  EmailSender(const EmailSender&) = delete;
  EmailSender& operator=(const EmailSender&) = delete;

 private:
  struct Meters;
  BackgroundLoop::Pass pass(const std::string& database_url, infra::DbSessionMeters* sessions);
  AlertSettings settings_;
  std::shared_ptr<Meters> meters_;
  std::unique_ptr<infra::Mailer> mailer_;
  BackgroundLoop loop_;  // last: stops and joins first
};

}  // namespace ims::workers::alerts
