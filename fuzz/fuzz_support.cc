#include "fuzz_support.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>

#include "hnn/host/plugin_loader.h"

namespace hnn::fuzz {
namespace fs = std::filesystem;

namespace {

void remove_scratch_directory() {
  std::error_code ignored;
  fs::remove_all(scratch_directory(), ignored);
}

}  // namespace

const fs::path& scratch_directory() {
  static const fs::path directory = [] {
    const fs::path path = fs::temp_directory_path() / ("hnn-fuzz-" + std::to_string(getpid()));
    fs::create_directories(path);
    std::atexit(remove_scratch_directory);
    return path;
  }();
  return directory;
}

fs::path write_input(const std::string& name, const std::uint8_t* data, std::size_t size) {
  const fs::path path = scratch_directory() / name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  if (!out.flush()) {
    std::fprintf(stderr, "fuzz: cannot write %s\n", path.c_str());
    std::abort();
  }
  return path;
}

fs::path write_text(const std::string& name, const std::string& text) {
  return write_input(name, reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}

const Registry& bundled_registry() {
  static const std::unique_ptr<Registry> registry = [] {
    auto loaded = std::make_unique<Registry>();
    PluginLoader loader(*loaded);
    const auto problems = loader.load_directory(HNN_BUNDLED_PLUGIN_DIR);
    for (const auto& problem : problems)
      std::fprintf(stderr, "fuzz: %s\n", problem.message.c_str());
    if (!problems.empty() || loader.loaded_files().empty()) std::abort();
    return loaded;
  }();
  return *registry;
}

}  // namespace hnn::fuzz
