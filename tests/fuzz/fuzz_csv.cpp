// Fuzzes the CSV import's reader: the bytes are the file; the first byte also chooses whether
// the phone number's column is named by the caller (the header's first) or found by its name.
// Every row it accepts goes on to the queue item's decision, as an import's would.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "actors/domain/queue_item.hpp"
#include "http/mapping/csv_import.hpp"

using namespace dialer;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view text{reinterpret_cast<const char*>(data) + 1, size - 1};
  std::map<std::string, std::string> mapping;
  if (data[0] % 2 == 1) {
    auto first = text.substr(0, text.find_first_of(",\r\n"));
    mapping["phoneNumber"] = std::string{first};
  }
  if (auto read = http::read_csv_import(text, mapping)) {
    for (const auto& row : read->rows) {
      if (row.client)
        (void)domain::decide(domain::QueueItemState{}, domain::queue_item::Add{*row.client});
    }
  }
  return 0;
}
