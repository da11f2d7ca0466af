// UTF-8 checks for text that reaches file names, messages and the report: what a YAML
// file holds must be valid UTF-8 (YAML requires it), and a message that quotes text
// must not pass raw invalid bytes or terminal control characters on.
#ifndef HNN_UTF8_H_
#define HNN_UTF8_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace hnn {

// The byte offset of the first byte that does not start a well-formed UTF-8 sequence
// (an invalid byte such as 0xff, a truncated, overlong or surrogate sequence, or a code
// point above U+10FFFF), or nullopt when the whole text is valid UTF-8.
std::optional<std::size_t> find_invalid_utf8(std::string_view text);

// The text with every invalid byte and every control character (below 0x20 and 0x7f)
// written as \xNN, for quoting untrusted text in a message.
std::string escape_for_message(std::string_view text);

}  // namespace hnn

#endif  // HNN_UTF8_H_
