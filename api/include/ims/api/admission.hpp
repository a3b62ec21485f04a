#pragma once
// How many requests ims-api takes at once, adapted to the latency they get (issue 15, part 3).
// A fixed queue bound cannot keep latency down on a saturated machine: requests that never queue
// still slow down when the processes they drive (handlers, PostgreSQL, the stock worker working
// through what was accepted) share the cores. So the limit follows what is observed, additive
// increase and multiplicative decrease, as TCP does with its window:
//  - every `window` finished requests, if more than a tenth of them took longer than the target
//    (from arrival to answer), the limit falls by a quarter, down to `floor`;
//  - otherwise, if requests were refused or in flight reached the limit in that window (the limit
//    is what holds intake back), it rises by one, up to `ceiling`.
// Requests past the limit are refused on arrival (503 with Retry-After), before costing anything.
// A target of 0 turns it off: the limit is the ceiling.
#include <algorithm>
#include <chrono>

namespace ims::api {

class AdmissionLimit {
 public:
  // Adaptive, it starts at `start` (the handler threads: as many as can run at once).
  AdmissionLimit(std::chrono::microseconds target, int floor, int start, int ceiling, int window = 20)
      : target_(target), floor_(std::max(1, floor)), ceiling_(std::max(floor_, ceiling)), window_(window) {
    limit_ = adaptive() ? std::clamp(start, floor_, ceiling_) : ceiling_;
  }

  bool adaptive() const { return target_.count() > 0; }
  int limit() const { return limit_; }

  // Is there room for one more, with `in_flight` taken? A refusal marks the window as held back.
  bool admit(int in_flight) {
    if (in_flight < limit_) {
      if (in_flight + 1 >= limit_) held_back_ = true;
      return true;
    }
    held_back_ = true;
    return false;
  }

  // A request taken finished `latency` after it arrived.
  void finished(std::chrono::microseconds latency) {
    if (!adaptive()) return;
    ++samples_;
    if (latency > target_) ++slow_;
    if (samples_ < window_) return;
    if (slow_ * 10 > samples_) {
      limit_ = std::max(floor_, limit_ * 3 / 4);
    } else if (held_back_) {
      limit_ = std::min(ceiling_, limit_ + 1);
    }
    samples_ = slow_ = 0;
    held_back_ = false;
  }

 private:
  std::chrono::microseconds target_;
  int floor_, ceiling_, window_;
  int limit_;
  int samples_ = 0, slow_ = 0;
  bool held_back_ = false;
};

}  // namespace ims::api
