// kubecensus-test-apiserver: a stand-in Kubernetes API server for the test suite (see
// ServerOptions::usage() and tests/support/test_api_server.h). Exit codes: 0 after SIGTERM or
// SIGINT (also sent when its parent process dies), 1 when it cannot start (unreadable file,
// port in use), 2 for a bad command line.
#include <pthread.h>
#include <sys/prctl.h>
#include <csignal>
#include <cstdlib>
#include <iostream>

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureServerSocket.h>

#include "access_log.h"
#include "cluster_data.h"
#include "discovery.h"
#include "request_handler_factory.h"
#include "resource_catalog.h"
#include "server_context.h"
#include "server_options.h"

using namespace kctest::apiserver;

int main(int argc, char** argv) {
  // Blocked before any thread starts, so that every thread inherits the mask and sigwait()
  // below is the only place these signals are taken.
  sigset_t stopSignals;
  sigemptyset(&stopSignals);
  sigaddset(&stopSignals, SIGTERM);
  sigaddset(&stopSignals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
  // A test that crashes cannot stop its server: the kernel sends SIGTERM when the parent dies.
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  std::signal(SIGPIPE, SIG_IGN);

  const ResourceCatalog catalog;
  ServerOptions options;
  try {
    bool help = false;
    options = ServerOptions::parse(std::vector<std::string>(argv + 1, argv + argc), catalog, help);
    if (help) {
      std::cout << ServerOptions::usage();
      return 0;
    }
  } catch (const std::invalid_argument& e) {
    std::cerr << "kubecensus-test-apiserver: " << e.what() << "\n\n" << ServerOptions::usage();
    return 2;
  }

  try {
    const ClusterData data(options, catalog);
    const Discovery discovery(catalog);
    AccessLog accessLog(options.accessLog);
    ServerContext context{options, catalog, data, discovery, accessLog};

    Poco::Net::initializeSSL();
    Poco::Net::Context::Ptr tls = new Poco::Net::Context(
        Poco::Net::Context::TLS_SERVER_USE, options.tlsKey, options.tlsCert, options.clientCa,
        options.clientCa.empty() ? Poco::Net::Context::VERIFY_NONE : Poco::Net::Context::VERIFY_RELAXED);
    // A session id context lets clients resume sessions when client certificates are verified.
    tls->enableSessionCache(true, "kubecensus-test-apiserver");
    Poco::Net::SecureServerSocket socket(Poco::Net::SocketAddress(options.listenHost, options.listenPort), 64,
                                         tls);
    Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(16);
    params->setMaxQueued(64);
    params->setKeepAlive(true);
    params->setTimeout(Poco::Timespan(60, 0));
    Poco::Net::HTTPServer server(new RequestHandlerFactory(context), socket, params);
    server.start();
    std::cout << "listening on https://" << options.listenHost << ":" << socket.address().port() << std::endl;

    int signal = 0;
    sigwait(&stopSignals, &signal);
    // HTTPServer::stopAll() would wait up to 250 ms for Poco's acceptor thread to notice, in
    // every test's teardown. The access log is flushed line by line and nothing else needs
    // saving, so leave at once; open connections are dropped as stopAll(true) would drop them.
    std::cout.flush();
    std::_Exit(0);
  } catch (const Poco::Exception& e) {
    std::cerr << "kubecensus-test-apiserver: " << e.displayText() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "kubecensus-test-apiserver: " << e.what() << "\n";
  }
  return 1;
}
