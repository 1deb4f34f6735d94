// A test helper: appends feedback events to a store in a loop and prints the id of each one
// as soon as append returns, so that a test can kill it at any moment and know which events
// were acknowledged.
//
// Usage: feedback_writer DIRECTORY COUNT TAG
//   COUNT 0 writes until killed. Each event has code TAG and definition "TAG:<sequence>";
//   every third step appends three events in one transaction. Prints "<id> <sequence>" lines.
#include "inference/feedback_store.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>

using namespace docent::inference;

namespace {

// write(2), not stdio: a line must be out of the process before the next append can begin, or
// a kill would lose acknowledgements that the store kept.
bool print_line(const std::string& line) {
  size_t done = 0;
  while (done < line.size()) {
    const ssize_t written = ::write(STDOUT_FILENO, line.data() + done, line.size() - done);
    if (written <= 0)
      return false;
    done += static_cast<size_t>(written);
  }
  return true;
}

FeedbackEvent event_for(const std::string& tag, long sequence) {
  FeedbackEvent event;
  event.time_ms = sequence;
  event.kind = static_cast<SuggestionKind>(sequence % kSuggestionKinds);
  event.code = tag;
  event.outcome = sequence % 2 ? Outcome::Rejected : Outcome::Accepted;
  event.features.version = 1;
  event.features.numeric.assign(32, static_cast<float>(sequence));
  event.features.tokens.assign(8, static_cast<uint32_t>(sequence));
  event.definition = tag + ":" + std::to_string(sequence);
  event.path = "/project/" + tag + ".py";
  return event;
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: feedback_writer DIRECTORY COUNT TAG\n");
    return 2;
  }
  const std::string directory = argv[1];
  const long count = std::strtol(argv[2], nullptr, 10);
  const std::string tag = argv[3];

  FeedbackStoreOpen opened = FeedbackStore::open(directory);
  if (!opened.store) {
    std::fprintf(stderr, "%s\n", opened.error.c_str());
    return 1;
  }
  long sequence = 0;
  for (long step = 0; count == 0 || sequence < count; ++step) {
    std::vector<FeedbackEvent> events;
    const long batch = step % 3 == 2 ? 3 : 1;
    for (long i = 0; i < batch && (count == 0 || sequence + i < count); ++i)
      events.push_back(event_for(tag, sequence + i));
    const Result<std::vector<int64_t>> ids = opened.store->append_all(events);
    if (!ids) {
      std::fprintf(stderr, "%s\n", ids.error.c_str());
      return 1;
    }
    for (int64_t id : *ids) {
      if (!print_line(std::to_string(id) + " " + std::to_string(sequence++) + "\n"))
        return 1;
    }
  }
  return 0;
}
