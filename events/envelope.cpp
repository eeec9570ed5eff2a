#include "events/envelope.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <memory>

#include "events/binary.hpp"

namespace dialer::events {
namespace {

constexpr std::uint8_t kMagic = 0xE7;
constexpr std::uint8_t kFormat = 1;

void write_fields(Writer& w, const Envelope& e) {
  w.u8(kMagic);
  w.u8(kFormat);
  w.varint(e.seq);
  w.bytes(e.stream);
  w.varint(e.stream_version);
  w.bytes(e.type);
  w.varint(e.schema);
  w.svarint(e.recorded_at_ms);
  w.bytes(e.causation_id);
  w.bytes(e.correlation_id);
  w.bytes(e.payload);
}

Hash chain_hash(const Hash& prev, std::string_view fields) {
  // Fetched once: the implicit fetch behind EVP_sha256() costs a lookup per digest.
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  thread_local const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context{
      EVP_MD_CTX_new(), &EVP_MD_CTX_free};
  Hash out{};
  EVP_DigestInit_ex(context.get(), sha256, nullptr);
  EVP_DigestUpdate(context.get(), prev.data(), prev.size());
  EVP_DigestUpdate(context.get(), fields.data(), fields.size());
  EVP_DigestFinal_ex(context.get(), out.data(), nullptr);
  return out;
}

Hash read_hash(Reader& r) {
  Hash hash{};
  auto bytes = r.raw(hash.size());
  if (r.ok()) std::copy(bytes.begin(), bytes.end(), hash.begin());
  return hash;
}

}  // namespace

std::string to_hex(const Hash& hash) {
  return to_hex(std::string_view{reinterpret_cast<const char*>(hash.data()), hash.size()});
}

std::string seal_envelope(Envelope& envelope) {
  Writer w;
  w.reserve(envelope.payload.size() + envelope.stream.size() + envelope.type.size() +
            envelope.causation_id.size() + envelope.correlation_id.size() + 112);
  write_fields(w, envelope);
  envelope.hash = chain_hash(envelope.prev_hash, w.buffer());
  w.raw({reinterpret_cast<const char*>(envelope.prev_hash.data()), envelope.prev_hash.size()});
  w.raw({reinterpret_cast<const char*>(envelope.hash.data()), envelope.hash.size()});
  return w.take();
}

Result<EnvelopeView> decode_envelope_view(std::string_view bytes) {
  Reader r{bytes};
  if (r.u8() != kMagic) return Error{ErrorCode::corrupt_data, "not an event envelope"};
  auto format = r.u8();
  if (r.ok() && format != kFormat) {
    return Error{ErrorCode::unsupported_version,
                 "envelope format " + std::to_string(format) + " is not readable by this build"};
  }
  EnvelopeView e;
  e.seq = r.varint();
  e.stream = r.bytes();
  e.stream_version = r.varint();
  e.type = r.bytes();
  auto schema = r.varint();
  if (schema > UINT32_MAX) r.fail();
  e.schema = static_cast<std::uint32_t>(schema);
  e.recorded_at_ms = r.svarint();
  e.causation_id = r.bytes();
  e.correlation_id = r.bytes();
  e.payload = r.bytes();
  auto fields_end = r.position();
  e.prev_hash = read_hash(r);
  e.hash = read_hash(r);
  if (!r.ok() || !r.at_end()) {
    return Error{ErrorCode::corrupt_data, "event envelope is truncated or malformed"};
  }
  if (chain_hash(e.prev_hash, bytes.substr(0, fields_end)) != e.hash) {
    return Error{ErrorCode::corrupt_data,
                 "event envelope at seq " + std::to_string(e.seq) + " does not match its hash"};
  }
  return e;
}

Result<Envelope> decode_envelope(std::string_view bytes) {
  auto view = decode_envelope_view(bytes);
  if (!view) return view.error();
  return owned(*view);
}

Envelope owned(const EnvelopeView& view) {
  return Envelope{view.seq,
                  std::string{view.stream},
                  view.stream_version,
                  std::string{view.type},
                  view.schema,
                  view.recorded_at_ms,
                  std::string{view.causation_id},
                  std::string{view.correlation_id},
                  std::string{view.payload},
                  view.prev_hash,
                  view.hash};
}

}  // namespace dialer::events
