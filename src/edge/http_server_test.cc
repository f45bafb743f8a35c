#include "edge/http_server.h"

#include <gtest/gtest.h>

#include <boost/asio/buffers_iterator.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <future>
#include <istream>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"

namespace kumo::edge {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

// Two I/O threads and a server whose handler records the thread each request
// runs on.
class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override { pool_.Start(); }
  void TearDown() override {
    if (server_) server_->Stop();
    pool_.Stop();
    pool_.Join();
  }

  void Serve(HttpServerOptions options) {
    options.port = 0;
    server_ = std::make_unique<HttpServer>(
        pool_, std::move(options), [this](Request, std::shared_ptr<ResponseSink> sink) {
          {
            std::lock_guard lock(mu_);
            threads_.push_back(std::this_thread::get_id());
          }
          sink->Complete(Response::Json(200, "{}"), "");
        });
    Result<uint16_t> port = server_->Listen();
    ASSERT_TRUE(port.ok()) << port.error().message;
    port_ = *port;
  }

  std::thread::id ThreadOf(asio::io_context& io) {
    std::promise<std::thread::id> id;
    asio::post(io, [&id] { id.set_value(std::this_thread::get_id()); });
    return id.get_future().get();
  }

  // One request on its own connection; returns the status line.
  std::string GetOnNewConnection() {
    asio::io_context io;
    tcp::socket socket(io);
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
    asio::write(socket, asio::buffer(std::string("GET / HTTP/1.1\r\nHost: x\r\n\r\n")));
    asio::streambuf response;
    asio::read_until(socket, response, "\r\n");
    std::istream stream(&response);
    std::string line;
    std::getline(stream, line);
    return line;
  }

  std::vector<std::thread::id> Threads() {
    std::lock_guard lock(mu_);
    return threads_;
  }

  IoPool pool_{2};
  std::unique_ptr<HttpServer> server_;
  uint16_t port_ = 0;
  std::mutex mu_;
  std::vector<std::thread::id> threads_;
};

TEST_F(HttpServerTest, ConnectionsSpreadRoundRobinByDefault) {
  Serve({});
  for (int i = 0; i < 4; ++i) EXPECT_EQ(GetOnNewConnection().rfind("HTTP/1.1 200", 0), 0u);
  const std::vector<std::thread::id> seen = Threads();
  EXPECT_EQ(std::set<std::thread::id>(seen.begin(), seen.end()),
            (std::set<std::thread::id>{ThreadOf(pool_.At(0)), ThreadOf(pool_.At(1))}));
}

TEST_F(HttpServerTest, ConnectionContextChoosesWhereEachConnectionLives) {
  // The acceptor is on context 0: connections move to context 1.
  HttpServerOptions options;
  options.connection_context = [this]() -> asio::io_context& { return pool_.At(1); };
  Serve(std::move(options));
  for (int i = 0; i < 4; ++i) EXPECT_EQ(GetOnNewConnection().rfind("HTTP/1.1 200", 0), 0u);
  EXPECT_EQ(Threads(), std::vector<std::thread::id>(4, ThreadOf(pool_.At(1))));
}

TEST_F(HttpServerTest, HeadAnswersTheBodysLengthWithoutTheBody) {
  Serve({});
  asio::io_context io;
  tcp::socket socket(io);
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
  // HEAD, then GET on the same connection: the GET's answer starts right
  // after the HEAD's header, so no body was sent for the HEAD.
  asio::write(socket, asio::buffer(std::string("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n"
                                               "GET / HTTP/1.1\r\nHost: x\r\n\r\n")));
  asio::streambuf response;
  asio::read_until(socket, response, "\r\n\r\n");
  std::string head(asio::buffers_begin(response.data()),
                   asio::buffers_begin(response.data()) + response.size());
  EXPECT_NE(head.find("Content-Length: 2\r\n"), std::string::npos) << head;
  const size_t end = head.find("\r\n\r\n") + 4;
  response.consume(end);
  asio::read_until(socket, response, "\r\n");
  std::string next(asio::buffers_begin(response.data()), asio::buffers_begin(response.data()) + 12);
  EXPECT_EQ(next, "HTTP/1.1 200");
}

TEST_F(HttpServerTest, EveryAnswerCarriesTheDateInImfFixdate) {
  Serve({});
  asio::io_context io;
  tcp::socket socket(io);
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
  const int64_t before = Clock::System().NowMillis() / 1000 * 1000;
  asio::write(socket, asio::buffer(std::string("GET / HTTP/1.1\r\nHost: x\r\n\r\n")));
  asio::streambuf response;
  asio::read_until(socket, response, "\r\n\r\n");
  const int64_t after = Clock::System().NowMillis();
  std::string head(asio::buffers_begin(response.data()), asio::buffers_end(response.data()));
  const size_t at = head.find("\r\nDate: ");
  ASSERT_NE(at, std::string::npos) << head;
  const std::string date = head.substr(at + 8, head.find("\r\n", at + 2) - at - 8);
  // "Sun, 22 Nov 2026 18:00:00 GMT": within the second the request took.
  bool found = false;
  for (int64_t ms = before; ms <= after && !found; ms += 1000) found = FormatHttpDate(ms) == date;
  EXPECT_TRUE(found) << date;
}

}  // namespace
}  // namespace kumo::edge
