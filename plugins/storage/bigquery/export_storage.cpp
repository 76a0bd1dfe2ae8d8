#include "export_storage.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "kubecensus/util/hmac.h"
#include "kubecensus/util/state_dir.h"
#include "table_row.h"

namespace kubecensus::bigquery {
namespace {

constexpr const char* kPartSuffix = ".ndjson.part";

std::runtime_error systemError(const std::string& what, const std::string& path) {
  return std::runtime_error(what + " " + path + ": " + std::strerror(errno));
}

void writeAll(int fd, const std::string& data, const std::string& path) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw systemError("cannot write", path);
    }
    done += static_cast<std::size_t>(n);
  }
}

void syncDirectory(const std::string& directory) {
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

// gzip-compresses source into target (written beside it, synced, then renamed into place).
void gzipFile(const std::string& source, const std::string& target) {
  const std::string temporary = target + ".tmp";
  const int in = ::open(source.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) throw systemError("cannot open", source);
  const int out = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (out < 0) {
    ::close(in);
    throw systemError("cannot create", temporary);
  }
  z_stream z{};
  std::string failure;
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK)  // +16: gzip
    failure = "cannot start compressing " + source;
  std::vector<unsigned char> inBuffer(1 << 16), outBuffer(1 << 16);
  for (bool end = false; !end && failure.empty();) {
    const ssize_t n = ::read(in, inBuffer.data(), inBuffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      failure = "cannot read " + source + ": " + std::strerror(errno);
      break;
    }
    end = n == 0;
    z.next_in = inBuffer.data();
    z.avail_in = static_cast<uInt>(n);
    do {
      z.next_out = outBuffer.data();
      z.avail_out = static_cast<uInt>(outBuffer.size());
      const int status = deflate(&z, end ? Z_FINISH : Z_NO_FLUSH);
      if (status == Z_STREAM_ERROR) {
        failure = "cannot compress " + source;
        break;
      }
      try {
        writeAll(out, std::string(reinterpret_cast<char*>(outBuffer.data()), outBuffer.size() - z.avail_out),
                 temporary);
      } catch (const std::exception& e) {
        failure = e.what();
        break;
      }
    } while (z.avail_out == 0);
  }
  deflateEnd(&z);
  ::close(in);
  if (failure.empty() && ::fsync(out) != 0)
    failure = "cannot sync " + temporary + ": " + std::strerror(errno);
  ::close(out);
  if (failure.empty() && ::rename(temporary.c_str(), target.c_str()) != 0)
    failure = "cannot rename " + temporary + ": " + std::strerror(errno);
  if (!failure.empty()) {
    ::unlink(temporary.c_str());
    throw std::runtime_error(failure);
  }
}

// Cuts a torn last line off (a batch a crash or a failed write left half written, never
// acknowledged), so a finished file holds whole rows only.
void trimToLastNewline(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) throw systemError("cannot open", path);
  off_t end = ::lseek(fd, 0, SEEK_END);
  off_t keep = 0;
  char block[65536];
  while (end > 0) {
    const off_t start = end > static_cast<off_t>(sizeof block) ? end - static_cast<off_t>(sizeof block) : 0;
    const ssize_t n = ::pread(fd, block, static_cast<std::size_t>(end - start), start);
    if (n <= 0) break;
    const void* last = ::memrchr(block, '\n', static_cast<std::size_t>(n));
    if (last) {
      keep = start + (static_cast<const char*>(last) - block) + 1;
      break;
    }
    end = start;
  }
  const bool torn = keep != ::lseek(fd, 0, SEEK_END);
  const bool ok = !torn || (::ftruncate(fd, keep) == 0 && ::fsync(fd) == 0);
  ::close(fd);
  if (!ok) throw systemError("cannot cut the torn last line of", path);
}

std::string utcStamp() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &tm);
  return text;
}

}  // namespace

ExportStorage::ExportStorage(const Options& options)
    : directory_(options.getString("directory")),
      rotateSize_(options.getSize("rotate_size")),
      rotateInterval_(options.getDuration("rotate_interval")),
      compress_(options.getBool("compress")),
      sync_(options.getBool("fsync")) {
  if (directory_.empty()) throw std::invalid_argument("directory: required in export mode");
  std::error_code error;
  std::filesystem::create_directories(directory_, error);
  if (error) throw std::runtime_error("directory: cannot create " + directory_ + ": " + error.message());
  writeFileAtomically(directory_ + "/reports.schema.json", std::string(tableSchemaJson()), 0644);
  // Files a crash left unfinished hold synced, acknowledged rows: finish them now. A part another
  // collector sharing the directory still writes is locked by it, and left alone.
  for (const auto& entry : std::filesystem::directory_iterator(directory_)) {
    const std::string name = entry.path().filename().string();
    if (name.ends_with(".gz.tmp")) {  // a compression a crash interrupted; its .part is still there
      std::filesystem::remove(entry.path(), error);
      continue;
    }
    if (name.size() <= std::strlen(kPartSuffix) || !name.ends_with(kPartSuffix)) continue;
    const int fd = ::open(entry.path().c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    const bool inUse = ::flock(fd, LOCK_EX | LOCK_NB) != 0;
    if (!inUse) finish(entry.path().string());
    ::close(fd);
  }
  timer_ = std::thread([this] { rotateOnTime(); });
}

ExportStorage::~ExportStorage() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  timer_.join();
  std::lock_guard<std::mutex> lock(mutex_);
  try {
    finishPart();
  } catch (const std::exception&) {
    // The .part stays and is finished at the next start.
  }
}

