// A minimal reader of zip archives held in memory, for NumPy's .npz files: the central
// directory (zip64 included) and members stored or deflated (zlib).
#ifndef HNN_PLUGINS_TABLE_ZIP_ARCHIVE_H_
#define HNN_PLUGINS_TABLE_ZIP_ARCHIVE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hnn::data_sources {

struct ZipMember {
  std::string name;
  std::uint16_t method = 0;  // 0 stored, 8 deflated; others are refused on extraction
  std::uint16_t flags = 0;
  std::uint32_t crc32 = 0;
  std::uint64_t compressed_size = 0;
  std::uint64_t uncompressed_size = 0;
  std::uint64_t local_header_offset = 0;
};

// The members listed by the archive's central directory, or nullopt with the reason in
// *error when `bytes` is not a zip archive this reader understands. Never throws.
std::optional<std::vector<ZipMember>> list_zip_members(std::string_view bytes, std::string* error);

// The uncompressed contents of `member`, or nullopt with the reason in *error: a method
// other than stored/deflate, encryption, a size over `max_bytes`, corrupt data or a CRC
// mismatch. Never throws (but for std::bad_alloc).
std::optional<std::string> extract_zip_member(std::string_view bytes, const ZipMember& member,
                                              std::size_t max_bytes, std::string* error);

}  // namespace hnn::data_sources

#endif  // HNN_PLUGINS_TABLE_ZIP_ARCHIVE_H_
