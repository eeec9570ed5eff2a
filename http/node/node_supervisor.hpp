#pragma once

// Runs a node, and starts it again once the disk has room when its store had to start
// read-only on a full disk: writes resume without an operator. (A store that fills while
// it runs resumes by itself; one that could not open for writing needs a new open.)

#include <memory>
#include <ostream>

#include "http/node/node.hpp"

namespace dialer::http {

class NodeSupervisor {
 public:
  static Result<std::unique_ptr<NodeSupervisor>> start(NodeOptions options, std::ostream& notices);
  Node& node() { return *node_; }
  // False once a start again failed (the port taken meanwhile): the process should end.
  bool running() const { return node_ != nullptr; }
  // When the node's store started read-only and the disk now has room: stops the node and
  // starts it again on the same port, writing. True when it did. Call it now and then.
  bool resume_if_room();
  void stop();

 private:
  NodeSupervisor(NodeOptions options, std::ostream& notices)
      : options_(std::move(options)), notices_(notices) {}
  NodeOptions options_;
  std::ostream& notices_;
  std::unique_ptr<Node> node_;
};

}  // namespace dialer::http
