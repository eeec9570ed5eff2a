#pragma once

#include <string>
#include <string_view>

#include "events/result.hpp"

namespace dialer::rules {

// The number in E.164 (+4372088007), or an invalid_argument error naming it. Numbers
// without a leading + are read as national numbers of `default_region` (ISO 3166, "FR").
Result<std::string> normalize_phone(std::string_view input, std::string_view default_region = "");

// The ISO 3166 country of an E.164 number, or empty when libphonenumber cannot tell.
std::string region_of(std::string_view e164);

// The digits alone: Aircall's raw_digits ("+43 720 880079") compared with a dialled number.
std::string digits_only(std::string_view text);

}  // namespace dialer::rules
