#include "ims/domain/account_email.hpp"

#include <string>
#include <vector>

namespace ims::domain {
namespace {

struct Draft {
  std::string subject;  // after "[IMS] "
  std::vector<std::string> paragraphs;
  std::string link_label;
  std::string link;
};

std::string dashboard(const AccountEmailFacts& f) {
  std::string base = f.dashboard_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base.empty() ? "" : base + "/";
}

constexpr const char* footer = "You receive this email because this address was given for an IMS account.";

RenderedEmail render(const Draft& d) {
  RenderedEmail out;
  out.subject = "[IMS] " + d.subject;
  for (const auto& p : d.paragraphs) out.text += p + "\n\n";
  if (!d.link.empty()) out.text += d.link_label + ": " + d.link + "\n\n";
  out.text += "-- \n" + std::string(footer) + "\n";
  out.html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>" +
             html_escape(out.subject) + "</title></head>\n<body>\n";
  for (const auto& p : d.paragraphs) out.html += "<p>" + html_escape(p) + "</p>\n";
  if (!d.link.empty()) {
    out.html += "<p><a href=\"" + html_escape(d.link) + "\">" + html_escape(d.link_label) + "</a><br>" +
                html_escape(d.link) + "</p>\n";
  }
  out.html += "<p><small>" + html_escape(footer) + "</small></p>\n</body>\n</html>\n";
  return out;
}

}  // namespace

RenderedEmail render_verification_email(const AccountEmailFacts& f) {
  return render(
      {"Confirm your email address",
       {"Hello " + f.username + ",",
        "Someone (hopefully you) asked for an IMS account with this address. Open the link below to "
        "confirm it; it works once, for " +
            std::to_string(f.verify_valid_hours) +
            " hours. An administrator then activates the account and you get another email.",
        "If you did not ask for an account, ignore this email: nothing happens without the link."},
       "Confirm your email address",
       f.verify_link});
}

RenderedEmail render_taken_email(const AccountEmailFacts& f) {
  return render(
      {"Someone tried to sign up with your account's name or address",
       {"Hello " + f.username + ",",
        "A new IMS account was just requested with your username or email address. You already have an "
        "account, so no second one was created.",
        "If that was you, sign in with your existing account (an administrator can reset your password). "
        "If it was not you, you need not do anything."},
       "Sign in",
       dashboard(f)});
}

RenderedEmail render_activated_email(const AccountEmailFacts& f) {
  return render({"Your IMS account is active",
                 {"Hello " + f.username + ",", "An administrator activated your account as " + f.role +
                                                   (f.location.empty() ? "" : " at " + f.location) +
                                                   ". You can sign in now."},
                 "Sign in",
                 dashboard(f)});
}

RenderedEmail render_rejected_email(const AccountEmailFacts& f) {
  return render(
      {"Your IMS account request was declined",
       {"Hello " + f.username + ",",
        "An administrator declined your request for an IMS account, and it was removed. If you think this "
        "is a mistake, contact your IMS administrator."},
       "",
       ""});
}

}  // namespace ims::domain
