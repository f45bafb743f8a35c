// PeerCheck: finds out whether a loopback TCP connection was opened by a
// process of one execution environment. The environments share the host's
// network, so any of them can connect to another's Runtime API port; the
// engine asks this before honouring a Runtime API request (threat model in
// docs/sandbox.md, "The Runtime API endpoint").
//
// Two kernel facts make it work without the client's cooperation:
//  - sock_diag (NETLINK_SOCK_DIAG) names the inode of the socket at the
//    client's end of a connection, given its 4-tuple (one netlink round trip);
//  - /proc/<pid>/fd shows which processes hold that inode, and
//    /proc/<pid>/task/<tid>/children walks an environment's process tree from
//    its init.
//
// Thread-safety: free functions; each thread keeps its own netlink socket.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string_view>

#include "common/status.h"

namespace kumo::runtime {

// The inode of the socket at the client end of the established TCP
// connection from `client_address` ("127.0.0.1:53210", as the edge reports
// it) to 127.0.0.1:`server_port`. Errors: InvalidArgument for a malformed
// address; NotFound when no such connection exists (it closed); Internal
// when the kernel refuses the netlink query.
Result<uint64_t> ClientSocketInode(std::string_view client_address, uint16_t server_port);

// True when `root` or one of its descendants has socket `inode` open. Walks
// at most `max_processes` processes (an environment is capped by its pids
// cgroup anyway).
bool ProcessTreeHoldsSocket(pid_t root, uint64_t inode, int max_processes = 1024);

}  // namespace kumo::runtime
