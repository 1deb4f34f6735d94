// Content-Length framing on Boost.Asio streams (see transport.h).
#include "lsp/transport.h"

#include <boost/asio.hpp>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <unistd.h>
#include <vector>

namespace docent::lsp {

namespace asio = boost::asio;

namespace {

constexpr std::string_view kHeaderEnd = "\r\n\r\n";
constexpr size_t kMaxHeaderBytes = 64 * 1024;

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
    text.remove_suffix(1);
  return text;
}

bool is_header_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
}

// "Name: value" with a token for a name. The line may still end with "\r".
bool looks_like_header(std::string_view line) {
  const size_t colon = line.find(':');
  return colon != std::string_view::npos && is_header_name(line.substr(0, colon));
}

// Where the last "Content-Length:" in `text` starts (any case), or npos.
size_t find_content_length(std::string_view text) {
  constexpr std::string_view kName = "content-length:";
  size_t found = std::string_view::npos;
  for (size_t pos = 0; pos + kName.size() <= text.size(); ++pos)
    if (iequals(text.substr(pos, kName.size()), kName))
      found = pos;
  return found;
}

// The header block proper: the header lines that end `block`. Whatever comes before them is
// left over from a message that could not be framed (its body, or garbage) and is skipped, so
// that the reader finds the next message; a `Content-Length` glued to the end of such bytes,
// with no line break between, starts the block too. `skipped` tells how many bytes were left.
std::string_view header_block(std::string_view block, size_t& skipped) {
  std::vector<size_t> line_starts{0};
  for (size_t pos = 0; pos + 1 < block.size(); ++pos)
    if (block[pos] == '\n')
      line_starts.push_back(pos + 1);
  size_t start = block.size();
  bool any_header = false;
  for (auto it = line_starts.rbegin(); it != line_starts.rend(); ++it) {
    std::string_view line = block.substr(*it, start - *it);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
      line.remove_suffix(1);
    if (line.empty()) {
      start = *it;
      continue;
    }
    const size_t glued = find_content_length(line);
    if (glued != std::string_view::npos && glued > 0) {
      start = *it + glued;
      any_header = true;
      break;
    }
    if (!looks_like_header(line))
      break;
    start = *it;
    any_header = true;
  }
  if (!any_header) { // Nothing header-like: parse_headers reports what is wrong.
    skipped = 0;
    return block;
  }
  skipped = start;
  return block.substr(start);
}

// Reads framed messages from a synchronous Asio stream and writes them to another.
template <typename In, typename Out> class StreamTransport final : public Transport {
public:
  StreamTransport(In in, Out out, size_t max_message_bytes)
      : in_(std::move(in)), out_(std::move(out)), max_message_bytes_(max_message_bytes) {}

  ReadResult read() override {
    ReadResult result;
    boost::system::error_code error;
    const size_t header_size = asio::read_until(in_, buffer_, std::string(kHeaderEnd), error);
    if (error) {
      result.status = error == asio::error::not_found ? ReadResult::Status::BadHeader
                                                      : ReadResult::Status::EndOfInput;
      result.problem =
          error == asio::error::not_found ? "header block too long; skipped" : "end of input";
      if (error == asio::error::not_found)
        buffer_.consume(buffer_.size());
      else if (buffer_.size() > 0)
        result.problem = "end of input inside a header block";
      return result;
    }
    std::string block(asio::buffers_begin(buffer_.data()),
                      asio::buffers_begin(buffer_.data()) + header_size);
    buffer_.consume(header_size);
    size_t skipped = 0;
    const HeaderParse header = parse_headers(header_block(block, skipped));
    if (skipped > 0)
      result.problem = "skipped " + std::to_string(skipped) + " bytes of garbage before a header";
    if (!header.ok) {
      result.status = ReadResult::Status::BadHeader;
      result.problem += (result.problem.empty() ? "" : "; ") + header.problem;
      return result;
    }
    if (header.content_length > max_message_bytes_) {
      result.status = skip(header.content_length) ? ReadResult::Status::TooLarge
                                                  : ReadResult::Status::EndOfInput;
      result.problem = "Content-Length " + std::to_string(header.content_length) +
                       " is above the limit of " + std::to_string(max_message_bytes_) +
                       " bytes; message skipped";
      return result;
    }
    if (!read_body(header.content_length, result.body)) {
      result.status = ReadResult::Status::EndOfInput;
      result.problem = "end of input inside a message body (" + std::to_string(result.body.size()) +
                       " of " + std::to_string(header.content_length) + " bytes)";
      return result;
    }
    result.status = ReadResult::Status::Message;
    return result;
  }

  bool write(std::string_view body) override {
    const std::string header = "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    std::lock_guard<std::mutex> lock(write_mutex_);
    if (closed_)
      return false;
    boost::system::error_code error;
    const std::array<asio::const_buffer, 2> buffers{asio::buffer(header), asio::buffer(body)};
    asio::write(out_, buffers, error);
    closed_ = static_cast<bool>(error);
    return !closed_;
  }

private:
  bool read_body(size_t length, std::string& body) {
    body.reserve(length);
    const size_t buffered = std::min(length, buffer_.size());
    body.assign(asio::buffers_begin(buffer_.data()),
                asio::buffers_begin(buffer_.data()) + buffered);
    buffer_.consume(buffered);
    if (body.size() == length)
      return true;
    body.resize(length);
    boost::system::error_code error;
    const size_t got = asio::read(in_, asio::buffer(&body[buffered], length - buffered), error);
    body.resize(buffered + got);
    return body.size() == length;
  }

  // Discards `length` bytes without holding them in memory.
  bool skip(size_t length) {
    const size_t buffered = std::min(length, buffer_.size());
    buffer_.consume(buffered);
    length -= buffered;
    char scratch[64 * 1024];
    while (length > 0) {
      boost::system::error_code error;
      const size_t got =
          asio::read(in_, asio::buffer(scratch, std::min(length, sizeof scratch)), error);
      length -= got;
      if (error)
        return false;
    }
    return true;
  }

  In in_;
  Out out_;
  size_t max_message_bytes_;
  asio::streambuf buffer_{kMaxHeaderBytes + 64 * 1024};
  std::mutex write_mutex_;
  bool closed_ = false;
};

