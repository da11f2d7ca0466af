// Decoding a ConfigNode (a parsed pipeline) into option values against a schema, with
// located diagnostics: the typed decode helpers shared by the host's validation.
// Internal to the host library (framework/host/src).
#ifndef HNN_HOST_SRC_CONFIG_DECODING_H_
#define HNN_HOST_SRC_CONFIG_DECODING_H_

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hnn/config_tree.h"
#include "hnn/host/diagnostics.h"
#include "hnn/options.h"

namespace hnn::internal {

// "a, b, c".
std::string join(const std::vector<std::string>& words);

// "parent.key", or "key" when parent is empty.
std::string child_path(const std::string& parent, const std::string& key);

// "an integer >= 1", "a list of reals (2 elements)", "a string (one of: a, b)".
std::string expected_text(const Option& option);

// A path as written in `file` (a pipeline, or "--set ..." for the command line), made
// absolute: relative to the file's folder, or to the working directory for --set.
std::string resolve_path(const std::string& path, const std::filesystem::path& file);

// Decodes and range-checks one option value; problems go to diagnostics (nullopt then).
std::optional<OptionValue> decode_option(const ConfigNode& node, const Option& option,
                                         const std::string& path, Diagnostics& diagnostics);

// Reports duplicate keys of a map (every later occurrence).
void check_duplicates(const ConfigNode& map, const std::string& path, Diagnostics& diagnostics);

// Reports `entry` as unknown in `where` ("the data section"), with a did-you-mean among
// `allowed`.
void report_unknown_key(const ConfigNode::Entry& entry, const std::string& path,
                        const std::vector<std::string>& allowed, const std::string& where,
                        Diagnostics& diagnostics);

// Validates the keys of `section` against `schema` (`extra_keys` are read by the caller),
// fills the defaults, then, when every option is valid on its own, checks the schema's
// constraints, reporting each at the section.
Options validate_options(const ConfigNode& section, const OptionSchema& schema,
                         const std::string& path, const std::string& where,
                         const std::vector<std::string>& extra_keys, Diagnostics& diagnostics);

// A section that must be a map: the map, or nullptr (a null node is no error, another
// kind is reported).
const ConfigNode* expect_map(const ConfigNode& node, const std::string& path,
                             Diagnostics& diagnostics);

// A copy of `base` with `overrides` merged over it, map by map. A nested plugin section
// whose `plugin` differs is replaced as a whole (the other plugin's options do not apply).
ConfigNode merge(const ConfigNode& base, const ConfigNode& overrides);

// A default plugin section {plugin: name, key: value...} as a tree located at `where`.
ConfigNode default_section(const SourceLocation& where,
                           const std::vector<std::pair<std::string, std::string>>& keys);

// root[key], or an empty map located at the root when absent.
ConfigNode section_or_empty(const ConfigNode& root, const std::string& key);

// The node of `path` (dotted keys and [i] indexes, relative to `section`) when it exists,
// else nullptr: where a problem a plugin reports about one of its options is located.
const ConfigNode* find_path(const ConfigNode& section, const std::string& path);

}  // namespace hnn::internal

#endif  // HNN_HOST_SRC_CONFIG_DECODING_H_
