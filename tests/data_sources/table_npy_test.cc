// The NumPy readers of the `table` source: .npy (element types, byte orders, Fortran
// order, format versions) and .npz (deflated and stored members, zip64 extra fields), and
// their errors located by array name and index. The fixtures are written by
// fixtures/make_npy_fixtures.py exactly as numpy writes them; broken arrays are built here.
#include <doctest/doctest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "npy_reader.h"
#include "table_test_support.h"
#include "zip_archive.h"

namespace hnn::data_sources {
namespace {

using testing::read;
using testing::read_error;

std::string fixture(const std::string& name) {
  const std::filesystem::path folder =
      std::filesystem::path(HNN_SOURCE_DIR) / "tests" / "data_sources" / "fixtures";
  std::ifstream stream(folder / name, std::ios::binary);
  REQUIRE(stream.good());
  return std::string(std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>());
}

// A format 1.0 .npy file with the given header dictionary and raw data.
std::string npy(const std::string& dictionary, const std::string& data, int version = 1) {
  std::string header = dictionary + "\n";
  std::string bytes = "\x93NUMPY";
  bytes += static_cast<char>(version);
  bytes += '\0';
  if (version == 1) {
    bytes += static_cast<char>(header.size() & 0xff);
    bytes += static_cast<char>(header.size() >> 8);
  } else {
    for (int i = 0; i < 4; ++i) bytes += static_cast<char>((header.size() >> (8 * i)) & 0xff);
  }
  return bytes + header + data;
}

std::string doubles(std::initializer_list<double> values) {
  std::string data(values.size() * sizeof(double), '\0');
  std::memcpy(data.data(), std::data(values), data.size());
  return data;
}

TableSourceSettings by_index(const std::string& time, const std::string& q, const std::string& p) {
  TableSourceSettings settings;
  settings.file = "unused";
  settings.time = time;
  settings.positions = {q};
  settings.momenta = {p};
  return settings;
}

TEST_CASE("npy: float64 rows with a trajectory column") {
  TableSourceSettings settings = by_index("1", "2", "3");
  settings.trajectory = "0";
  const auto trajectories = read(fixture("two_trajectories.npy"), "two_trajectories.npy", settings);
  REQUIRE(trajectories.size() == 2);
  CHECK(trajectories[0].label == "two_trajectories.npy column 0 0");
  CHECK(trajectories[1].times == std::vector<double>{0.0, 0.2, 0.5});
  CHECK(trajectories[1].states(0, 1) == 0.588);
  CHECK(trajectories[0].states(1, 2) == -0.2955);
}

TEST_CASE("npy: column_names name the columns of an array") {
  TableSourceSettings settings = testing::tqp_settings();
  settings.trajectory = "id";
  settings.column_names = {"id", "t", "q", "p"};
  CHECK(read(fixture("two_trajectories.npy"), "a.npy", settings).size() == 2);
  settings.column_names.clear();
  CHECK(
      read_error(fixture("two_trajectories.npy"), "a.npy", settings)
          .find(
              "a.npy: error: trajectory: no column named 'id'; the array 'a' has 4 columns: 0, 1, "
              "2, 3 "
              "(no names: choose columns by index or set column_names); a .npy array has no column "
              "names: choose columns by index or set column_names") == 0);
}

TEST_CASE("npy: float32 in Fortran order, big-endian integers") {
  const auto fortran = read(fixture("fortran_float32.npy"), "f.npy", by_index("0", "1", "2"));
  CHECK(fortran.at(0).times == std::vector<double>{0.0, 0.5, 1.0});
  CHECK(fortran[0].states(0, 2) == 3.0);
  CHECK(fortran[0].states(1, 1) == -2.0);
  const auto integers = read(fixture("big_endian_int32.npy"), "i.npy", by_index("0", "1", "2"));
  CHECK(integers.at(0).times == std::vector<double>{0.0, 1.0, 2.0});
  CHECK(integers[0].states(1, 2) == -3.0);
}

TEST_CASE("npy: other element types, versions 2 and 3, a 1-D array") {
  std::string small(4, '\0');
  small[0] = static_cast<char>(0xff);  // int8 -1, uint8 255
  small[1] = 1;
  small[2] = 2;
  small[3] = 3;
  TableSourceSettings settings = by_index("0", "0", "0");
  auto first_state = [&](const std::string& bytes) {
    return read(bytes, "x.npy", by_index("1", "0", "0")).at(0).states(0, 0);
  };
  CHECK(first_state(npy("{'descr': '|i1', 'fortran_order': False, 'shape': (2, 2), }", small)) ==
        -1.0);
  CHECK(first_state(npy("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2), }", small)) ==
        255.0);
  CHECK(first_state(npy("{'descr': '<i2', 'fortran_order': False, 'shape': (1, 2), }", small)) ==
        double(0x01ff));
  CHECK(first_state(npy("{\"descr\": \"<f8\", \"fortran_order\": False, \"shape\": (1, 2)}",
                        doubles({4.5, 1.0}), 2)) == 4.5);
  CHECK(first_state(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2), }",
                        doubles({4.5, 1.0}), 3)) == 4.5);
  // A 1-D array is one column (times only make a degenerate but readable table).
  const auto column = read(
      npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", doubles({0.0, 1.0, 2.0})),
      "x.npy", settings);
  CHECK(column.at(0).times.size() == 3);
}

