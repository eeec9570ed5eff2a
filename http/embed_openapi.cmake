# Writes the OpenAPI document into a C++ source as a raw string literal.
file(READ ${INPUT} DOCUMENT)
file(WRITE ${OUTPUT}
  "#include \"http/server/openapi.hpp\"\n\n"
  "namespace dialer::http {\n\n"
  "std::string_view openapi_document() {\n"
  "  static constexpr std::string_view kDocument = R\"openapi(${DOCUMENT})openapi\";\n"
  "  return kDocument;\n"
  "}\n\n"
  "}  // namespace dialer::http\n")
