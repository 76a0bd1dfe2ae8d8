#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "config_test_support.h"
#include "kubecensus/config/config_file.h"
#include "support/temp_dir.h"

using namespace kubecensus;
using kctest::issueOf;

namespace {

const Location kWhere{"agent.ini", 7, ""};

std::string sub(const std::string& value, const Environment& env = {}) {
  return substitute(value, kWhere, "sink.http", "url", env);
}

}  // namespace

TEST_CASE("substitute expands ${VAR} and leaves plain text alone", "[substitute]") {
  Environment env{{"HOST", "example.com"}, {"PORT", "8443"}, {"EMPTY", ""}};
  CHECK(sub("plain text", env) == "plain text");
  CHECK(sub("", env) == "");
  CHECK(sub("${HOST}", env) == "example.com");
  CHECK(sub("https://${HOST}:${PORT}/v1", env) == "https://example.com:8443/v1");
  CHECK(sub("${EMPTY}", env) == "");  // set but empty is set
  CHECK(sub("pa$word", env) == "pa$word");
  CHECK(sub("trailing$", env) == "trailing$");
  CHECK(sub("$HOST", env) == "$HOST");  // only the braced form expands
}

TEST_CASE("substitute $$ is a literal dollar", "[substitute]") {
  Environment env{{"HOST", "h"}};
  CHECK(sub("$$", env) == "$");
  CHECK(sub("$${HOST}", env) == "${HOST}");
  CHECK(sub("$$$${HOST}", env) == "$${HOST}");
  CHECK(sub("cost: $$5 at ${HOST}", env) == "cost: $5 at h");
}

TEST_CASE("substitute ${VAR:-default} uses the default when unset or empty", "[substitute]") {
  Environment env{{"SET", "value"}, {"EMPTY", ""}, {"OTHER", "other"}};
  CHECK(sub("${SET:-fallback}", env) == "value");
  CHECK(sub("${UNSET:-fallback}", env) == "fallback");
  CHECK(sub("${EMPTY:-fallback}", env) == "fallback");
  CHECK(sub("${UNSET:-}", env) == "");
  CHECK(sub("${UNSET:-a:b-c}", env) == "a:b-c");
  CHECK(sub("${UNSET:-${OTHER}}", env) == "other");
  CHECK(sub("${UNSET:-x${OTHER}y}", env) == "xothery");
  CHECK(sub("${UNSET:-$$}", env) == "$");
}

TEST_CASE("substitute ${VAR:?message} fails with the message when unset or empty", "[substitute]") {
  Environment env{{"SET", "value"}, {"EMPTY", ""}};
  CHECK(sub("${SET:?needed}", env) == "value");
  auto issue = issueOf([&] { sub("${TOKEN:?set TOKEN to the API token}", env); });
  CHECK(issue.where.str() == "agent.ini:7");
  CHECK(issue.section == "sink.http");
  CHECK(issue.key == "url");
  CHECK_THAT(issue.message, Catch::StartsWith("set TOKEN to the API token") && Catch::Contains("TOKEN"));
  CHECK_THAT(issueOf([&] { sub("${EMPTY:?must be set}", env); }).message, Catch::StartsWith("must be set"));
  CHECK_THAT(issueOf([&] { sub("${EMPTY:?}", env); }).message, Catch::Contains("EMPTY is not set"));
}

TEST_CASE("substitute unset ${VAR} is an error naming the variable", "[substitute]") {
  auto issue = issueOf([] { sub("https://${API_HOST}/v1"); });
  CHECK(issue.str() ==
        "agent.ini:7: [sink.http] url: environment variable API_HOST is not set (use ${API_HOST:-} for an empty "
        "default)");
}

TEST_CASE("substitute malformed references", "[substitute]") {
  for (const char* text : {"${UNCLOSED", "abc ${X:-def", "${A:-${B}"}) {
    INFO(text);
    auto issue = issueOf([&] { sub(text, {{"X", "x"}}); });
    CHECK(issue.key == "url");
    CHECK_THAT(issue.message, Catch::Contains("unterminated"));
  }
  for (const char* text : {"${}", "${1ABC}", "${A B}", "${A-b}", "${A:+x}", "${A?x}"}) {
    INFO(text);
    auto issue = issueOf([&] { sub(text); });
    CHECK(issue.where.line == 7);
    CHECK_THAT(issue.message, Catch::Contains("invalid reference"));
  }
}

TEST_CASE("substitute ${file:path} reads a secret file", "[substitute]") {
  kctest::TempDir dir;
  std::string token = dir.write("token", "s3cret\n");
  std::string crlf = dir.write("crlf", "s3cret\r\n");
  std::string two = dir.write("two", "line1\nline2\n\n");
  std::string none = dir.write("none", "raw");
  std::string empty = dir.write("empty", "");
  CHECK(sub("${file:" + token + "}") == "s3cret");
  CHECK(sub("${file:" + crlf + "}") == "s3cret");
  CHECK(sub("${file:" + two + "}") == "line1\nline2\n");  // only one newline removed
  CHECK(sub("${file:" + none + "}") == "raw");
  CHECK(sub("${file:" + empty + "}") == "");
  CHECK(sub("Bearer ${file:" + token + "}!") == "Bearer s3cret!");
  // The content is not substituted again.
  std::string dollar = dir.write("dollar", "${NOT_EXPANDED}$$");
  CHECK(sub("${file:" + dollar + "}") == "${NOT_EXPANDED}$$");
}

TEST_CASE("substitute ${file:path} errors name the path", "[substitute]") {
  kctest::TempDir dir;
  auto missing = issueOf([&] { sub("${file:" + dir.file("absent") + "}"); });
  CHECK(missing.where.str() == "agent.ini:7");
  CHECK(missing.key == "url");
  CHECK_THAT(missing.message, Catch::Contains(dir.file("absent")) && Catch::Contains("No such file"));

  auto directory = issueOf([&] { sub("${file:" + dir.path() + "}"); });
  CHECK_THAT(directory.message, Catch::Contains(dir.path()) && Catch::Contains("directory"));

  CHECK_THAT(issueOf([] { sub("${file:}"); }).message, Catch::Contains("needs a path"));

  if (::geteuid() != 0) {  // root reads anything
    std::string locked = dir.write("locked", "x");
    ::chmod(locked.c_str(), 0);
    CHECK_THAT(issueOf([&] { sub("${file:" + locked + "}"); }).message,
               Catch::Contains(locked) && Catch::Contains("Permission denied"));
  }
}
