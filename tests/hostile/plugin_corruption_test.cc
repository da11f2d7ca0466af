// The plugin loader's pre-load check (elf_symbols.h) on a bundled plugin corrupted a few
// hundred ways: truncated at every boundary of its ELF header, program and section
// tables, and with bytes overwritten at a fixed seed (in the headers, in the tables and
// anywhere). Every copy gives the symbols or a problem, never a signal; every copy it
// refuses makes hnn-host exit 2 naming the file.
#include <doctest/doctest.h>
#include <elf.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>

#include "elf_symbols.h"
#include "hnn/host/plugin_loader.h"
#include "hnn/registry.h"
#include "host_command.h"

namespace {

namespace fs = std::filesystem;

const fs::path kPlugin = fs::path(HNN_BUNDLED_PLUGIN_DIR) / "hnn_adam.so";

std::string read_bytes(const fs::path& file) {
  std::ifstream stream(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(stream), {});
}

void write_bytes(const fs::path& file, const std::string& bytes) {
  std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
}

struct Corruption {
  std::string name;
  std::string bytes;
};

// Truncations at every boundary of the ELF header's fields and of every entry of the
// program and section header tables, and inside every section.
std::vector<Corruption> truncations(const std::string& original) {
  Elf64_Ehdr header;
  std::memcpy(&header, original.data(), sizeof header);
  std::set<std::size_t> cuts = {0, 1, 4, 5, 6, 16, 18, 20, 24, 32, 40, 48, 52, 54, 56, 58, 60, 62};
  for (std::size_t k = 0; k <= header.e_phnum; ++k) cuts.insert(header.e_phoff + k * 56);
  for (std::size_t k = 0; k <= header.e_shnum; ++k) cuts.insert(header.e_shoff + k * 64);
  for (std::size_t k = 0; k < header.e_shnum; ++k) {
    Elf64_Shdr section;
    std::memcpy(&section, original.data() + header.e_shoff + k * 64, sizeof section);
    cuts.insert(section.sh_offset + section.sh_size / 2);
  }
  cuts.insert(original.size() - 1);
  std::vector<Corruption> result;
  for (const std::size_t cut : cuts) {
    if (cut < original.size()) {
      result.push_back({"cut_" + std::to_string(cut), original.substr(0, cut)});
    }
  }
  return result;
}

// Bytes overwritten with random values (a fixed seed): in the ELF header, in the section
// table, and anywhere; and every section header's fields set to extremes.
std::vector<Corruption> overwrites(const std::string& original) {
  Elf64_Ehdr header;
  std::memcpy(&header, original.data(), sizeof header);
  const std::size_t table = header.e_shoff, table_size = std::size_t(header.e_shnum) * 64;
  std::mt19937_64 random(12);
  std::vector<Corruption> result;
  for (int copy = 0; copy < 240; ++copy) {
    std::string bytes = original;
    const int flips = 1 + int(random() % 8);
    for (int f = 0; f < flips; ++f) {
      std::size_t at = 0;
      switch (copy % 3) {
        case 0:
          at = random() % sizeof header;
          break;
        case 1:
          at = table + random() % table_size;
          break;
        default:
          at = random() % bytes.size();
          break;
      }
      bytes[at] = char(random() % 256);
    }
    result.push_back({"flip_" + std::to_string(copy), std::move(bytes)});
  }
  const std::uint64_t extremes[] = {0, 0xffffffffffffffffull, 0x7fffffffffffffffull,
                                    original.size(), original.size() - 1};
  for (std::size_t k = 0; k < header.e_shnum; ++k) {
    for (const std::size_t field : {0u, 24u, 32u, 40u}) {  // name, offset, size, link
      std::string bytes = original;
      const std::uint64_t value = extremes[(k + field) % 5];
      std::memcpy(bytes.data() + table + k * 64 + field, &value, field == 40 ? 4 : 8);
      result.push_back({"field_" + std::to_string(k) + "_" + std::to_string(field), bytes});
    }
  }
  return result;
}

}  // namespace

