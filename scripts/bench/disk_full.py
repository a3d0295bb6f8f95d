"""The full-disk episode of the fault campaign: agentd's state directory on a small tmpfs that fills up while runs
are streaming, then space is freed and the runs are brought to their end.

Documented behaviour (docs/ledger.md): SQLITE_FULL fails the batch (`disk_full`, not poisoning) and the run that
sees it fails; an I/O error stops the daemon with exit status 75. Either is accepted; a daemon killed by a signal
(a crash) is not. After the space is freed (and the daemon restarted if it stopped), every run that did not
complete is resumed (`run/resume`) and must complete with each journal line exactly once, no acknowledged event
lost, and a ledger that passes `integrity_check`.
"""

from __future__ import annotations

import os
import subprocess
import threading

import common
from campaign_sections import Row, _crashed, _finish, _integrity, _log_tail
from journal_runs import JournalRun


def _fill(path: str, leave: int) -> None:
    """Writes `path` until the file system is full, then frees `leave` bytes."""
    chunk = b"\0" * 65536
    with open(path, "wb") as file:
        try:
            while True:
                file.write(chunk)
                file.flush()
        except OSError:
            pass
    size = os.path.getsize(path)
    with open(path, "r+b") as file:
        file.truncate(max(0, size - leave))


def disk_full(work: str, seed: int, episodes: int, runs_per: int = 3, calls: int = 30) -> Row:
    row = Row("disk", f"state directory on a 24 MiB tmpfs filled while {runs_per} `emu-journal-30` runs stream "
                      "(ballast file leaving 0–256 KiB); then the ballast is removed", unit="episodes",
              checked="daemon not killed by a signal (a documented exit 75 is allowed); new work refused with "
                      "-32007 or a failed run while full; after freeing space every unfinished run resumes and "
                      "completes; each journal line exactly once; acknowledged events kept; `integrity_check`")
    import random

    rng = random.Random(seed)
    for episode in range(episodes):
        directory = os.path.join(work, f"ep-{episode}")
        state = os.path.join(directory, "state")
        os.makedirs(state)
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", state], capture_output=True,
                                 text=True)
        if mounted.returncode != 0:
            row.skipped = f"`mount -t tmpfs` failed: {mounted.stderr.strip()} (needs root)"
            return row
        emulator = common.Emulator(log_path=os.path.join(directory, "emulator.log"))
        daemon = common.Daemon(directory, emulator.url, state_dir=state)
        try:
            _episode(directory, state, daemon, row, rng, seed, runs_per, calls)
            row.injected += 1
        finally:
            daemon.stop()
            emulator.stop()
            subprocess.run(["umount", "-l", state], capture_output=True)
    return row


def _episode(directory, state, daemon, row, rng, seed, runs_per, calls) -> None:
    warm = JournalRun(os.path.join(directory, "cwd-warm"), calls)
    client = common.Client(daemon.socket)
    warm.start(client)
    client.close()
    _finish(warm, daemon, row, seed)
    ballast = os.path.join(state, "ballast")
    leave = rng.randint(0, 256 * 1024)
    _fill(ballast, leave)

    runs = [JournalRun(os.path.join(directory, f"cwd-{i}"), calls) for i in range(runs_per)]
    refused = []
    client = common.Client(daemon.socket)
    for run in runs:
        try:
            run.start(client)
        except common.RPCError as error:
            refused.append(error.code)
    client.close()
    started = [run for run in runs if run.id]
    outcomes = {}

    def follow(run: JournalRun) -> None:
        try:
            outcomes[run.id] = run.follow(daemon, timeout=15)
        except TimeoutError:
            outcomes[run.id] = "stalled"

    threads = [threading.Thread(target=follow, args=(run,)) for run in started]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = {}
    if daemon.alive():
        client = common.Client(daemon.socket)
        for run in started:
            statuses[run.id] = client.call("run/get", {"run_id": run.id})["run"]["status"]
        try:
            client.call("run/start", {"prompt": "x", "model": "emu-tools-1", "cwd": directory})
            refused.append("accepted")
        except common.RPCError as error:
            refused.append(error.code)
        client.close()
        exit_status = None
    else:
        exit_status = daemon.proc.returncode
        if exit_status < 0 or exit_status not in (75, 1):
            row.failures.append(f"seed {seed}: daemon died with status {exit_status} on a full disk; log: "
                                f"{_log_tail(daemon)}")
    os.remove(ballast)
    if not daemon.alive():
        daemon.start()
    after = _new_run_outcome(daemon, directory)
    if after != "completed":
        row.failures.append(f"seed {seed}: with space free again a new `emu-tools-1` run got: {after}")
    stuck = _resume_or_stuck(daemon, started)
    if stuck:
        row.failures.append(
            f"seed {seed}: after the space was freed, runs {', '.join(stuck)} stayed `running` with no "
            "progress (the log says `ledger failure, run stops`); a graceful daemon restart was needed to go on")
        daemon.stop()
        daemon.start()
        _resume_or_stuck(daemon, started)
    for run in started:
        _finish(run, daemon, row, seed, timeout=60)
    _integrity(daemon, row)
    _crashed(daemon, row, f"after the full-disk episode (seed {seed})")
    row.notes.append(
        f"episode {len(row.notes) + 1}: left {leave} bytes; while full: run outcomes {sorted(outcomes.values())}, "
        f"statuses {sorted(statuses.values())}, daemon exit {exit_status if exit_status is not None else 'none (up)'}"
        f", new work: {refused or ['none tried']}; new run after freeing space: {after}")


def _resume_or_stuck(daemon: common.Daemon, runs: list) -> list[str]:
    """Resumes failed or interrupted runs; returns the ids of runs still `running` that make no progress."""
    stuck = []
    client = common.Client(daemon.socket)
    try:
        for run in runs:
            info = client.call("run/get", {"run_id": run.id})["run"]
            if info["status"] in ("failed", "interrupted"):
                client.call("run/resume", {"run_id": run.id})
            elif info["status"] in ("running", "awaiting_approval"):
                try:
                    outcome = run.follow(daemon, timeout=10)
                except TimeoutError:
                    outcome = "no end within 10 s"
                if outcome != "ended":
                    try:
                        answer = client.call("run/resume", {"run_id": run.id})["run"]["status"]
                    except common.RPCError as error:
                        answer = f"error {error.code}"
                    stuck.append(f"{run.id} (attach: {run.last_end}; run/resume: {answer})")
    finally:
        client.close()
    return stuck


def _new_run_outcome(daemon: common.Daemon, directory: str) -> str:
    """Starts an `emu-tools-1` run and returns its final status, or the error that refused it."""
    client = common.Client(daemon.socket)
    try:
        run = client.call("run/start", {"prompt": "x", "model": "emu-tools-1", "cwd": directory})["run"]
        client.attach(run["id"], 0).follow(timeout=30)
        return client.call("run/get", {"run_id": run["id"]})["run"]["status"]
    except (common.RPCError, TimeoutError) as error:
        return f"{error}"
    finally:
        client.close()