void ExportStorage::openPart() {
  partPath_ = directory_ + "/reports-" + utcStamp() + "-" + randomHex(4) + kPartSuffix;
  fd_ = ::open(partPath_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
  if (fd_ < 0) {
    const auto error = systemError("cannot create", partPath_);
    partPath_.clear();
    throw error;
  }
  ::flock(fd_, LOCK_EX | LOCK_NB);  // held while this collector writes it (see the constructor)
  syncDirectory(directory_);
  partBytes_ = 0;
  partOpened_ = std::chrono::steady_clock::now();
  wake_.notify_all();  // the timer now has a deadline
}

void ExportStorage::finishPart() {
  if (fd_ < 0) return;
  ::close(fd_);
  fd_ = -1;
  const std::string path = partPath_;
  partPath_.clear();
  try {
    finish(path);
  } catch (...) {
    unfinished_.push_back(path);  // the timer tries again
    throw;
  }
}

void ExportStorage::finishLeftovers() {
  for (auto it = unfinished_.begin(); it != unfinished_.end();) {
    finish(*it);  // throws: tried again later
    it = unfinished_.erase(it);
  }
}

void ExportStorage::finish(const std::string& partPath) {
  const std::string base = partPath.substr(0, partPath.size() - std::strlen(".part"));  // .ndjson
  trimToLastNewline(partPath);
  if (std::filesystem::file_size(partPath) == 0) {
    std::filesystem::remove(partPath);
  } else if (compress_) {
    gzipFile(partPath, base + ".gz");
    std::filesystem::remove(partPath);
  } else if (::rename(partPath.c_str(), base.c_str()) != 0) {
    throw systemError("cannot rename", partPath);
  }
  syncDirectory(directory_);
}

WriteResult ExportStorage::write(const std::vector<const Report*>& batch) {
  std::string lines;
  for (const Report* report : batch) lines += toTableRow(*report).dump() + "\n";
  std::lock_guard<std::mutex> lock(mutex_);
  try {
    if (fd_ < 0) openPart();
    const off_t before = ::lseek(fd_, 0, SEEK_END);
    try {
      writeAll(fd_, lines, partPath_);
      if (sync_ && ::fdatasync(fd_) != 0) throw systemError("cannot sync", partPath_);
    } catch (...) {
      // A batch that failed is not acknowledged: cut it off so no half line stays behind. If
      // that fails too, this part is finished now (which trims it) and the next batch starts a
      // new one.
      if (before < 0 || ::ftruncate(fd_, before) != 0) {
        try {
          finishPart();
        } catch (const std::exception&) {
          // Left as .part: finished (and trimmed) at the next start.
        }
      }
      throw;
    }
    partBytes_ += lines.size();
    lastError_.clear();
  } catch (const std::exception& e) {
    lastError_ = e.what();
    throw;
  }
  // The batch is stored; a rotation that fails does not make it fail (the .part is finished
  // at the next start).
  if (partBytes_ >= rotateSize_) {
    try {
      finishPart();
    } catch (const std::exception& e) {
      lastError_ = e.what();
    }
  }
  return WriteResult{std::vector<bool>(batch.size(), false), {}};
}

void ExportStorage::rotateOnTime() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    if (!unfinished_.empty()) {
      try {
        finishLeftovers();
      } catch (const std::exception& e) {
        lastError_ = e.what();
        wake_.wait_for(lock, std::chrono::seconds(5));
        continue;
      }
    }
    if (fd_ < 0) {
      wake_.wait(lock);
      continue;
    }
    const auto deadline = partOpened_ + rotateInterval_;
    if (std::chrono::steady_clock::now() < deadline) {
      wake_.wait_until(lock, deadline);
      continue;
    }
    try {
      finishPart();
      lastError_.clear();
    } catch (const std::exception& e) {
      lastError_ = e.what();
      wake_.wait_for(lock, std::chrono::seconds(5));
    }
  }
}

StorageHealth ExportStorage::health() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!unfinished_.empty())
    return {false,
            std::to_string(unfinished_.size()) + " file(s) could not be finished (" + lastError_ + ")"};
  if (!lastError_.empty()) return {false, lastError_};
  return {true, "exporting to " + directory_};
}

}  // namespace kubecensus::bigquery