TEST_CASE("the pre-load check reads any corrupted copy of a plugin without crashing") {
  const std::string original = read_bytes(kPlugin);
  REQUIRE(original.size() > 4096);
  const auto symbols = hnn::internal::elf_section_symbols(kPlugin, "hnn");
  CHECK(std::find(symbols.begin(), symbols.end(), "hnn_plugin") != symbols.end());

  const fs::path dir = hnn_test::scratch("plugin_corruption");
  std::vector<Corruption> copies = truncations(original);
  const std::size_t truncated = copies.size();
  for (auto& copy : overwrites(original)) copies.push_back(std::move(copy));
  CHECK(copies.size() >= 300);

  std::vector<fs::path> refused;
  for (std::size_t i = 0; i < copies.size(); ++i) {
    const fs::path file = dir / (copies[i].name + ".so");
    write_bytes(file, copies[i].bytes);
    try {
      hnn::internal::elf_section_symbols(file, "hnn");
    } catch (const hnn::internal::ElfProblem& problem) {
      CHECK(std::string(problem.what()).size() > 0);
      refused.push_back(file);
      continue;
    }
    // Only a truncation that keeps the section table could pass; none does here.
    CHECK_MESSAGE(i >= truncated, copies[i].name);
    fs::remove(file);
  }
  MESSAGE(refused.size() << " of " << copies.size() << " copies refused");
  CHECK(refused.size() >= truncated);

  // The host exits 2 naming each refused copy (a sample of them: a process each).
  for (std::size_t k = 0; k < refused.size(); k += std::max<std::size_t>(1, refused.size() / 25)) {
    const auto result =
        hnn_test::host("--list-plugins --plugin-dir '" + refused[k].string() + "'", "", dir);
    CHECK_MESSAGE(result.status == 2, refused[k]);
    CHECK(hnn_test::contains(result.err, "plugin " + refused[k].string() +
                                             " is not an hnn plugin: it is not a shared library "
                                             "this host can read: "));
  }
}

TEST_CASE("an empty .so is named with a clear reason") {
  const fs::path dir = hnn_test::scratch("plugin_empty");
  write_bytes(dir / "empty.so", "");
  CHECK_THROWS_WITH_AS(hnn::internal::elf_section_symbols(dir / "empty.so", "hnn"),
                       "it is empty (0 bytes)", hnn::internal::ElfProblem);
  write_bytes(dir / "text.so", "#!/bin/sh\necho not a library\n");
  CHECK_THROWS_WITH_AS(hnn::internal::elf_section_symbols(dir / "text.so", "hnn"),
                       "it is too short for an ELF header (29 bytes)", hnn::internal::ElfProblem);
}

namespace {

// A copy of `original` with the ELF header or a section header changed by `edit`.
template <class Edit>
std::string edited(const std::string& original, Edit edit) {
  std::string bytes = original;
  Elf64_Ehdr header;
  std::memcpy(&header, bytes.data(), sizeof header);
  edit(bytes, header);
  std::memcpy(bytes.data(), &header, sizeof header);
  return bytes;
}

Elf64_Shdr section_header(const std::string& bytes, const Elf64_Ehdr& header, std::size_t k) {
  Elf64_Shdr section;
  std::memcpy(&section, bytes.data() + header.e_shoff + k * sizeof section, sizeof section);
  return section;
}

void put_section_header(std::string& bytes, const Elf64_Ehdr& header, std::size_t k,
                        const Elf64_Shdr& section) {
  std::memcpy(bytes.data() + header.e_shoff + k * sizeof section, &section, sizeof section);
}

// The loader's message for a file the pre-load check refuses with `problem`.
std::string loader_message(const fs::path& file, const std::string& problem) {
  return "plugin " + file.string() +
         " is not an hnn plugin: it is not a shared library this host can read: " + problem;
}

// Writes `bytes` to dir/<name>.so and checks the reader's problem and the loader's message,
// word for word.
void check_refusal(const fs::path& dir, const std::string& name, const std::string& bytes,
                   const std::string& problem) {
  CAPTURE(name);
  const fs::path file = dir / (name + ".so");
  write_bytes(file, bytes);
  CHECK_THROWS_WITH_AS(hnn::internal::elf_section_symbols(file, "hnn"), problem.c_str(),
                       hnn::internal::ElfProblem);
  hnn::Registry registry;
  hnn::PluginLoader loader(registry);
  CHECK_THROWS_WITH_AS(loader.load_library(file), loader_message(file, problem).c_str(),
                       hnn::PluginLoadError);
}

}  // namespace

