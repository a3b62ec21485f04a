#pragma once
// The refusal of fields the stored state rejects: 409 when one "is taken" (a unique code, SKU or
// GTIN held by another record), else the 422 of the field errors.
#include <vector>

#include "ims/domain/result.hpp"

namespace ims::api {

inline domain::Error field_refusal(const std::vector<domain::FieldError>& errors) {
  for (const auto& f : errors) {
    if (f.message == "is taken")
      return domain::Error{domain::ErrorCode::conflict, f.field + " is taken", errors, 0};
  }
  return domain::Error::validation(errors);
}

}  // namespace ims::api
