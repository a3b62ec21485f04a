// An envelope's occurred_at read back as seconds since the epoch (the stock worker's order
// decision latency is measured from it).
#include <gtest/gtest.h>

#include "ims/infra/event.hpp"

using ims::infra::epoch_seconds;

TEST(EventTime, ReadsTheEnvelopesOwnFormat) {
  EXPECT_DOUBLE_EQ(*epoch_seconds("1970-01-01T00:00:00.000Z"), 0.0);
  EXPECT_DOUBLE_EQ(*epoch_seconds("2026-12-04T04:03:47.123Z"), 1796357027.123);
  EXPECT_DOUBLE_EQ(*epoch_seconds("2024-02-29T23:59:59.999Z"), 1709251199.999);
}

TEST(EventTime, RefusesAnythingElse) {
  for (const char* text : {"", "2026-12-04", "2026-12-04T04:03:47Z", "2026-12-04T04:03:47.123",
                           "2026-12-04T04:03:47.123Z trailing", "yesterday", "1969-12-31T23:59:59.000Z"})
    EXPECT_FALSE(epoch_seconds(text).has_value()) << text;
}
