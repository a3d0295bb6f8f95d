#ifndef AGENT_SPAWN_H
#define AGENT_SPAWN_H

#include <sys/types.h>
#include <sys/resource.h>

/// What `agent_spawn` starts: one program, its descriptors, limits, working directory and cgroup.
struct agent_spawn_request {
    const char *path;            ///< absolute path of the program (execve: no PATH search)
    char *const *argv;           ///< NULL-terminated
    char *const *envp;           ///< NULL-terminated, the child's whole environment
    const char *cwd;             ///< working directory, or NULL to keep the parent's
    int stdin_fd;                ///< becomes fd 0
    int stdout_fd;               ///< becomes fd 1
    int stderr_fd;               ///< becomes fd 2
    int cgroup_fd;               ///< an O_DIRECTORY fd of a cgroup v2 group to start in, or -1
    int rlimit_count;            ///< number of entries in the two arrays below
    const int *rlimit_resources; ///< RLIMIT_* values
    const struct rlimit *rlimits;
    int in_cgroup;               ///< out: 1 when the child started in `cgroup_fd`'s group
    int failed_step;             ///< out: the step that failed when the result is negative (AGENT_SPAWN_STEP_*)
};

enum {
    AGENT_SPAWN_STEP_CLONE = 1,
    AGENT_SPAWN_STEP_PROCESS_GROUP = 2,
    AGENT_SPAWN_STEP_RLIMIT = 3,
    AGENT_SPAWN_STEP_DESCRIPTORS = 4,
    AGENT_SPAWN_STEP_CHDIR = 5,
    AGENT_SPAWN_STEP_EXEC = 6,
};

/// Starts `request->path` as a child process that is, from its first instruction, in a new process group
/// (pgid = pid), in the given cgroup (`clone3` with `CLONE_INTO_CGROUP`: no migration, which costs an RCU grace
/// period per move), under the given rlimits, with every signal at its default and none blocked, fds 0–2 as
/// given and every other descriptor closed on exec.
///
/// Where `clone3` is unavailable or filtered (ENOSYS, EPERM: old kernels, seccomp policies), the child is created
/// with a plain `clone` and `in_cgroup` stays 0, so the caller falls back to another containment.
///
/// Returns the child's pid, or -errno when the process could not be created or the program could not be executed
/// (`failed_step` says which step; the child is reaped in that case). The calling thread's signal mask is restored
/// before returning.
pid_t agent_spawn(struct agent_spawn_request *request);

#endif
