"""The sections of the fault campaign (scripts/campaign.sh). Each returns a Row: what was injected, how many
times, what was checked, and every failure as a precise sentence (run id, seed, what differed)."""

from __future__ import annotations

import os
import random
import sys
import threading
import time
from dataclasses import dataclass, field

import common
import fuzz
from journal_runs import JournalRun


@dataclass
class Row:
    name: str
    fault: str
    injected: int = 0
    unit: str = ""
    checked: str = ""
    failures: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    seconds: float = 0.0
    skipped: str = ""


def _log_tail(daemon: common.Daemon, lines: int = 5) -> str:
    try:
        with open(daemon.log_path, errors="replace") as file:
            return " | ".join(line.strip() for line in file.read().splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _crashed(daemon: common.Daemon, row: Row, context: str) -> bool:
    """Records a daemon that died on its own (not by our SIGKILL); True when it did."""
    if daemon.alive():
        return False
    row.failures.append(f"daemon crash {context}: exit status {daemon.proc.returncode}; log: {_log_tail(daemon)}")
    return True


def _stuck(run: JournalRun, daemon: common.Daemon) -> str:
    """What a run that does not end is doing: its status and the calls waiting for a decision."""
    try:
        client = common.Client(daemon.socket)
        info = client.call("run/get", {"run_id": run.id})["run"]
        waiting = client.call("approval/list", {"run_id": run.id})["approvals"]
        client.close()
        return f"status {info['status']}, last seq {info['last_seq']}, waiting approvals {waiting}"
    except Exception as error:  # noqa: BLE001 — a description, whatever happened
        return f"state unknown ({error})"


def _finish(run: JournalRun, daemon: common.Daemon, row: Row, seed: int, timeout: float = 120) -> None:
    """Follows `run` to its end (restarting a daemon that died) and records what its check finds."""
    for _ in range(3):
        try:
            outcome = run.follow(daemon, timeout=timeout)
        except TimeoutError as error:
            row.failures.append(f"seed {seed}: {error}: {_stuck(run, daemon)}; kills after {run.kills}")
            return
        if outcome == "ended":
            break
        if _crashed(daemon, row, f"while following run {run.id} (seed {seed})"):
            daemon.start()
    row.failures += [f"seed {seed}: {p}" for p in run.check(daemon)]


def sigkill(work: str, seed: int, target: int, calls: int = 30) -> Row:
    row = Row("kills", "SIGKILL of agentd at a random point of an `emu-journal-30` run (a third each: after a random "
                       "event seq + 0–3 ms; 0–20 ms after a random `tool.started`; the moment a random step's line "
                       "reaches journal.log), with 0–2 other runs in flight; restart on the same ledger",
              unit="kills",
              checked="every run completes; each step's journal line exactly once (uncertain calls decided from the "
                      "journal); every event a client had received is in the ledger unchanged; seqs gap-free; "
                      "digest; `PRAGMA integrity_check`; daemon never dies on its own")
    rng = random.Random(seed)
    emulator = common.Emulator(log_path=os.path.join(work, "emulator.log"))
    daemon = common.Daemon(work, emulator.url)
    restarts, runs, uncertain = [], 0, 0
    try:
        probe = JournalRun(os.path.join(work, "run-probe"), calls)
        client = common.Client(daemon.socket)
        probe.start(client)
        client.close()
        _finish(probe, daemon, row, seed)
        length = max(probe.seen) + 1
        while row.injected < target:
            run = JournalRun(os.path.join(work, f"run-{runs}"), calls)
            runs += 1
            companions = [JournalRun(os.path.join(work, f"run-{runs}-{i}"), calls) for i in range(rng.randint(0, 2))]
            client = common.Client(daemon.socket)
            for one in [run] + companions:
                one.start(client)
            client.close()
            threads = [threading.Thread(target=_companion, args=(one, daemon, row, seed)) for one in companions]
            for thread in threads:
                thread.start()
            for _ in range(rng.randint(1, 4)):
                low = max(run.seen, default=0) + 1
                if low >= length - 2 or row.injected >= target:
                    break
                at = rng.randint(low, length - 2)
                # A third of the kills land anywhere; a third just after a tool intent was committed (0–20 ms
                # later); a third the moment a tool's line reaches journal.log (its effect happened, its result may
                # not be committed): where exactly-once is at stake.
                mode = rng.randrange(3)
                try:
                    outcome = _kill_follow(run, daemon, rng, mode, at, calls)
                except TimeoutError as error:
                    row.failures.append(f"seed {seed}: {error}: {_stuck(run, daemon)}; kills after {run.kills}")
                    break
                if outcome == "skip":
                    break
                if outcome == "killed":
                    row.injected += 1
                    restarts.append(daemon.start())
                elif outcome == "ended":
                    break
                elif _crashed(daemon, row, f"in run {run.id} (seed {seed})"):
                    daemon.start()
            _finish(run, daemon, row, seed)
            for thread in threads:
                thread.join()
            for one in companions:
                row.failures += [f"seed {seed}: {p}" for p in one.check(daemon)]
            uncertain += sum(one.uncertain for one in [run] + companions)
            if runs % 10 == 0:
                _integrity(daemon, row)
        _integrity(daemon, row)
        status = daemon.stop()
        if status not in (0, None):
            row.failures.append(f"daemon stopped with status {status} on SIGTERM; log: {_log_tail(daemon)}")
    finally:
        daemon.stop()
        emulator.stop()
    row.notes.append(f"{runs} runs, {uncertain} calls reported uncertain and decided from the journal; restart "
                     f"to a ready socket p50 {common.quantile(restarts, 0.5) * 1000:.0f} ms, "
                     f"max {max(restarts, default=0) * 1000:.0f} ms")
    return row


def _kill_follow(run: JournalRun, daemon: common.Daemon, rng: random.Random, mode: int, at: int, calls: int) -> str:
    if mode == 0:
        return run.follow(daemon, kill_at_seq=at, kill_delay=rng.choice([0.0, rng.uniform(0, 0.003)]))
    if mode == 1:
        return run.follow(daemon, kill_at_seq=at, kill_delay=rng.uniform(0, 0.02), kill_on_type="tool.started")
    lines = len(run.journal_lines()) + 1
    return "skip" if lines > calls else run.follow(daemon, kill_at_lines=lines)


def _companion(run: JournalRun, daemon: common.Daemon, row: Row, seed: int) -> None:
    """Follows another run in flight through the kills aimed at the main one, until it ends."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            if run.follow(daemon, timeout=120) == "ended":
                return
        except (OSError, common.RPCError, TimeoutError) as error:
            if not isinstance(error, (ConnectionError, FileNotFoundError)):
                print(f"campaign: following run {run.id}: {error!r}; again", file=sys.stderr)
        time.sleep(0.05)  # killed: wait for the restart
    row.failures.append(f"seed {seed}: run {run.id} (in flight alongside) did not end within 300 s")


def _integrity(daemon: common.Daemon, row: Row) -> None:
    result = common.integrity_check(os.path.join(daemon.state_dir, "agentd.sqlite"))
    if result != "ok":
        row.failures.append(f"integrity_check of {daemon.state_dir}/agentd.sqlite: {result[:300]}")


def _longest_response(events: list) -> int:
    longest = current = 0
    for event in events:
        if event["kind"] == "upstream_out":
            current = 0
        elif event["kind"] == "upstream_in":
            current += 1
            longest = max(longest, current)
    return longest


def drops(work: str, seed: int, target: int, calls: int = 30) -> Row:
    row = Row("drops", "upstream TCP connection dropped without a close frame after K server frames "
                       "(emulator `--drop-after-events K`, K random per episode)", unit="drops",
              checked="run completes with the right digest; each journal line exactly once; acknowledged events "
                      "kept; no protocol violation recorded by the emulator; daemon never dies")
    rng = random.Random(seed)
    episodes, shortest = 0, None
    while row.injected < target:
        directory = os.path.join(work, f"ep-{episodes}" if shortest is not None else "probe")
        os.makedirs(directory)
        if shortest is None:
            limit = None
        else:
            limit = rng.randint(shortest, max(shortest + 1, 150))
        emulator = common.Emulator(["--drop-after-events", str(limit)] if limit else [],
                                   log_path=os.path.join(directory, "emulator.log"))
        daemon = common.Daemon(directory, emulator.url)
        try:
            run = JournalRun(os.path.join(directory, "cwd"), calls)
            client = common.Client(daemon.socket)
            run.start(client)
            client.close()
            before = len(row.failures)
            _finish(run, daemon, row, seed)
            recording = emulator.recording()
            if limit is None:
                shortest = _longest_response(list(run.seen.values())) + 2
            else:
                dropped = sum(1 for c in recording["connections"] if c["outbound_count"] >= limit)
                row.injected += dropped
                episodes += 1
            for violation in recording.get("violations", []):
                row.failures.append(f"seed {seed}, K={limit}, run {run.id}: emulator violation: {violation}")
            if len(row.failures) > before:
                row.failures[before:] = [f"{f} (K={limit})" for f in row.failures[before:]]
            if _crashed(daemon, row, f"at the end of episode K={limit} (seed {seed})"):
                daemon.start()
        finally:
            daemon.stop()
            emulator.stop()
    row.notes.append(f"{episodes} episodes (one run each), K from {shortest} (longest response + 2) to 150")
    return row


def expiry(work: str, seed: int, episodes: int, runs_per: int = 6, calls: int = 30) -> Row:
    row = Row("expiry", "connection expiry storm: every WebSocket connection gets `websocket_connection_limit_"
                        "reached` and is closed at a random age of 100–600 ms (`--max-connection-age-ms`; the real "
                        f"limit is 60 min), {runs_per} concurrent runs on 2 pooled connections, 10 ms before each "
                        "response",
              unit="expired connections",
              checked="every run completes with the right digest; each journal line exactly once; acknowledged "
                      "events kept; no emulator violation; daemon never dies")
    rng = random.Random(seed)
    for episode in range(episodes):
        directory = os.path.join(work, f"ep-{episode}")
        os.makedirs(directory)
        age = rng.randint(100, 600)
        # 10 ms before each response keeps the runs on the wire long enough for several expiries each.
        emulator = common.Emulator(["--max-connection-age-ms", str(age), "--first-event-delay-ms", "10"],
                                   log_path=os.path.join(directory, "emulator.log"))
        daemon = common.Daemon(directory, emulator.url, connections=2)
        try:
            runs = [JournalRun(os.path.join(directory, f"cwd-{i}"), calls) for i in range(runs_per)]
            client = common.Client(daemon.socket)
            for run in runs:
                run.start(client)
            client.close()
            before = len(row.failures)
            threads = [threading.Thread(target=_finish, args=(run, daemon, row, seed)) for run in runs]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            row.failures[before:] = [f"{f} (age {age} ms)" for f in row.failures[before:]]
            recording = emulator.recording()
            row.injected += max(0, len(recording["connections"]) - 2)
            for violation in recording.get("violations", []):
                row.failures.append(f"seed {seed}, age {age} ms: emulator violation: {violation}")
            _crashed(daemon, row, f"in episode age={age} ms (seed {seed})")
        finally:
            daemon.stop()
            emulator.stop()
    row.notes.append(f"{episodes} episodes × {runs_per} runs; expired = connections opened beyond the pool's 2")
    return row


def fuzzing(work: str, seed: int, frames: int) -> Row:
    row = Row("fuzz", "fuzzed control frames on 4 connections (random bytes, broken and deep JSON, bad envelopes, "
                      "every method with random params, oversized lines)", unit="frames",
              checked="a well-formed `daemon/status` answered after every 500 frames (an overload answer, -32004, retried with backoff as it asks); every line over the 1 MiB "
                      "limit refused with the connection closed (as documented); daemon never dies; RSS after ≤ RSS "
                      "before + 32 MiB")
    emulator = common.Emulator(log_path=os.path.join(work, "emulator.log"))
    daemon = common.Daemon(work, emulator.url)
    try:
        before = daemon.rss_kib()
        result = fuzz.fuzz(daemon.socket, frames, seed)
        row.injected = result["sent"]
        row.failures += [f"seed {seed}: daemon/status unanswered: {u}" for u in result["unanswered"][:20]]
        row.failures += [f"seed {seed}: {u}" for u in result["not_refused"]]
        row.failures += [f"boundary: {u}" for u in fuzz.boundary(daemon.socket)]
        _crashed(daemon, row, f"during fuzzing (seed {seed})")
        if daemon.alive():
            after = daemon.rss_kib()
            row.notes.append(f"{result['answers']:,} answer lines received, {result['sentinels']} sentinels "
                             f"answered, {result['reconnects']} reconnects, "
                             f"{result['seconds']:.0f} s; RSS {before / 1024:.1f} → {after / 1024:.1f} MiB")
            if after > before + 32 * 1024:
                row.failures.append(f"seed {seed}: RSS grew from {before} KiB to {after} KiB")
    finally:
        daemon.stop()
        emulator.stop()
    return row


def leak(work: str, seed: int, first: int, total: int, concurrency: int = 4) -> Row:
    row = Row("leak", f"{total} completed `emu-tools-3` runs, {concurrency} at a time, on one daemon",
              unit="runs", checked=f"RSS after {total} runs ≤ RSS after {first} runs + 16 MiB; every run "
                                   "completed with the right digest")
    emulator = common.Emulator(log_path=os.path.join(work, "emulator.log"))
    daemon = common.Daemon(work, emulator.url)
    cwd = os.path.join(work, "cwd")
    os.makedirs(cwd)
    digest = common.expected_digest(3)
    lock, counter, samples = threading.Lock(), [0], {}
    try:
        client = common.Client(daemon.socket)

        def worker(limit: int) -> None:
            while True:
                with lock:
                    if counter[0] >= limit:
                        return
                    counter[0] += 1
                run = client.call("run/start", {"prompt": "x", "model": "emu-tools-3", "cwd": cwd})["run"]
                end = client.attach(run["id"], 0).follow(timeout=120)
                final = client.call("run/get", {"run_id": run["id"]})["run"]
                if end is None or final["status"] != "completed" or digest not in final.get("output_text", ""):
                    with lock:
                        row.failures.append(f"run {run['id']}: {final['status']} {final.get('output_text', '')[:80]!r}")

        for limit in (first, total):
            threads = [threading.Thread(target=worker, args=(limit,)) for _ in range(concurrency)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            time.sleep(1.0)  # let the last runs' buffers go
            samples[limit] = daemon.rss_kib()
        row.injected = counter[0]
        client.close()
        growth = samples[total] - samples[first]
        row.notes.append(f"RSS after {first} runs {samples[first] / 1024:.1f} MiB, after {total} runs "
                         f"{samples[total] / 1024:.1f} MiB ({growth / max(1, total - first):.2f} KiB per run)")
        if growth > 16 * 1024:
            row.failures.append(f"RSS grew by {growth} KiB between run {first} and run {total}")
        _crashed(daemon, row, "during the leak check")
    finally:
        daemon.stop()
        emulator.stop()
    return row
