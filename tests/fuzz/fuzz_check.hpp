#pragma once
// What the fuzz targets share: a property check that stops the run the way a sanitizer would, so
// libFuzzer saves the input as a crash artifact.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace ims::fuzz {

[[noreturn]] inline void property_failed(const char* what, const std::string& detail, const char* file,
                                         int line) {
  std::fprintf(stderr, "==ims-fuzz== property violated at %s:%d: %s\n  %s\n", file, line, what,
               detail.c_str());
  std::fflush(stderr);
  std::abort();
}

inline std::string text_of(const std::uint8_t* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

}  // namespace ims::fuzz

// FUZZ_CHECK(condition, detail): detail is a std::string expression, built only on failure.
#define FUZZ_CHECK(condition, detail)                                                         \
  do {                                                                                        \
    if (!(condition)) ::ims::fuzz::property_failed(#condition, (detail), __FILE__, __LINE__); \
  } while (0)
