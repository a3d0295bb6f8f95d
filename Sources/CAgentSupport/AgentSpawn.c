#define _GNU_SOURCE
#include "AgentSpawn.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

// Moves `fd` above 2 so that installing fds 0–2 cannot overwrite a source that is still needed.
static int lift(int fd) {
    if (fd < 0 || fd > 2) return fd;
    return fcntl(fd, F_DUPFD, 3);
}

// Marks every descriptor from `first` on close-on-exec (close_range, Linux 5.11+; a loop otherwise).
static void cloexec_from(int first) {
    if (syscall(SYS_close_range, first, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return;
    long max = sysconf(_SC_OPEN_MAX);
    for (int fd = first; fd < max; fd++) {
        int flags = fcntl(fd, F_GETFD);
        if (flags >= 0) fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
    }
}

// The child: only async-signal-safe calls (the parent may be multi-threaded). Never returns.
static void child(const struct agent_spawn_request *r, int report_fd) {
    int report[2] = {0, 0}; // step, errno
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < _NSIG; sig++) {
        if (sig != SIGKILL && sig != SIGSTOP) sigaction(sig, &dfl, NULL);
    }
#define FAIL(step) do { report[0] = (step); report[1] = errno; goto fail; } while (0)
    if (setpgid(0, 0) != 0) FAIL(AGENT_SPAWN_STEP_PROCESS_GROUP);
    for (int i = 0; i < r->rlimit_count; i++) {
        if (setrlimit(r->rlimit_resources[i], &r->rlimits[i]) != 0) FAIL(AGENT_SPAWN_STEP_RLIMIT);
    }
    int in = lift(r->stdin_fd), out = lift(r->stdout_fd), err = lift(r->stderr_fd);
    if (in < 0 || out < 0 || err < 0) FAIL(AGENT_SPAWN_STEP_DESCRIPTORS);
    if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) FAIL(AGENT_SPAWN_STEP_DESCRIPTORS);
    if (r->cwd && chdir(r->cwd) != 0) FAIL(AGENT_SPAWN_STEP_CHDIR);
    cloexec_from(3);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execve(r->path, r->argv, r->envp);
    FAIL(AGENT_SPAWN_STEP_EXEC);
#undef FAIL
fail:
    while (write(report_fd, report, sizeof report) < 0 && errno == EINTR) {}
    _exit(127);
}

// clone3 into the cgroup; where clone3 is missing or filtered, a fork-like clone outside it.
static long clone_child(struct agent_spawn_request *request) {
    struct clone_args args;
    memset(&args, 0, sizeof args);
    args.flags = CLONE_VFORK;
    args.exit_signal = SIGCHLD;
    if (request->cgroup_fd >= 0) {
        args.flags |= CLONE_INTO_CGROUP;
        args.cgroup = (unsigned long long)request->cgroup_fd;
    }
    long pid = syscall(SYS_clone3, &args, sizeof args);
    if (pid >= 0 || (errno != ENOSYS && errno != EPERM)) {
        request->in_cgroup = pid >= 0 && request->cgroup_fd >= 0;
        return pid;
    }
    request->in_cgroup = 0;
    return syscall(SYS_clone, CLONE_VFORK | SIGCHLD, 0, NULL, NULL, 0);
}

pid_t agent_spawn(struct agent_spawn_request *request) {
    request->in_cgroup = 0;
    request->failed_step = AGENT_SPAWN_STEP_CLONE;
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) return -errno;

    // No signal handler may run in the child before it resets the dispositions.
    sigset_t all, saved;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &saved);

    long pid = clone_child(request);
    if (pid == 0) {
        close(report[0]);
        child(request, report[1]);
    }
    int spawn_error = pid < 0 ? errno : 0;
    pthread_sigmask(SIG_SETMASK, &saved, NULL);
    close(report[1]);
    if (pid < 0) {
        close(report[0]);
        return -spawn_error;
    }

    // CLONE_VFORK: the child has exec'd or exited by now; a report means it failed before or at execve.
    int failure[2] = {0, 0};
    ssize_t got;
    do { got = read(report[0], failure, sizeof failure); } while (got < 0 && errno == EINTR);
    close(report[0]);
    if (got == (ssize_t)sizeof failure) {
        while (waitpid((pid_t)pid, NULL, 0) < 0 && errno == EINTR) {}
        request->failed_step = failure[0];
        return -(failure[1] ? failure[1] : ECHILD);
    }
    request->failed_step = 0;
    return (pid_t)pid;
}