TEST_CASE("each corruption the pre-load check finds has its own message, word for word") {
  const std::string original = read_bytes(kPlugin);
  Elf64_Ehdr header;
  std::memcpy(&header, original.data(), sizeof header);
  REQUIRE(header.e_shnum > 2);
  const fs::path dir = hnn_test::scratch("plugin_corruption_messages");

  check_refusal(dir, "short", original.substr(0, 63),
                "it is too short for an ELF header (63 bytes)");
  check_refusal(dir, "magic",
                edited(original, [](std::string&, Elf64_Ehdr& h) { h.e_ident[EI_MAG1] = 'X'; }),
                "it is not an ELF file (no ELF magic number)");
  check_refusal(
      dir, "class32",
      edited(original, [](std::string&, Elf64_Ehdr& h) { h.e_ident[EI_CLASS] = ELFCLASS32; }),
      "it is not a 64-bit little-endian ELF file, as this host is");
  check_refusal(
      dir, "big_endian",
      edited(original, [](std::string&, Elf64_Ehdr& h) { h.e_ident[EI_DATA] = ELFDATA2MSB; }),
      "it is not a 64-bit little-endian ELF file, as this host is");
  check_refusal(dir, "entry_size",
                edited(original, [](std::string&, Elf64_Ehdr& h) { h.e_shentsize = 40; }),
                "its section headers have size 40, not 64");
  check_refusal(dir, "table_outside",
                edited(original,
                       [&](std::string&, Elf64_Ehdr& h) {
                         h.e_shoff = original.size() - 64;  // room for one of e_shnum entries
                       }),
                "its section table lies outside the file");
  check_refusal(dir, "no_sections",
                edited(original, [](std::string&, Elf64_Ehdr& h) { h.e_shnum = 0; }),
                "its section table lies outside the file");
  check_refusal(dir, "names_index",
                edited(original, [](std::string&, Elf64_Ehdr& h) { h.e_shstrndx = h.e_shnum; }),
                "a string table index is out of range");
  check_refusal(dir, "names_type",
                edited(original,
                       [](std::string& bytes, Elf64_Ehdr& h) {
                         Elf64_Shdr names = section_header(bytes, h, h.e_shstrndx);
                         names.sh_type = SHT_PROGBITS;
                         put_section_header(bytes, h, h.e_shstrndx, names);
                       }),
                "a string table lies outside the file or is not one");
  check_refusal(dir, "names_outside",
                edited(original,
                       [](std::string& bytes, Elf64_Ehdr& h) {
                         Elf64_Shdr names = section_header(bytes, h, h.e_shstrndx);
                         names.sh_size = bytes.size();
                         put_section_header(bytes, h, h.e_shstrndx, names);
                       }),
                "a string table lies outside the file or is not one");
  // The symbol tables (.dynsym, .symtab): entries of the wrong size, a table past the end,
  // a string table that is not one, and the entry's name outside its string table.
  const auto symbol_tables = [](std::string& bytes, Elf64_Ehdr& h, auto edit) {
    for (std::size_t k = 0; k < h.e_shnum; ++k) {
      Elf64_Shdr table = section_header(bytes, h, k);
      if (table.sh_type != SHT_SYMTAB && table.sh_type != SHT_DYNSYM) continue;
      edit(bytes, table);
      put_section_header(bytes, h, k, table);
    }
  };
  check_refusal(dir, "symbol_size",
                edited(original,
                       [&](std::string& bytes, Elf64_Ehdr& h) {
                         symbol_tables(bytes, h,
                                       [](std::string&, Elf64_Shdr& t) { t.sh_entsize = 23; });
                       }),
                "its symbol table lies outside the file or has entries of the wrong size");
  check_refusal(dir, "symbols_outside",
                edited(original,
                       [&](std::string& bytes, Elf64_Ehdr& h) {
                         symbol_tables(bytes, h, [](std::string& b, Elf64_Shdr& t) {
                           t.sh_offset = b.size() - sizeof(Elf64_Sym);
                         });
                       }),
                "its symbol table lies outside the file or has entries of the wrong size");
  check_refusal(dir, "symbol_link",
                edited(original,
                       [&](std::string& bytes, Elf64_Ehdr& h) {
                         const std::uint32_t not_strings = 0;  // section 0 is SHT_NULL
                         symbol_tables(bytes, h, [&](std::string&, Elf64_Shdr& t) {
                           t.sh_link = not_strings;
                         });
                       }),
                "a string table lies outside the file or is not one");
  check_refusal(dir, "symbol_name",
                edited(original,
                       [&](std::string& bytes, Elf64_Ehdr& h) {
                         // Every symbol named hnn_plugin gets a name offset past its string table.
                         symbol_tables(bytes, h, [&](std::string& b, Elf64_Shdr& t) {
                           const Elf64_Shdr strings = section_header(b, h, t.sh_link);
                           for (std::size_t s = 0; s < t.sh_size / sizeof(Elf64_Sym); ++s) {
                             Elf64_Sym symbol;
                             char* at = b.data() + t.sh_offset + s * sizeof symbol;
                             std::memcpy(&symbol, at, sizeof symbol);
                             if (symbol.st_name >= strings.sh_size ||
                                 std::strcmp(b.data() + strings.sh_offset + symbol.st_name,
                                             "hnn_plugin") != 0) {
                               continue;
                             }
                             symbol.st_name = std::uint32_t(strings.sh_size);
                             std::memcpy(at, &symbol, sizeof symbol);
                           }
                         });
                       }),
                "a symbol's name lies outside its string table");
  check_refusal(dir, "empty", "", "it is empty (0 bytes)");

  // Larger than 1 GiB: a sparse file, refused by its size before a byte is read.
  const fs::path huge = dir / "huge.so";
  write_bytes(huge, original);
  fs::resize_file(huge, (std::uintmax_t(1) << 30) + 1);
  CHECK_THROWS_WITH_AS(hnn::internal::elf_section_symbols(huge, "hnn"), "it is larger than 1 GiB",
                       hnn::internal::ElfProblem);
  {
    hnn::Registry registry;
    hnn::PluginLoader loader(registry);
    CHECK_THROWS_WITH_AS(loader.load_library(huge),
                         loader_message(huge, "it is larger than 1 GiB").c_str(),
                         hnn::PluginLoadError);
  }
  fs::remove(huge);

  // A size that cannot be read: the reader's own message (the loader checks first that the
  // file is a regular file, so it never gets here).
  CHECK_THROWS_WITH_AS(hnn::internal::elf_section_symbols(dir / "missing.so", "hnn"),
                       "its size cannot be read (No such file or directory)",
                       hnn::internal::ElfProblem);
}