asio::io_context& shared_context() {
  static asio::io_context context;
  return context;
}

} // namespace

HeaderParse parse_headers(std::string_view block) {
  HeaderParse result;
  bool seen = false;
  while (!block.empty()) {
    const size_t end = block.find('\n');
    std::string_view line = trim(block.substr(0, end));
    block = end == std::string_view::npos ? std::string_view() : block.substr(end + 1);
    if (line.empty())
      continue;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      result.problem = "malformed header line '" + std::string(line.substr(0, 60)) + "'";
      return result;
    }
    if (!iequals(trim(line.substr(0, colon)), "content-length"))
      continue; // Content-Type and unknown headers are allowed and ignored.
    if (seen) {
      result.problem = "duplicate Content-Length header";
      return result;
    }
    seen = true;
    const std::string_view value = trim(line.substr(colon + 1));
    if (value.empty() || value.size() > 18 || !std::all_of(value.begin(), value.end(), [](char c) {
          return std::isdigit(static_cast<unsigned char>(c));
        })) {
      result.problem = "Content-Length is not a number: '" + std::string(value.substr(0, 30)) + "'";
      return result;
    }
    result.content_length = std::stoull(std::string(value));
  }
  if (!seen) {
    result.problem = "header block without Content-Length";
    return result;
  }
  result.ok = true;
  return result;
}

std::unique_ptr<Transport> stdio_transport(size_t max_message_bytes) {
  using Descriptor = asio::posix::stream_descriptor;
  return std::make_unique<StreamTransport<Descriptor, Descriptor>>(
      Descriptor(shared_context(), ::dup(STDIN_FILENO)),
      Descriptor(shared_context(), ::dup(STDOUT_FILENO)), max_message_bytes);
}

std::unique_ptr<Transport> tcp_transport(const std::string& host, uint16_t port,
                                         size_t max_message_bytes, std::string& error) {
  using Socket = asio::ip::tcp::socket;
  boost::system::error_code code;
  const asio::ip::address address = asio::ip::make_address(host, code);
  if (code) {
    error = "not an IP address: " + host;
    return nullptr;
  }
  asio::ip::tcp::acceptor acceptor(shared_context());
  const asio::ip::tcp::endpoint endpoint(address, port);
  acceptor.open(endpoint.protocol(), code);
  if (!code)
    acceptor.set_option(asio::ip::tcp::acceptor::reuse_address(true), code);
  if (!code)
    acceptor.bind(endpoint, code);
  if (!code)
    acceptor.listen(1, code);
  Socket socket(shared_context());
  if (!code)
    acceptor.accept(socket, code);
  if (code) {
    error = "cannot listen on " + host + ":" + std::to_string(port) + ": " + code.message();
    return nullptr;
  }
  // Reads and writes go through two handles of one connection so that a write never waits
  // for a read's lock.
  Socket writer(shared_context());
  writer.assign(endpoint.protocol(), ::dup(socket.native_handle()), code);
  if (code) {
    error = "cannot duplicate the connection: " + code.message();
    return nullptr;
  }
  return std::make_unique<StreamTransport<Socket, Socket>>(std::move(socket), std::move(writer),
                                                           max_message_bytes);
}

} // namespace docent::lsp
