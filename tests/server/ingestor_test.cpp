#include <catch2/catch.hpp>

#include <future>

#include "api_error.h"
#include "ingestor.h"
#include "kubecensus/util/logger.h"
#include "server_test_support.h"

using namespace kubecensus;
using namespace kubecensus::server;
using namespace std::chrono_literals;

namespace {

struct Answer {
  Ingestor::Outcome outcome;
  int status = 0;  // of the ApiError, 0 when committed
  int retryAfter = 0;
};

struct Fixture {
  Logger log{"test", LogLevel::Error};
  kctest::GateStorage* storage = nullptr;
  std::unique_ptr<Ingestor> ingestor;

  explicit Fixture(IngestSettings settings = {}) {
    auto owned = std::make_unique<kctest::GateStorage>();
    storage = owned.get();
    std::vector<NamedStorage> storages;
    storages.push_back({"storage.gate", PluginHandle<Storage>(nullptr, std::move(owned))});
    settings.healthInterval = 50ms;
    ingestor = std::make_unique<Ingestor>(std::move(storages), log, nullptr, settings);
  }
  ~Fixture() { storage->open(); }  // a writer never stays stuck past the test

  std::future<Answer> submit(const std::string& id, std::chrono::milliseconds deadline) {
    auto promise = std::make_shared<std::promise<Answer>>();
    std::vector<Report> reports{kctest::reportWithID(id)};
    ingestor->submit(std::move(reports), ReportFormat::Native, "", deadline,
                     [promise](Ingestor::Outcome outcome, std::exception_ptr error) {
                       Answer answer{std::move(outcome)};
                       try {
                         if (error) std::rethrow_exception(error);
                       } catch (const ApiError& e) {
                         answer.status = e.status();
                         answer.retryAfter = e.retryAfter;
                       }
                       promise->set_value(std::move(answer));
                     });
    return promise->get_future();
  }

  bool healthy() {
    for (const auto& [name, health] : ingestor->health())
      if (!health.ok) return false;
    return true;
  }
};

}  // namespace

TEST_CASE("a commit answers its submission with the report's ID", "[ingestor]") {
  Fixture f;
  auto answer = f.submit("a1", 5s);
  Answer got = kctest::awaitOrFail(answer, "the commit's answer");
  CHECK(got.status == 0);
  CHECK(got.outcome.accepted == 1);
  CHECK(got.outcome.reportIDs == std::vector<std::string>{"a1"});
  auto again = f.submit("a1", 5s);
  CHECK(kctest::awaitOrFail(again, "the duplicate's answer").outcome.duplicates == 1);
  CHECK(f.storage->stored() == 1);
}

TEST_CASE("a storage that hangs: submissions get 503 at their deadline, a late commit stores once",
          "[ingestor]") {
  Fixture f;
  f.storage->close();
  auto writing = f.submit("b1", 200ms);  // taken by the writer, which then hangs
  kctest::eventuallyOrFail([&] { return f.storage->writesStarted() == 1 && !f.healthy(); },
                           "the write hanging and the health check of the hung storage turning unhealthy");
  auto queued = f.submit("b2", 200ms);  // waits behind the stuck write
  const Answer first = kctest::awaitOrFail(writing, "the writing submission's 503");
  const Answer second = kctest::awaitOrFail(queued, "the queued submission's 503");
  CHECK(first.status == 503);
  CHECK(first.retryAfter > 0);
  CHECK(second.status == 503);
  CHECK_FALSE(f.ingestor->drain(10ms));  // the writer is still inside the storage

  f.storage->open();  // the database comes back: the abandoned write lands
  CHECK(f.ingestor->drain(30s));
  kctest::eventuallyOrFail([&] { return f.healthy(); }, "the storage healthy again");
  CHECK(f.storage->stored() == 1);  // b1 landed late; b2 was dropped from the queue unacknowledged
  auto retry = f.submit("b1", 5s);  // the client's retry of the unacknowledged report
  const Answer retried = kctest::awaitOrFail(retry, "the retry's answer");
  CHECK(retried.status == 0);
  CHECK(retried.outcome.duplicates == 1);
  CHECK(f.storage->stored() == 1);
}

TEST_CASE("a full queue refuses at once with 503", "[ingestor]") {
  IngestSettings settings;
  settings.queueCapacity = 1;
  Fixture f(settings);
  f.storage->close();
  auto writing = f.submit("c1", 0ms);
  kctest::eventuallyOrFail([&] { return f.storage->writesStarted() == 1; }, "the writer stuck in the storage");
  auto queued = f.submit("c2", 0ms);
  auto refused = f.submit("c3", 0ms);
  CHECK(kctest::awaitOrFail(refused, "the refusal of a full queue").status == 503);
  f.storage->open();
  CHECK(kctest::awaitOrFail(writing, "c1 committed").status == 0);
  CHECK(kctest::awaitOrFail(queued, "c2 committed").status == 0);
  CHECK(f.storage->stored() == 2);
}

TEST_CASE("health is what the monitor saw, with the detail kept from the answer", "[ingestor]") {
  Fixture f;
  f.storage->setHealth(false, "host=db.internal user=kubecensus");
  kctest::eventuallyOrFail([&] { return !f.healthy(); }, "the unhealthy storage seen");
  CHECK(f.ingestor->health().at(0).second.detail == "host=db.internal user=kubecensus");
  f.storage->setHealth(true, "");
  kctest::eventuallyOrFail([&] { return f.healthy(); }, "the storage healthy again");
}
