#include "zip_archive.h"

#include <zlib.h>

#include <limits>

namespace hnn::data_sources {
namespace {

constexpr std::uint32_t kEndOfCentralDirectory = 0x06054b50;
constexpr std::uint32_t kZip64EndLocator = 0x07064b50;
constexpr std::uint32_t kZip64End = 0x06064b50;
constexpr std::uint32_t kCentralEntry = 0x02014b50;
constexpr std::uint32_t kLocalHeader = 0x04034b50;
constexpr std::size_t kEndSize = 22;
constexpr std::size_t kCentralEntrySize = 46;
constexpr std::size_t kLocalHeaderSize = 30;

// Little-endian reads; the caller checks the bounds (they return 0 past the end).
std::uint64_t read_le(std::string_view bytes, std::size_t offset, int size) {
  if (offset > bytes.size() || bytes.size() - offset < static_cast<std::size_t>(size)) return 0;
  std::uint64_t value = 0;
  for (int i = size - 1; i >= 0; --i) {
    value = (value << 8) | static_cast<unsigned char>(bytes[offset + static_cast<std::size_t>(i)]);
  }
  return value;
}
std::uint16_t u16(std::string_view b, std::size_t o) {
  return static_cast<std::uint16_t>(read_le(b, o, 2));
}
std::uint32_t u32(std::string_view b, std::size_t o) {
  return static_cast<std::uint32_t>(read_le(b, o, 4));
}
std::uint64_t u64(std::string_view b, std::size_t o) { return read_le(b, o, 8); }

bool fits(std::string_view bytes, std::uint64_t offset, std::uint64_t size) {
  return offset <= bytes.size() && size <= bytes.size() - offset;
}

// Applies the zip64 extended information extra field of a central directory entry.
bool apply_zip64_extra(std::string_view extra, ZipMember& member) {
  std::size_t pos = 0;
  while (pos + 4 <= extra.size()) {
    const std::uint16_t id = u16(extra, pos);
    const std::uint16_t size = u16(extra, pos + 2);
    if (pos + 4 + size > extra.size()) return false;
    if (id == 0x0001) {
      std::size_t field = pos + 4;
      const std::size_t end = field + size;
      auto take = [&](std::uint64_t& value) {
        if (value != 0xFFFFFFFFu) return true;
        if (field + 8 > end) return false;
        value = u64(extra, field);
        field += 8;
        return true;
      };
      return take(member.uncompressed_size) && take(member.compressed_size) &&
             take(member.local_header_offset);
    }
    pos += 4 + size;
  }
  return member.uncompressed_size != 0xFFFFFFFFu && member.compressed_size != 0xFFFFFFFFu &&
         member.local_header_offset != 0xFFFFFFFFu;
}

}  // namespace

std::optional<std::vector<ZipMember>> list_zip_members(std::string_view bytes, std::string* error) {
  if (bytes.size() < kEndSize) {
    *error = "too short to be a zip archive (" + std::to_string(bytes.size()) + " bytes)";
    return std::nullopt;
  }
  std::size_t end = bytes.size() - kEndSize;
  const std::size_t lowest =
      bytes.size() > kEndSize + 0xFFFF ? bytes.size() - kEndSize - 0xFFFF : 0;
  while (u32(bytes, end) != kEndOfCentralDirectory) {
    if (end == lowest) {
      *error = "not a zip archive (no end-of-central-directory record)";
      return std::nullopt;
    }
    --end;
  }
  std::uint64_t entries = u16(bytes, end + 10);
  std::uint64_t directory_size = u32(bytes, end + 12);
  std::uint64_t directory_offset = u32(bytes, end + 16);
  if (entries == 0xFFFF || directory_size == 0xFFFFFFFFu || directory_offset == 0xFFFFFFFFu) {
    if (end < 20 || u32(bytes, end - 20) != kZip64EndLocator) {
      *error = "a zip64 archive without its zip64 end record locator";
      return std::nullopt;
    }
    const std::uint64_t zip64_end = u64(bytes, end - 20 + 8);
    if (!fits(bytes, zip64_end, 56) || u32(bytes, zip64_end) != kZip64End) {
      *error = "the zip64 end-of-central-directory record is missing or damaged";
      return std::nullopt;
    }
    entries = u64(bytes, zip64_end + 32);
    directory_size = u64(bytes, zip64_end + 40);
    directory_offset = u64(bytes, zip64_end + 48);
  }
  if (!fits(bytes, directory_offset, directory_size) ||
      entries > directory_size / kCentralEntrySize) {
    *error = "the central directory lies outside the file (a truncated or damaged archive)";
    return std::nullopt;
  }
  std::vector<ZipMember> members;
  std::size_t pos = static_cast<std::size_t>(directory_offset);
  for (std::uint64_t i = 0; i < entries; ++i) {
    if (!fits(bytes, pos, kCentralEntrySize) || u32(bytes, pos) != kCentralEntry) {
      *error = "central directory entry " + std::to_string(i) + " is damaged";
      return std::nullopt;
    }
    ZipMember member;
    member.flags = u16(bytes, pos + 8);
    member.method = u16(bytes, pos + 10);
    member.crc32 = u32(bytes, pos + 16);
    member.compressed_size = u32(bytes, pos + 20);
    member.uncompressed_size = u32(bytes, pos + 24);
    const std::size_t name_length = u16(bytes, pos + 28);
    const std::size_t extra_length = u16(bytes, pos + 30);
    const std::size_t comment_length = u16(bytes, pos + 32);
    member.local_header_offset = u32(bytes, pos + 42);
    const std::size_t variable = name_length + extra_length + comment_length;
    if (!fits(bytes, pos + kCentralEntrySize, variable)) {
      *error = "central directory entry " + std::to_string(i) + " runs past the end of the file";
      return std::nullopt;
    }
    member.name = std::string(bytes.substr(pos + kCentralEntrySize, name_length));
    if (!apply_zip64_extra(bytes.substr(pos + kCentralEntrySize + name_length, extra_length),
                           member)) {
      *error = "the zip64 sizes of member '" + member.name + "' are missing or damaged";
      return std::nullopt;
    }
    members.push_back(std::move(member));
    pos += kCentralEntrySize + variable;
  }
  return members;
}

std::optional<std::string> extract_zip_member(std::string_view bytes, const ZipMember& member,
                                              std::size_t max_bytes, std::string* error) {
  if ((member.flags & 0x1) != 0) {
    *error = "member '" + member.name + "' is encrypted";
    return std::nullopt;
  }
  if (member.method != 0 && member.method != 8) {
    *error = "member '" + member.name + "' uses compression method " +
             std::to_string(member.method) + " (only stored and deflated members are read)";
    return std::nullopt;
  }
  if (member.uncompressed_size > max_bytes) {
    *error = "member '" + member.name + "' holds " + std::to_string(member.uncompressed_size) +
             " bytes, more than the limit of " + std::to_string(max_bytes);
    return std::nullopt;
  }
  const std::uint64_t local = member.local_header_offset;
  if (!fits(bytes, local, kLocalHeaderSize) || u32(bytes, local) != kLocalHeader) {
    *error = "the local header of member '" + member.name + "' is missing or damaged";
    return std::nullopt;
  }
  const std::uint64_t data_offset =
      local + kLocalHeaderSize + u16(bytes, local + 26) + u16(bytes, local + 28);
  if (!fits(bytes, data_offset, member.compressed_size)) {
    *error = "the data of member '" + member.name + "' run past the end of the file";
    return std::nullopt;
  }
  const std::string_view data = bytes.substr(static_cast<std::size_t>(data_offset),
                                             static_cast<std::size_t>(member.compressed_size));
  std::string output;
  if (member.method == 0) {
    if (member.compressed_size != member.uncompressed_size) {
      *error = "stored member '" + member.name + "' has different stored and listed sizes";
      return std::nullopt;
    }
    output = std::string(data);
  } else {
    if (data.size() > std::numeric_limits<uInt>::max()) {
      *error = "member '" + member.name + "' is too large";
      return std::nullopt;
    }
    output.resize(static_cast<std::size_t>(member.uncompressed_size));
    z_stream stream{};
    if (inflateInit2(&stream, -MAX_WBITS) != Z_OK) {
      *error = "zlib could not be initialised";
      return std::nullopt;
    }
    // zlib's interface is not const-correct; it does not write through next_in.
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream.avail_in = static_cast<uInt>(data.size());
    char spare = 0;  // a non-null output for an empty member
    stream.next_out = reinterpret_cast<Bytef*>(output.empty() ? &spare : output.data());
    stream.avail_out = static_cast<uInt>(output.size());
    const int status = inflate(&stream, Z_FINISH);
    const std::uint64_t produced = stream.total_out;
    inflateEnd(&stream);
    if (status != Z_STREAM_END || produced != member.uncompressed_size) {
      *error = "the deflated data of member '" + member.name +
               "' are damaged or do not have the listed size";
      return std::nullopt;
    }
  }
  const uLong crc = crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(output.data()),
                          static_cast<uInt>(output.size()));
  if (crc != member.crc32) {
    *error = "member '" + member.name + "' fails its CRC-32 check (damaged data)";
    return std::nullopt;
  }
  return output;
}

}  // namespace hnn::data_sources