TEST_CASE("a plugin file that cannot be opened is refused as unreadable, naming it") {
  // Without read permission (not for root, who reads it all the same), or a write-only
  // sysfs attribute that even root cannot open (its size is 4096).
  const fs::path dir = hnn_test::scratch("plugin_unreadable");
  fs::path file;
  if (::geteuid() != 0) {
    file = dir / "unreadable.so";
    write_bytes(file, read_bytes(kPlugin));
    fs::permissions(file, fs::perms::none);
  } else {
    for (const char* candidate : {"/sys/bus/pci/rescan"}) {
      std::error_code error;
      if (fs::is_regular_file(candidate, error) && fs::file_size(candidate, error) > 0 &&
          !std::ifstream(candidate, std::ios::binary)) {
        file = candidate;
        break;
      }
    }
  }
  if (file.empty()) {
    MESSAGE("running as root without an unreadable file: the message is not tested");
    return;
  }
  CHECK_THROWS_WITH_AS(hnn::internal::elf_section_symbols(file, "hnn"), "it cannot be read",
                       hnn::internal::ElfProblem);
  hnn::Registry registry;
  hnn::PluginLoader loader(registry);
  CHECK_THROWS_WITH_AS(loader.load_library(file), loader_message(file, "it cannot be read").c_str(),
                       hnn::PluginLoadError);
}
