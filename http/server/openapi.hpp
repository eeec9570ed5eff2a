#pragma once

#include <string_view>

namespace dialer::http {

// http/openapi.json, compiled in.
std::string_view openapi_document();

}  // namespace dialer::http
