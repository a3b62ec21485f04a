#pragma once
// The emails about an account (issue 13): the verification link of a sign-up, the note to the owner
// of a name or address someone tried to register again, and the admin's decision. Pure, like the
// alert emails: the API queues what these return in the transaction of their cause.
#include <string>

#include "ims/domain/alert_email.hpp"

namespace ims::domain {

struct AccountEmailFacts {
  std::string username;
  std::string dashboard_url;    // e.g. http://127.0.0.1:8080; a trailing slash is fine
  std::string verify_link;      // verification: the single-use link
  int verify_valid_hours = 24;  // verification: how long the link works
  std::string role;             // activated: the role given
  std::string location;         // activated: "CODE (Name)" or empty
};

RenderedEmail render_verification_email(const AccountEmailFacts& facts);
// To the owner of a username or address a new sign-up asked for again: nothing was created.
RenderedEmail render_taken_email(const AccountEmailFacts& facts);
RenderedEmail render_activated_email(const AccountEmailFacts& facts);
RenderedEmail render_rejected_email(const AccountEmailFacts& facts);

}  // namespace ims::domain
