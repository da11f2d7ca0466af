// The plugin loader's pre-load check (elf_symbols.h) on a bundled plugin corrupted a few
// hundred ways: truncated at every boundary of its ELF header, program and section
// tables, and with bytes overwritten at a fixed seed (in the headers, in the tables and
// anywhere). Every copy gives the symbols or a problem, never a signal; every copy it
// refuses makes hnn-host exit 2 naming the file.
#include <doctest/doctest.h>
#include <elf.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>

#include "elf_symbols.h"
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
