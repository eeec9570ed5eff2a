#include "http/node/node_supervisor.hpp"

namespace dialer::http {

Result<std::unique_ptr<NodeSupervisor>> NodeSupervisor::start(NodeOptions options,
                                                              std::ostream& notices) {
  std::unique_ptr<NodeSupervisor> supervisor{new NodeSupervisor{options, notices}};
  auto node = Node::start(std::move(options), notices);
  if (!node) return node.error();
  supervisor->node_ = std::move(node).value();
  // A start again takes the same port, so that clients find it where it was.
  supervisor->options_.server.port = supervisor->node_->port();
  return supervisor;
}

bool NodeSupervisor::resume_if_room() {
  if (!node_ || !node_->store().started_read_only()) return false;
  {
    // A second open, for writing, beside the read-only one: it succeeds once the write-ahead
    // log can be flushed, that is once the disk has room.
    storage::OpenOptions probe;
    probe.env = options_.store_env;
    auto writable = storage::EventStore::open(options_.db_path, probe);
    if (!writable || (*writable)->started_read_only()) return false;
  }
  notices_ << "dialerd: the disk has room again: starting the node anew to resume writing"
           << std::endl;
  node_->stop();
  node_.reset();
  auto node = Node::start(options_, notices_);
  if (!node) {
    notices_ << "dialerd: could not start again: " << node.error().message << std::endl;
    return false;
  }
  node_ = std::move(node).value();
  return true;
}

void NodeSupervisor::stop() {
  if (node_) node_->stop();
}

}  // namespace dialer::http