TEST_CASE("npy: refusals, stated clearly") {
  const TableSourceSettings settings = by_index("0", "1", "2");
  const std::string nine = doubles({0, 1, 2, 3, 4, 5, 6, 7, 8});
  CHECK(read_error("not an array", "x.npy", settings) ==
        "x.npy: error: x: not a NumPy .npy array (it does not start with \\x93NUMPY)");
  CHECK(read_error(npy("{'descr': '<c16', 'fortran_order': False, 'shape': (3, 3), }", nine),
                   "x.npy", settings) ==
        "x.npy: error: x: the element type '<c16' is not supported (supported: float64, "
        "float32 and integers: '<f8', '<f4', '<i8', '<i4', '<u1', ...)");
  CHECK(read_error(npy("{'descr': '<f2', 'fortran_order': False, 'shape': (3, 3), }", nine),
                   "x.npy", settings)
            .find("the element type '<f2' is not supported") != std::string::npos);
  CHECK(read_error(npy("{'descr': [('t', '<f8'), ('q', '<f8')], 'fortran_order': False, "
                       "'shape': (3,), }",
                       nine),
                   "x.npy", settings) ==
        "x.npy: error: x: structured arrays (descr is a list of fields) are not supported; save "
        "a plain 2-D numeric array (numpy.save(file, array.astype(float)))");
  CHECK(read_error(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 3, 3), }", nine),
                   "x.npy", settings) ==
        "x.npy: error: x: the array has shape (1, 3, 3); a table is a 2-D array (rows, columns) "
        "or a 1-D array (one column)");
  CHECK(read_error(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4, 3), }", nine),
                   "x.npy", settings) ==
        "x.npy: error: x: the data hold 72 bytes but the shape (4, 3) needs 96 (a truncated or "
        "damaged file, or no columns)");
  CHECK(read_error(npy("{'descr': '<f8', 'fortran_order': False, 'shape': "
                       "(4611686018427387904, 4611686018427387904), }",
                       nine),
                   "x.npy", settings)
            .find("needs more") != std::string::npos);
  CHECK(read_error(npy("{'descr': '<f8', 'shape': (3, 3), }", nine), "x.npy", settings) ==
        "x.npy: error: x: the header dictionary lacks one of 'descr', 'fortran_order', 'shape'");
  CHECK(read_error(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 3), }", nine, 4),
                   "x.npy", settings) ==
        "x.npy: error: x: the .npy format version 4 is not supported (versions 1, 2 and 3 are)");
  CHECK(read_error(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (0, 3), }", ""), "x.npy",
                   settings) == "x.npy: error: x: the array has no rows");
  CHECK(read_error(std::string("\x93NUMPY\x01\x00\xff\x00{", 11), "x.npy", settings) ==
        "x.npy: error: x: the .npy header is truncated");
}

