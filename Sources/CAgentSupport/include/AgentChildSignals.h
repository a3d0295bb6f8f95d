#ifndef AGENT_CHILD_SIGNALS_H
#define AGENT_CHILD_SIGNALS_H

/// Installs a SIGCHLD handler that writes one byte to `write_fd` (a non-blocking pipe) per signal, so a thread
/// reading the other end learns that some child changed state. SA_RESTART keeps other threads' slow system calls
/// from failing with EINTR; SA_NOCLDSTOP skips stops. The handler saves and restores errno. Returns 0, or -1
/// with errno set. Only the first call installs; later calls return 0 and keep the first pipe.
int agent_sigchld_notify(int write_fd);

/// `openat2(2)` with `RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS` (and `RESOLVE_NO_SYMLINKS` when `no_symlinks` is
/// non-zero): opens `path` relative to `dirfd`, failing with EXDEV when any step of the lookup — `..`, an absolute
/// symlink, a symlink pointing out — would leave the directory, checked by the kernel during the walk itself.
/// Returns the fd, or -1 with errno set (ENOSYS on kernels before 5.6).
int agent_open_beneath(int dirfd, const char *path, int flags, unsigned int mode, int no_symlinks);

/// `O_PATH` (hidden behind `_GNU_SOURCE` from Swift): a descriptor that only names a file or directory, for the
/// `*at` calls; its value on x86 and arm.
enum { AGENT_O_PATH = 010000000 };

#endif
