// JSON-RPC 2.0 message framing (LSP base protocol: `Content-Length` headers) over a byte stream:
// stdin/stdout, or one TCP connection for debugging. Framing errors are values, never crashes;
// the reader resynchronizes on the next header it can find.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace docent::lsp {

struct ReadResult {
  enum class Status {
    Message,    // `body` holds one message's bytes.
    BadHeader,  // A header block without a usable Content-Length; skipped, keep reading.
    TooLarge,   // Content-Length above the limit; the body was skipped, keep reading.
    EndOfInput, // The peer closed the stream (a truncated body ends here too).
  };
  Status status = Status::EndOfInput;
  std::string body;
  std::string problem; // What was wrong, for the log.
};

// Thread-safety: read() from one thread at a time; write() from any thread (writes are
// serialized, and never interleave with each other).
class Transport {
public:
  virtual ~Transport() = default;
  virtual ReadResult read() = 0;
  // Frames and writes one message. Returns false once the peer is gone.
  virtual bool write(std::string_view body) = 0;
};

// The transport over this process's stdin and stdout.
std::unique_ptr<Transport> stdio_transport(size_t max_message_bytes);

// Listens on host:port and returns the transport over the first connection accepted, or null
// with `error` set.
std::unique_ptr<Transport> tcp_transport(const std::string& host, uint16_t port,
                                         size_t max_message_bytes, std::string& error);

// Parses a header block ("Name: value\r\n" lines) for the body length. Exposed for tests.
struct HeaderParse {
  bool ok = false;
  size_t content_length = 0;
  std::string problem;
};
HeaderParse parse_headers(std::string_view block);

} // namespace docent::lsp
