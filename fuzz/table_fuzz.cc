// Fuzz target `table`: the bytes as a data file of the `table` source (issue 13), read as
// the source reads each file. The first byte chooses the reading: 0 CSV by column names
// (t, q, p), 1 whitespace text by column indices with a trajectory column, 2 the
// Schmidt-Lipson format by its header's names, 3 .npy and 4 .npz by indices, 5 velocities
// with masses and derivative columns; the rest is the file. Seeds: fuzz/seeds/table (the
// real pendulum's head, the golden spring CSV's head, the .npy/.npz test fixtures).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_support.h"
#include "table_reading.h"

namespace {

using hnn::data_sources::TableFormat;
using hnn::data_sources::TableSourceSettings;

// target = value, written so that GCC 12 does not warn falsely (-Wrestrict) on the
// assignment of a short literal to a string with a longer default.
void set(std::string& target, std::string value) { target.swap(value); }

TableSourceSettings settings_for(std::uint8_t mode, const char*& file_name) {
  TableSourceSettings settings;
  switch (mode % 6) {
    case 0:
      file_name = "fuzz.csv";
      settings.format = TableFormat::kCsv;
      settings.positions = {"q"};
      settings.momenta = {"p"};
      break;
    case 1:
      file_name = "fuzz.txt";
      settings.format = TableFormat::kText;
      set(settings.trajectory, "0");
      set(settings.time, "1");
      settings.positions = {"2"};
      settings.momenta = {"3"};
      break;
    case 2:
      file_name = "fuzz.txt";
      settings.format = TableFormat::kSchmidtLipson;
      set(settings.trajectory, "trial");
      settings.positions = {"o"};
      settings.momenta = {"v"};
      break;
    case 3:
    case 4:
      file_name = mode % 6 == 3 ? "fuzz.npy" : "fuzz.npz";
      settings.format = mode % 6 == 3 ? TableFormat::kNpy : TableFormat::kNpz;
      set(settings.time, "0");
      settings.positions = {"1"};
      settings.momenta = {"2"};
      break;
    default:
      file_name = "fuzz.csv";
      settings.format = TableFormat::kCsv;
      settings.column_names = {"t", "q", "v", "dq", "dv"};
      settings.positions = {"q"};
      settings.velocities = {"v"};
      settings.masses = {0.5};
      settings.derivatives = {"dq", "dv"};
      break;
  }
  return settings;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const char* file_name = "";
  const TableSourceSettings settings = settings_for(data[0], file_name);
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  hnn::fuzz::refuse_only_with_hnn_errors([&] {
    hnn::data_sources::TableProblems problems;
    (void)hnn::data_sources::read_table_bytes(bytes, std::string(file_name), settings, problems);
  });
  return 0;
}
