"""How long this machine takes to move a process into a cgroup v2 group (one `cgroup.procs` write).

agentd puts every tool call into its own cgroup when its cgroup is delegated (`cgroup.kill` containment), so this
write is part of every tool call's time there. Prints `metric cgroup_procs_write_p50 <ms> ms` (and p99), or one
`skipped:` line when there is no writable cgroup v2 hierarchy (not root, no delegation).

Usage: python3 scripts/bench/cgroup_migration.py [--moves 20] [--idle-ms 20]
(--idle-ms: the pause between moves; an idle machine is the slow case, as between an agent's turns.)
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time


def writable_root() -> str | None:
    for base in ("/sys/fs/cgroup/unified", "/sys/fs/cgroup"):
        if os.path.exists(os.path.join(base, "cgroup.procs")) and os.access(base, os.W_OK):
            with open("/proc/mounts") as mounts:
                if any(line.split()[1] == base and line.split()[2] == "cgroup2" for line in mounts):
                    return base
    return None


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--moves", type=int, default=20)
    parser.add_argument("--idle-ms", type=float, default=20)
    args = parser.parse_args()
    base = writable_root()
    if base is None:
        print("skipped: no writable cgroup v2 hierarchy")
        return 0
    group = os.path.join(base, f"agentd-bench-probe-{os.getpid()}")
    os.mkdir(group)
    samples = []
    try:
        for _ in range(args.moves):
            child = subprocess.Popen(["sleep", "1"])
            began = time.perf_counter()
            with open(os.path.join(group, "cgroup.procs"), "w") as procs:
                procs.write(str(child.pid))
            samples.append((time.perf_counter() - began) * 1000)
            child.kill()
            child.wait()
            time.sleep(args.idle_ms / 1000)
    finally:
        os.rmdir(group)
    samples.sort()
    print(f"metric cgroup_procs_write_p50 {samples[len(samples) // 2]:.3f} ms")
    print(f"metric cgroup_procs_write_p99 {samples[min(len(samples) - 1, int(0.99 * len(samples)))]:.3f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
