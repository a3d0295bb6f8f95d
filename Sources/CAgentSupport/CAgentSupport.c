#define _GNU_SOURCE
#include "CAgentSupport.h"
#include <sys/socket.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

int agent_peer_credentials(int fd, pid_t *pid, uid_t *uid, gid_t *gid) {
    struct ucred cred;
    socklen_t len = sizeof(cred);
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
        return -1;
    }
    *pid = cred.pid;
    *uid = cred.uid;
    *gid = cred.gid;
    return 0;
}

int agent_set_non_dumpable(void) {
    return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

int agent_set_child_subreaper(void) {
    return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

int agent_pidfd_open(pid_t pid) {
#ifdef SYS_pidfd_open
    return (int)syscall(SYS_pidfd_open, pid, 0);
#else
    return (int)syscall(434, pid, 0);
#endif
}

int agent_scrub_environment_variable(const char *name) {
    size_t nameLength = strlen(name);
    // Collected first: unsetenv rewrites the environ array being walked.
    char *found[16];
    int count = 0;
    for (char **entry = environ; entry != NULL && *entry != NULL && count < 16; entry++) {
        if (strncmp(*entry, name, nameLength) == 0 && (*entry)[nameLength] == '=') {
            found[count++] = *entry;
        }
    }
    if (count == 0) {
        return 0;
    }
    if (unsetenv(name) != 0) {
        return -1;
    }
    // unsetenv only drops the pointer: the bytes stay where the kernel put them, in the block that
    // /proc/<pid>/environ shows. Overwrite them (name included, so not even the variable's presence shows).
    for (int index = 0; index < count; index++) {
        explicit_bzero(found[index], strlen(found[index]));
    }
    return count;
}
