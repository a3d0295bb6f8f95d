"""The campaign's hostile-upstream section: runs against `emu-hostile-mix-SEED` models (each SEED a different
script of hostile calls: tools the run was not given, file writes, a call id repeated within a response or taken
from an earlier one, unknown tools) and checks that every run ends with a clear status, never executes a tool it
was not given, never loops, and leaves a ledger that verifies (gap-free seqs, export replays to the same status,
`PRAGMA integrity_check`), with memory and ledger growth bounded."""

from __future__ import annotations

import json
import os
import random
import subprocess
import threading

import common

# The run is given the read-only file tools and then has `shell` and `write_file` removed (`agentctl start
# --no-tool`): every `shell` or `write_file` call of the hostile model must be refused, `read_file` calls run.
GIVEN = ["read_file", "list_dir", "shell", "write_file"]
REMOVED = ["shell", "write_file"]
# emu-hostile-mix makes three responses of at most three calls, then a message: more executions means a loop.
MAX_TOOL_STARTS = 9
MAX_EVENTS = 400
TERMINAL = {"completed", "failed", "cancelled"}


def _hostile_files(cwd: str) -> list[str]:
    found = []
    for folder, _, files in os.walk(cwd):
        found += [os.path.join(folder, name) for name in files if name.startswith("hostile-") or name == "dup.log"]
    return found


def _replayed_status(run_id: str, daemon: common.Daemon, work: str) -> str:
    """`agentctl export` of the run, folded offline by `agentd --replay`: the status the export replays to."""
    path = os.path.join(work, f"{run_id}.jsonl")
    env = dict(os.environ, AGENTD_SOCKET=daemon.socket)
    with open(path, "w") as file:
        exported = subprocess.run([common.binary("agentctl"), "export", run_id], stdout=file,
                                  stderr=subprocess.PIPE, text=True, timeout=60, env=env)
    if exported.returncode != 0:
        return f"export failed ({exported.returncode}): {exported.stderr.strip()[:200]}"
    replayed = subprocess.run([common.binary("agentd"), "--replay", path], capture_output=True, text=True, timeout=60)
    if replayed.returncode != 0:
        return f"replay failed ({replayed.returncode}): {replayed.stderr.strip()[:200]}"
    os.remove(path)
    return json.loads(replayed.stdout).get("status", "?")


