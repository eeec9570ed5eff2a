# Writes the console's files into a C++ source, each as an array of its bytes.
#   -DOUTPUT=<file.cpp> -DFILES=<url>=<path>|<url>=<path>|...
set(out "#include \"http/server/console_files.hpp\"\n\nnamespace dialer::http {\nnamespace {\n\n")
set(table "")
set(index 0)
string(REPLACE "|" ";" FILES "${FILES}")
foreach(entry ${FILES})
  string(FIND "${entry}" "=" split)
  string(SUBSTRING "${entry}" 0 ${split} url)
  math(EXPR from "${split} + 1")
  string(SUBSTRING "${entry}" ${from} -1 path)
  file(READ "${path}" bytes HEX)
  string(LENGTH "${bytes}" hex_length)
  math(EXPR size "${hex_length} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${bytes}")
  string(APPEND out "const unsigned char k${index}[] = {${bytes}0};\n")
  string(APPEND table "      {\"${url}\", {reinterpret_cast<const char*>(k${index}), ${size}}},\n")
  math(EXPR index "${index} + 1")
endforeach()
string(APPEND out "\n}  // namespace\n\n"
  "const std::vector<ConsoleFile>& console_files() {\n"
  "  static const std::vector<ConsoleFile> kFiles{\n${table}  };\n"
  "  return kFiles;\n}\n\n}  // namespace dialer::http\n")
file(WRITE "${OUTPUT}" "${out}")
