// The fuzzed entry points, callable without libFuzzer: each fuzz/*.cpp defines one, and
// LLVMFuzzerTestOneInput calls it when built with -Dfuzz=true (clang). tests/fuzz_replay
// replays fuzz/regressions/ through them in the normal (gcc, ASan) build.
#pragma once

#include <cstddef>
#include <cstdint>

namespace connspec::fuzz {

// The suite loader: the input is one suite file.
void suite_loader(const std::uint8_t* data, std::size_t size);
// What connspec parses of a server's replies: the first byte picks the parser (a TLS
// handshake after PostgreSQL's SSLRequest or from the first byte, a certificate, a libpq
// error message), the rest is what the server sent.
void replies(const std::uint8_t* data, std::size_t size);

}  // namespace connspec::fuzz
