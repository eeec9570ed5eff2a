#include "actors/rules/phone.hpp"

#include <phonenumbers/phonenumberutil.h>

namespace dialer::rules {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

const PhoneNumberUtil& util() {
  return *PhoneNumberUtil::GetInstance();
}

Error invalid(std::string_view input, std::string_view why) {
  std::string message{"\""};
  message.append(input).append("\" is not a valid phone number: ").append(why);
  return Error{ErrorCode::invalid_argument, std::move(message), "phoneNumber"};
}

}  // namespace

Result<std::string> normalize_phone(std::string_view input, std::string_view default_region) {
  if (input.empty()) return invalid(input, "it is empty");
  if (input.size() > 64) return invalid(input.substr(0, 64), "it is too long");
  PhoneNumber number;
  std::string region = default_region.empty() ? "ZZ" : std::string{default_region};
  auto parsed = util().Parse(std::string{input}, region, &number);
  if (parsed != PhoneNumberUtil::NO_PARSING_ERROR) {
    return invalid(input, default_region.empty() && input.front() != '+'
                              ? "give it with its country code, as +33…"
                              : "it cannot be read as a phone number");
  }
  if (!util().IsValidNumber(number)) return invalid(input, "no such number exists in its country");
  std::string e164;
  util().Format(number, PhoneNumberUtil::E164, &e164);
  return e164;
}

std::string region_of(std::string_view e164) {
  PhoneNumber number;
  if (util().Parse(std::string{e164}, "ZZ", &number) != PhoneNumberUtil::NO_PARSING_ERROR)
    return {};
  std::string region;
  util().GetRegionCodeForNumber(number, &region);
  return region == "ZZ" ? std::string{} : region;
}

std::string digits_only(std::string_view text) {
  std::string digits;
  for (char c : text) {
    if (c >= '0' && c <= '9') digits.push_back(c);
  }
  return digits;
}

}  // namespace dialer::rules
