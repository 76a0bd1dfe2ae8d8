#include "kubecensus/util/gzip.h"

#include <zlib.h>

#include <limits>

namespace kubecensus {

namespace {

// zlib counts input bytes in a uInt: larger inputs are refused rather than cut short.
void requireZlibSize(std::size_t size) {
  if (size > std::numeric_limits<uInt>::max())
    throw GzipError("more than 4 GiB cannot go through gzip here", true);
}

// Ends an inflate stream however its function is left (an error, the limit, onGrow throwing).
struct InflateEnd {
  z_stream& stream;
  ~InflateEnd() { inflateEnd(&stream); }
};

}  // namespace

std::string gzipCompress(const std::string& data) {
  requireZlibSize(data.size());
  z_stream stream{};
  // 15 window bits + 16: a gzip header and trailer rather than zlib's.
  if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw GzipError("cannot set up gzip compression", false);
  std::string out;
  out.resize(deflateBound(&stream, data.size()) + 32);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  if (rc != Z_STREAM_END) throw GzipError("gzip compression failed", false);
  return out;
}

// zlib directly rather than a Poco stream: a stream that simply ends early must be an error
// (a truncated upload or file), which only zlib's Z_STREAM_END tells.
std::string gzipDecompress(const std::string& compressed, std::uint64_t maxBytes,
                           const std::function<void(std::size_t inflated)>& onGrow) {
  requireZlibSize(compressed.size());
  z_stream stream{};
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) throw GzipError("cannot set up gzip decoding", false);
  const InflateEnd end{stream};
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  std::string out;
  char buffer[65536];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    rc = inflate(&stream, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      const std::string why = rc == Z_BUF_ERROR ? "it ends before the gzip stream does"
                                                : (stream.msg ? stream.msg : "error " + std::to_string(rc));
      throw GzipError("not valid gzip: " + why, false);
    }
    out.append(buffer, sizeof buffer - stream.avail_out);
    if (out.size() > maxBytes)
      throw GzipError("inflates to more than the limit of " + std::to_string(maxBytes) + " bytes", true);
    if (onGrow) onGrow(out.size());
  }
  if (stream.avail_in > 0) throw GzipError("not valid gzip: bytes after the end of the gzip stream", false);
  return out;
}

}  // namespace kubecensus