TEST_CASE("npy: NaN, infinities and times that do not increase, located by array index") {
  const std::string dictionary = "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 3), }";
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  CHECK(read_error(npy(dictionary, doubles({0, 1, 2, 1, nan, 2, 2, 1, -inf})), "x.npy",
                   by_index("0", "1", "2")) ==
        "x.npy: error: x[1, 1]: NaN in the column requested as positions[0] (every value must be "
        "finite)\n"
        "x.npy: error: x[2, 2]: an infinity in the column requested as momenta[0] (every value "
        "must be finite)");
  CHECK(read_error(npy(dictionary, doubles({0, 1, 2, 1, 1, 2, 1, 1, 2})), "x.npy",
                   by_index("0", "1", "2")) ==
        "x.npy: error: x[2, 0]: time 1 is not after the previous row's time 1; times must "
        "strictly increase within a trajectory");
}

TEST_CASE("npz: deflated members with zip64 extra fields, chosen by name") {
  TableSourceSettings settings = by_index("0", "1", "2");
  settings.array = "states";
  const auto trajectories = read(fixture("two_arrays.npz"), "two_arrays.npz", settings);
  REQUIRE(trajectories.size() == 1);
  CHECK(trajectories[0].times == std::vector<double>{0.0, 0.5, 1.0, 1.5});
  CHECK(trajectories[0].states(1, 3) == -1.0);

  settings.array = "state";
  CHECK(read_error(fixture("two_arrays.npz"), "two_arrays.npz", settings) ==
        "two_arrays.npz: error: array: the archive has no array 'state' (did you mean "
        "'states'?); its arrays: 'states', 'masses'");
  settings.array = "";
  CHECK(read_error(fixture("two_arrays.npz"), "two_arrays.npz", settings) ==
        "two_arrays.npz: error: array: the archive holds 2 arrays ('states', 'masses'): choose "
        "one with the option 'array'");
  settings.array = "masses";
  CHECK(read_error(fixture("two_arrays.npz"), "two_arrays.npz", settings) ==
        "two_arrays.npz: error: positions[0]: column index 1 does not exist: the array 'masses' "
        "has 1 column (indices 0 to 0)\n"
        "two_arrays.npz: error: momenta[0]: column index 2 does not exist: the array 'masses' "
        "has 1 column (indices 0 to 0)");
}

TEST_CASE("npz: a stored member, the only array when none is named") {
  const auto trajectories = read(fixture("stored.npz"), "stored.npz", by_index("0", "1", "0"));
  CHECK(trajectories.at(0).states(0, 1) == 2.0);
}

TEST_CASE("npz: damaged archives are refused with the reason") {
  const TableSourceSettings settings = by_index("0", "1", "2");
  const std::string archive = fixture("two_arrays.npz");
  CHECK(read_error("PK", "x.npz", settings) ==
        "x.npz: error: not a readable .npz archive: too short to be a zip archive (2 bytes)");
  CHECK(read_error(std::string(100, 'x'), "x.npz", settings) ==
        "x.npz: error: not a readable .npz archive: not a zip archive (no "
        "end-of-central-directory record)");
  CHECK(read_error(archive.substr(archive.size() / 2), "x.npz", settings)
            .find("x.npz: error: not a readable .npz archive:") == 0);

  // A flipped byte inside the first member's deflated data.
  std::string corrupt = archive;
  std::string error;
  const auto members = list_zip_members(corrupt, &error);
  REQUIRE(members);
  REQUIRE(members->size() == 2);
  CHECK((*members)[0].method == 8);
  const std::size_t data = (*members)[0].local_header_offset + 30 + 10 + 20 + 10;
  corrupt[data] = static_cast<char>(corrupt[data] ^ 0x55);
  TableSourceSettings states = settings;
  states.array = "states";
  const std::string message = read_error(corrupt, "x.npz", states);
  CHECK(message.find("x.npz: error: states: ") == 0);
  const bool named_damage =
      message.find("damaged") != std::string::npos || message.find("CRC-32") != std::string::npos;
  CHECK(named_damage);

  // A member larger than the limit is not inflated.
  CHECK_FALSE(extract_zip_member(archive, (*members)[0], 16, &error));
  CHECK(error.find("member 'states.npy' holds 224 bytes, more than the limit of 16") == 0);
}

}  // namespace
}  // namespace hnn::data_sources
