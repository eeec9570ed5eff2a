#pragma once

#include <rocksdb/db.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "storage/database.hpp"
#include "storage/keys.hpp"

namespace dialer::testing {

// Flips bits of one stored event behind the store's back, as a failing disk would.
inline void damage_logged_event(const std::string& path, std::uint64_t seq, double where = 0.5) {
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const auto& name : storage::column_family_names())
    families.emplace_back(name, rocksdb::ColumnFamilyOptions{});
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  REQUIRE(rocksdb::DB::Open(rocksdb::DBOptions{}, path, families, &handles, &raw).ok());
  std::string value;
  REQUIRE(raw->Get({}, handles[1], storage::keys::be64(seq), &value).ok());
  auto at = static_cast<std::size_t>(static_cast<double>(value.size()) * where);
  value[at] = static_cast<char>(value[at] ^ 0x24);
  REQUIRE(raw->Put({}, handles[1], storage::keys::be64(seq), value).ok());
  for (auto* handle : handles) raw->DestroyColumnFamilyHandle(handle);
  delete raw;
}

}  // namespace dialer::testing
