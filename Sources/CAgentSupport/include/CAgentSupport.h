#ifndef CAGENTSUPPORT_H
#define CAGENTSUPPORT_H

#include <sys/types.h>
#include "AgentSpawn.h"
#include "AgentChildSignals.h"

/// Peer credentials of a connected Unix socket (SO_PEERCRED). Returns 0 on success, -1 with errno set.
int agent_peer_credentials(int fd, pid_t *pid, uid_t *uid, gid_t *gid);

/// Marks the process non-dumpable so processes of the same user cannot read its memory or environ.
int agent_set_non_dumpable(void);

/// Removes `name` from the environment and overwrites the bytes of every `name=value` string it had, which
/// `/proc/<pid>/environ` would otherwise still show after `unsetenv`. Call before other threads read the
/// environment. Returns how many entries were scrubbed (0 when absent), or -1 with errno set.
int agent_scrub_environment_variable(const char *name);

/// Makes this process a child subreaper so orphaned tool grandchildren are re-parented to it.
int agent_set_child_subreaper(void);

/// A pidfd for `pid` (pidfd_open(2)): readable once the process has exited. Returns -1 with errno set.
int agent_pidfd_open(pid_t pid);

#endif
