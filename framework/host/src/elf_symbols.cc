#include "elf_symbols.h"

#include <elf.h>

#include <cstring>
#include <fstream>
#include <optional>
#include <string_view>

namespace hnn::internal {
namespace {

// Larger files are refused unread: no plugin is near this size.
constexpr std::uintmax_t kMaxLibraryBytes = std::uintmax_t(1) << 30;  // 1 GiB

// The file's bytes with checked access.
class Bytes {
 public:
  explicit Bytes(std::string data) : data_(std::move(data)) {}
  std::size_t size() const { return data_.size(); }

  // True when [offset, offset + count * each) lies inside the file (no overflow).
  bool holds(std::uint64_t offset, std::uint64_t count, std::uint64_t each) const {
    if (offset > size()) return false;
    if (each != 0 && count > (size() - offset) / each) return false;
    return true;
  }

  // The T at `offset`; the caller checked holds(offset, 1, sizeof(T)).
  template <class T>
  T read(std::uint64_t offset) const {
    T value;
    std::memcpy(&value, data_.data() + offset, sizeof(T));
    return value;
  }

  // The NUL-terminated string at `offset` inside the table [begin, begin + size), or
  // nullopt when the offset is outside it or the string does not end inside it.
  std::optional<std::string_view> string_in(std::uint64_t begin, std::uint64_t size,
                                            std::uint64_t offset) const {
    if (offset >= size) return std::nullopt;
    const std::string_view table(data_.data() + begin, std::size_t(size));
    const std::size_t end = table.find('\0', std::size_t(offset));
    if (end == std::string_view::npos) return std::nullopt;
    return table.substr(std::size_t(offset), end - std::size_t(offset));
  }

 private:
  std::string data_;
};

Bytes read_file(const std::filesystem::path& file) {
  std::error_code error_code;
  const std::uintmax_t size = std::filesystem::file_size(file, error_code);
  if (error_code) throw ElfProblem("its size cannot be read (" + error_code.message() + ")");
  if (size == 0) throw ElfProblem("it is empty (0 bytes)");
  if (size > kMaxLibraryBytes) throw ElfProblem("it is larger than 1 GiB");
  std::ifstream stream(file, std::ios::binary);
  std::string data(std::size_t(size), '\0');
  if (!stream || !stream.read(data.data(), std::streamsize(size))) {
    throw ElfProblem("it cannot be read");
  }
  return Bytes(std::move(data));
}

bool is_visible(const Elf64_Sym& symbol) {
  return ELF64_ST_VISIBILITY(symbol.st_other) == STV_DEFAULT &&
         ELF64_ST_BIND(symbol.st_info) != STB_LOCAL && symbol.st_size != 0;
}

}  // namespace

std::vector<std::string> elf_section_symbols(const std::filesystem::path& file,
                                             const std::string& section) {
  const Bytes bytes = read_file(file);
  if (!bytes.holds(0, 1, sizeof(Elf64_Ehdr))) {
    throw ElfProblem("it is too short for an ELF header (" + std::to_string(bytes.size()) +
                     " bytes)");
  }
  const auto header = bytes.read<Elf64_Ehdr>(0);
  if (std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0) {
    throw ElfProblem("it is not an ELF file (no ELF magic number)");
  }
  if (header.e_ident[EI_CLASS] != ELFCLASS64 || header.e_ident[EI_DATA] != ELFDATA2LSB) {
    throw ElfProblem("it is not a 64-bit little-endian ELF file, as this host is");
  }
  if (header.e_shentsize != sizeof(Elf64_Shdr)) {
    throw ElfProblem("its section headers have size " + std::to_string(header.e_shentsize) +
                     ", not " + std::to_string(sizeof(Elf64_Shdr)));
  }
  if (header.e_shnum == 0 || !bytes.holds(header.e_shoff, header.e_shnum, sizeof(Elf64_Shdr))) {
    throw ElfProblem("its section table lies outside the file");
  }
  const auto section_at = [&](std::uint64_t index) {
    return bytes.read<Elf64_Shdr>(header.e_shoff + index * sizeof(Elf64_Shdr));
  };
  // A string table section, checked to lie inside the file.
  const auto string_table = [&](std::uint64_t index) {
    if (index >= header.e_shnum) throw ElfProblem("a string table index is out of range");
    const Elf64_Shdr table = section_at(index);
    if (table.sh_type != SHT_STRTAB || !bytes.holds(table.sh_offset, table.sh_size, 1)) {
      throw ElfProblem("a string table lies outside the file or is not one");
    }
    return table;
  };

  const Elf64_Shdr names = string_table(header.e_shstrndx);
  std::optional<std::uint64_t> wanted;
  for (std::uint64_t i = 0; i < header.e_shnum && !wanted; ++i) {
    const auto name = bytes.string_in(names.sh_offset, names.sh_size, section_at(i).sh_name);
    if (name && *name == section) wanted = i;
  }
  std::vector<std::string> symbols;
  if (!wanted) return symbols;

  for (std::uint64_t i = 0; i < header.e_shnum; ++i) {
    const Elf64_Shdr table = section_at(i);
    if (table.sh_type != SHT_SYMTAB && table.sh_type != SHT_DYNSYM) continue;
    if (table.sh_entsize != sizeof(Elf64_Sym) ||
        !bytes.holds(table.sh_offset, table.sh_size / sizeof(Elf64_Sym), sizeof(Elf64_Sym))) {
      throw ElfProblem("its symbol table lies outside the file or has entries of the wrong size");
    }
    const Elf64_Shdr strings = string_table(table.sh_link);
    for (std::uint64_t k = 0; k < table.sh_size / sizeof(Elf64_Sym); ++k) {
      const auto symbol = bytes.read<Elf64_Sym>(table.sh_offset + k * sizeof(Elf64_Sym));
      if (symbol.st_shndx != *wanted || !is_visible(symbol)) continue;
      const auto name = bytes.string_in(strings.sh_offset, strings.sh_size, symbol.st_name);
      if (!name) throw ElfProblem("a symbol's name lies outside its string table");
      if (!name->empty()) symbols.emplace_back(*name);
    }
  }
  return symbols;
}

}  // namespace hnn::internal
