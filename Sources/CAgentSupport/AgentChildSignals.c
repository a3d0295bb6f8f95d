#define _GNU_SOURCE
#include "AgentChildSignals.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_openat2
#define SYS_openat2 437
#endif

static volatile int sigchld_fd = -1;

static void on_sigchld(int signal) {
    (void)signal;
    int saved = errno;
    char byte = 1;
    // A full pipe already holds a pending wake-up: dropping this byte loses nothing.
    ssize_t ignored = write(sigchld_fd, &byte, 1);
    (void)ignored;
    errno = saved;
}

int agent_sigchld_notify(int write_fd) {
    if (!__sync_bool_compare_and_swap(&sigchld_fd, -1, write_fd)) return 0;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_sigchld;
    action.sa_flags = SA_RESTART | SA_NOCLDSTOP;
    sigemptyset(&action.sa_mask);
    if (sigaction(SIGCHLD, &action, NULL) != 0) {
        sigchld_fd = -1;
        return -1;
    }
    return 0;
}

int agent_open_beneath(int dirfd, const char *path, int flags, unsigned int mode, int no_symlinks) {
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = (unsigned long long)(flags | O_CLOEXEC);
    if (flags & (O_CREAT | O_TMPFILE)) how.mode = mode;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    if (no_symlinks) how.resolve |= RESOLVE_NO_SYMLINKS;
    long fd;
    do { fd = syscall(SYS_openat2, dirfd, path, &how, sizeof how); } while (fd < 0 && errno == EINTR);
    return (int)fd;
}
