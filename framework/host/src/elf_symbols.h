// The symbols a shared library defines in one section, read from the file without loading
// it: what the plugin loader checks before it lets the dynamic linker near a file.
//
// The reader trusts nothing in the file: every offset, size, count and index is checked
// against the file's size before it is used, strings must end inside their table, and no
// allocation is larger than the file. Any byte content gives either the symbols or an
// ElfProblem, never a crash (tests/hostile/plugin_corruption_test.cc corrupts a bundled
// plugin in a few hundred ways). Boost.DLL's library_info, used before, trusted the
// section table and crashed on some corrupted files.
#ifndef HNN_HOST_ELF_SYMBOLS_H_
#define HNN_HOST_ELF_SYMBOLS_H_

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace hnn::internal {

// Why a file is not an ELF shared library this host can read; what() says it for a user
// ("it is empty (0 bytes)", "its section table ends after the end of the file", ...).
class ElfProblem : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The names of the visible (default visibility, global or weak, non-empty) symbols of the
// 64-bit little-endian ELF file `file` that are defined in the section named `section`,
// from its symbol table (.symtab). Empty when the section does not exist. Throws ElfProblem.
std::vector<std::string> elf_section_symbols(const std::filesystem::path& file,
                                             const std::string& section);

}  // namespace hnn::internal

#endif  // HNN_HOST_ELF_SYMBOLS_H_