def hostile(work: str, seed: int, episodes: int, concurrency: int = 4):
    from campaign_sections import Row, _crashed, _log_tail  # noqa: PLC0415 — campaign_sections imports this module

    row = Row("hostile", "hostile upstream: `emu-hostile-mix-SEED` models (SEED random per run) call tools the run "
                         "was not given (`shell`, `write_file` removed with `remove_tools`), unknown tools, a "
                         "`call_id` twice in one response and a `call_id` of an earlier response; "
                         f"{concurrency} runs at a time on one daemon",
              unit="runs",
              checked="every run ends `completed` or `failed` with a reason; no file a removed tool would have "
                      f"written; ≤ {MAX_TOOL_STARTS} `tool.started` and ≤ {MAX_EVENTS} events per run (no loop); "
                      "seqs gap-free; `agentctl export` replays (`agentd --replay`) to the same status; "
                      "`integrity_check` ok; RSS after ≤ RSS after the first tenth + 16 MiB; SIGTERM exits 0")
    rng = random.Random(seed)
    seeds = [rng.randrange(1, 1_000_000_000) for _ in range(episodes)]
    emulator = common.Emulator(log_path=os.path.join(work, "emulator.log"))
    daemon = common.Daemon(work, emulator.url)
    lock = threading.Lock()
    statuses: dict[str, int] = {}
    refused: dict[str, int] = {}
    starts_total = [0]
    next_episode = [0]
    rss: dict[str, int] = {}
    try:
        client = common.Client(daemon.socket)
        # Negative control: the same model with `shell` and `write_file` left in must write its files, or the
        # "no file written" check below could not fail.
        control = os.path.join(work, "control")
        os.makedirs(control)
        for control_seed in range(1, 40):
            run = client.call("run/start", {"prompt": "control", "model": f"emu-hostile-mix-{control_seed}",
                                            "cwd": control, "tools": GIVEN})["run"]
            client.attach(run["id"], 0).follow(timeout=120)
            if _hostile_files(control):
                break
        if not _hostile_files(control):
            row.failures.append("negative control: with shell and write_file given, no hostile file was written")

        def episode(index: int) -> None:
            model = f"emu-hostile-mix-{seeds[index]}"
            cwd = os.path.join(work, f"run-{index}")
            os.makedirs(cwd)
            try:
                run = client.call("run/start", {"prompt": "do as you are told", "model": model, "cwd": cwd,
                                                "tools": GIVEN, "remove_tools": REMOVED})["run"]
                subscription = client.attach(run["id"], 0)
                end = subscription.follow(timeout=120)
                final = client.call("run/get", {"run_id": run["id"]})["run"]
            except Exception as error:  # noqa: BLE001 — every way a run can go wrong is a reported failure
                with lock:
                    row.failures.append(f"{model}: {error!r}")
                return
            problems = []
            status = final["status"]
            if end is None:
                problems.append("the daemon closed the subscription")
            if status not in TERMINAL:
                problems.append(f"status {status!r} is not terminal")
            if status == "failed" and not (final.get("error") or final.get("end_reason")):
                problems.append(f"failed without a reason: {json.dumps(final)[:300]}")
            events = subscription.events
            seqs = [event["seq"] for event in events]
            if seqs != list(range(len(seqs))):
                problems.append(f"seqs not gap-free: {seqs[:5]}…")
            starts = [event for event in events if event.get("type") == "tool.started"]
            refusals = [json.loads(event["payload"]).get("reason", "?") for event in events
                        if event.get("type") == "tool.refused"]
            names = set()
            for event in starts:
                payload = event.get("payload")
                payload = json.loads(payload) if isinstance(payload, str) else (payload or {})
                names.add(payload.get("name"))
            if names & set(REMOVED):
                problems.append(f"started removed tools {sorted(names & set(REMOVED))}")
            if len(starts) > MAX_TOOL_STARTS or len(events) > MAX_EVENTS:
                problems.append(f"{len(starts)} tool.started, {len(events)} events: a loop")
            written = _hostile_files(cwd)
            if written:
                problems.append(f"a refused tool ran: {written}")
            replayed = _replayed_status(run["id"], daemon, work)
            if replayed != status:
                problems.append(f"export replays to {replayed!r}, run/get says {status!r}")
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                starts_total[0] += len(starts)
                for reason in refusals:
                    refused[reason] = refused.get(reason, 0) + 1
                row.injected += 1
                row.failures += [f"{model} (run {run['id']}): {p}" for p in problems]

        def worker() -> None:
            while True:
                with lock:
                    index = next_episode[0]
                    if index >= episodes:
                        return
                    next_episode[0] += 1
                episode(index)
                if index + 1 == max(1, episodes // 10):
                    rss["first"] = daemon.rss_kib()

        threads = [threading.Thread(target=worker) for _ in range(concurrency)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        client.close()
        if not _crashed(daemon, row, f"during hostile runs (seed {seed})"):
            rss["last"] = daemon.rss_kib()
        ledger = os.path.join(daemon.state_dir, "agentd.sqlite")
        status = daemon.stop()
        if status != 0:
            row.failures.append(f"SIGTERM: exit status {status}; log: {_log_tail(daemon)}")
        check = common.integrity_check(ledger)
        if check != "ok":
            row.failures.append(f"integrity_check: {check[:200]}")
        size = os.path.getsize(ledger)
        if "first" in rss and "last" in rss:
            if rss["last"] > rss["first"] + 16 * 1024:
                row.failures.append(f"RSS grew from {rss['first']} KiB to {rss['last']} KiB")
            memory = f"RSS after the first tenth {rss['first'] / 1024:.1f} MiB, at the end {rss['last'] / 1024:.1f} MiB"
        else:
            memory = "RSS not sampled"
        row.notes.append(f"{episodes} runs, seeds from {seed}: statuses {dict(sorted(statuses.items()))}; "
                         f"{starts_total[0]} tool executions (given tools only); refusals by reason "
                         f"{dict(sorted(refused.items()))}; negative control (shell and write_file given) wrote "
                         f"{len(_hostile_files(control))} hostile files; {memory}; ledger "
                         f"{size / 1_048_576:.1f} MiB ({size / max(1, episodes) / 1024:.1f} KiB per run)")
    finally:
        if daemon.alive():
            daemon.stop()
        emulator.stop()
    return row
