"""Runs every `agentd-bench` subcommand several times plus the side-by-side comparison, and writes the generated
block of docs/benchmarks.md (scripts/bench.sh calls this after the release build).

Subcommands are discovered from `agentd-bench --help` when this runs: those in KNOWN get the arguments listed
there; any other subcommand runs with its defaults (plus `--quick` in quick mode when its help offers that flag).
Each subcommand prints `metric <name> <number> <unit>` lines; every metric becomes a row with the median and the
min–max spread over the repetitions. Topics the project promises benchmarks for but no subcommand provides are
listed as "not available".
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass

sys.path.insert(0, os.path.dirname(__file__))
import common  # noqa: E402
import report  # noqa: E402


@dataclass
class Bench:
    subcommand: str
    what: str
    full: list[str]
    quick: list[str]
    reps: int | None = None  # full-mode repetitions when not the default (quick mode: always 1)


KNOWN = [
    Bench("turn-overhead", "Per-tool-round-trip overhead, in-process emulator, 30 calls/run, ledger `sync = full`",
          ["--runs", "10", "--sync", "full"], ["--runs", "2", "--sync", "full"]),
    Bench("turn-overhead", "Per-tool-round-trip overhead, ledger `sync = normal`",
          ["--runs", "10", "--sync", "normal"], ["--runs", "2", "--sync", "normal"]),
    Bench("turn-overhead", "Per-tool-round-trip overhead, no ledger (in-memory store)",
          ["--runs", "10", "--sync", "none"], ["--runs", "2", "--sync", "none"]),
    Bench("ledger", "Ledger append, commit latency, read-back", ["--events", "200000"], ["--events", "20000"]),
    Bench("tool-spawn", "`shell` tool running `true`", ["--iterations", "500"], ["--iterations", "100"]),
    Bench("ledger-blobs", "200 tool calls of 1 MiB output (100 distinct): full output as blob vs inline JSON vs excerpt only",
          ["--calls", "200"], ["--calls", "20", "--distinct", "10"], reps=1),
    Bench("ledger-replay", "Replay of a ledger through the reducer (best of the repeats)",
          ["--events", "1000000"], ["--events", "50000", "--repeats", "1"]),
    Bench("ledger-startup", "agentd start-up to an answering socket on a large ledger",
          ["--events", "1000000"], ["--events", "50000", "--repeats", "2"]),
    Bench("upstream-transport", "One 30-tool-call run, WebSocket vs HTTP+SSE transport, 20 ms emulated latency",
          ["--runs", "5"], ["--runs", "1"]),
    Bench("upstream-queue", "Lane wait of many concurrent runs over 4 pooled connections, 20 ms latency",
          ["--runs", "200", "--connections", "4"], ["--runs", "40", "--connections", "4"]),
    Bench("upstream-outage", "Reconnect attempts during an upstream outage with runs waiting",
          ["--outage-s", "30"], ["--outage-s", "3", "--runs", "5"], reps=2),
    Bench("upstream-prewarm", "A short tool-loop run with and without the `generate: false` warm-up, 20 ms latency",
          ["--runs", "10"], ["--runs", "2"]),
    Bench("fanout", "One run streaming 5,000 text deltas/s to 32 clients on the control socket, ledger `sync = full`",
          ["--clients", "32", "--rate", "5000", "--deltas", "50000"],
          ["--clients", "32", "--rate", "5000", "--deltas", "10000"]),
    Bench("mcp-roundtrip", "MCP tool call (test server's echo) through the AgentMCP tool over stdio pipes",
          ["--calls", "5000"], ["--calls", "500"]),
    Bench("long-context", "A 300-call run with 8 KB tool outputs: bytes sent upstream and p50 turn latency, compaction off vs "
          "`compact_threshold = 32000`, WebSocket and HTTP+SSE", [], ["--tool-calls", "60"], reps=1),
    Bench("cancel-latency", "`cancel --now` of a run whose `sleep 60` tool is running: request → tool.finished committed",
          ["--repeats", "20"], ["--repeats", "5"]),
]

# What the issues promise; a topic is covered by any subcommand whose name or abstract contains a keyword.
TOPICS = [
    ("per-turn overhead", ["turn-overhead"]),
    ("ledger append", ["ledger"]),
    ("ledger replay of a 1,000,000-event ledger", ["replay"]),
    ("start-up time with a large ledger", ["startup", "start-up", "start up"]),
    ("fan-out latency to attached clients", ["fanout", "fan-out", "fan out"]),
    ("pool queue wait under 200 runs / 4 connections", ["queue", "pool"]),
    ("WebSocket vs SSE transport", ["sse", "transport"]),
    ("tool spawn", ["tool-spawn", "spawn"]),
    ("MCP round trip", ["mcp"]),
    ("cancel --now kills a running tool", ["cancel"]),
    ("a 300-call run with and without compaction", ["long-context", "compaction"]),
]

METRIC = re.compile(r"^metric\s+(\S+)\s+(\S+)\s+(.+?)\s*$")


def discover(bench: str) -> dict[str, str]:
    """Subcommand name → abstract, from `agentd-bench --help`."""
    text = subprocess.run([bench, "--help"], capture_output=True, text=True, timeout=60).stdout
    found, inside, last = {}, False, None
    for line in text.splitlines():
        if line.strip() == "SUBCOMMANDS:":
            inside = True
            continue
        if not inside:
            continue
        if not line.strip() or not line.startswith("  "):
            if found and not line.strip():
                last = None
            continue
        match = re.match(r"^  (\S+)(?:\s{2,}(.*))?$", line)
        if match and not line.startswith("   "):
            last = match.group(1)
            found[last] = (match.group(2) or "").strip()
        elif last is not None:
            found[last] = (found[last] + " " + line.strip()).strip()
    found.pop("help", None)
    return found


def run_once(command: list[str], timeout: float) -> tuple[dict[str, tuple[float, str]], str, str | None]:
    """Runs one benchmark; returns its metrics, its human output, and an error (None when it succeeded)."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {}, "", f"timed out after {timeout:.0f} s"
    metrics = {}
    for line in done.stdout.splitlines():
        match = METRIC.match(line)
        if match:
            try:
                metrics[match.group(1)] = (float(match.group(2)), match.group(3))
            except ValueError:
                metrics[match.group(1)] = (float("nan"), match.group(3))
    error = None
    if done.returncode != 0:
        error = f"exit status {done.returncode}: " + (done.stderr.strip().splitlines() or ["(no stderr)"])[-1]
    return metrics, done.stdout, error


def shown(command: list[str]) -> str:
    relative = [os.path.relpath(part, common.ROOT) if part.startswith(common.ROOT) else part for part in command]
    return " ".join(shlex.quote(part) for part in relative)


def run_subcommands(bench: str, quick: bool, reps: int, log) -> tuple[list[dict], list[str], dict[str, str]]:
    available = discover(bench)
    plan = [b for b in KNOWN if b.subcommand in available]
    for name, abstract in available.items():
        if not any(b.subcommand == name for b in KNOWN):
            help_text = subprocess.run([bench, "help", name], capture_output=True, text=True, timeout=60).stdout
            quick_args = ["--quick"] if "--quick" in help_text else []
            plan.append(Bench(name, abstract or name, [], quick_args))
    rows, problems = [], []
    for entry in plan:
        command = [bench, entry.subcommand] + (entry.quick if quick else entry.full)
        samples: dict[str, list[float]] = {}
        units: dict[str, str] = {}
        errors = []
        began = time.monotonic()
        for _ in range(reps if quick or entry.reps is None else entry.reps):
            metrics, output, error = run_once(command, 90 if quick else 600)
            if error:
                errors.append(error)
                break
            if not metrics:
                errors.append("printed no `metric` lines; last output line: "
                              + (output.strip().splitlines() or ["(none)"])[-1])
                break
            for name, (value, unit) in metrics.items():
                samples.setdefault(name, []).append(value)
                units[name] = unit
        log(f"bench: {shown(command)}: {len(samples)} metrics in {time.monotonic() - began:.1f} s"
            + (f" — {errors[0]}" if errors else ""))
        if errors:
            problems.append(f"`{shown(command)}`: {errors[0]}")
        for name, values in samples.items():
            rows.append({"what": entry.what, "metric": name, "values": values, "unit": units[name],
                         "command": shown(command)})
    return rows, problems, available


# Measurements of the machine that explain agentd's numbers (not agentd-bench subcommands).
SCRIPTS = [
    ("Machine: move a process into a cgroup v2 group after 20 ms idle (agentd does this per tool call when its "
     "cgroup is delegated)", ["scripts/bench/cgroup_migration.py", "--idle-ms", "20"]),
    ("Machine: the same with no idle time between moves", ["scripts/bench/cgroup_migration.py", "--idle-ms", "0"]),
]


def run_scripts(reps: int, log) -> tuple[list[dict], list[str]]:
    rows, notes = [], []
    for what, arguments in SCRIPTS:
        command = [sys.executable, os.path.join(common.ROOT, arguments[0])] + arguments[1:]
        display = "python3 " + " ".join(arguments)
        samples: dict[str, list[float]] = {}
        units = {}
        for _ in range(reps):
            metrics, output, error = run_once(command, 120)
            if error or not metrics:
                notes.append(f"`{display}`: {error or output.strip() or 'no output'}")
                break
            for name, (value, unit) in metrics.items():
                samples.setdefault(name, []).append(value)
                units[name] = unit
        log(f"bench: {display}: {len(samples)} metrics")
        rows += [{"what": what, "metric": name, "values": values, "unit": units[name], "command": display}
                 for name, values in samples.items()]
    return rows, notes


def missing_topics(available: dict[str, str]) -> list[str]:
    missing = []
    for topic, keywords in TOPICS:
        haystacks = [f"{name} {abstract}".lower() for name, abstract in available.items()]
        if not any(keyword in haystack for keyword in keywords for haystack in haystacks):
            missing.append(topic)
    return missing


def side_by_side(python: str, runs: int, latency: int, log, profile: int = 0) -> tuple[dict | None, str, str | None]:
    arguments = ["--runs", str(runs)] + (["--latency-ms", str(latency)] if latency else [])
    arguments += ["--profile-runs", str(profile)] if profile else []
    command = [python, os.path.join(os.path.dirname(__file__), "side_by_side.py")] + arguments
    log(f"bench: side by side, {runs} runs of each after a warm-up, {latency} ms injected latency")
    done = subprocess.run(command, capture_output=True, text=True, timeout=900)
    display = f"`{shown(['python', 'scripts/bench/side_by_side.py'] + arguments)}` with the venv's python " \
              "(what `scripts/bench.sh` runs)"
    if done.returncode != 0:
        return None, display, (done.stderr.strip().splitlines() or ["failed"])[-1]
    return json.loads(done.stdout), display, None


def render(rows, problems, missing, comparisons, quick, reps, started, elapsed) -> str:
    lines = [
        "## Results (generated by `scripts/bench.sh`)",
        "",
        f"Machine: {report.machine()}. Taken {started}, mode `{'--quick' if quick else 'full'}`, binaries from "
        f"`{shown([common.bin_dir()])}`{'' if common.bin_dir().endswith('release') else ' (NOT a release build)'}, "
        f"git `{git_head()}`; the benchmarks took {elapsed / 60:.1f} min. Each row: the median "
        f"over {reps} repetition{'s' if reps != 1 else ''} of the command beside it (sizes and counts are in the "
        "command), spread = min–max over the repetitions (one repetition: no spread).",
        "",
        "| Benchmark | Metric | Median | Spread (min–max) | Unit | Command |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        values = row["values"]
        spread = f"{common.fmt(min(values))}–{common.fmt(max(values))}" if len(values) > 1 else "–"
        lines.append(f"| {row['what']} | `{row['metric']}` | **{common.fmt(common.median(values))}** | {spread} "
                     f"| {row['unit']} | `{row['command']}` |")
    if problems:
        lines += ["", "Benchmarks that failed in this run (no numbers taken):", ""]
        lines += [f"- {problem}" for problem in problems]
    if missing:
        lines += ["", "Not available (no `agentd-bench` subcommand covers it yet when this ran): "
                  + "; ".join(missing) + "."]
    lines += ["", "### Side by side: the same 30-tool-call run three ways"]
    for sbs, sbs_command, sbs_error in comparisons:
        lines.append("")
        if sbs is None:
            lines.append(f"Not measured: {sbs_error} (command: {sbs_command}).")
        else:
            lines += side_by_side_table(sbs, sbs_command, split_note(rows))
    lines += ["", DEFINITIONS]
    return "\n".join(lines) + "\n"


def split_note(rows: list[dict]) -> str:
    """The in-process split of agentd's per-turn overhead, from the `turn-overhead` rows (empty without them)."""
    found = {row["metric"]: common.median(row["values"]) for row in rows}
    keys = ("turn_overhead_full_p50", "turn_overhead_none_p50", "turn_ledger_append_full_p50")
    if not all(key in found for key in keys):
        return ""
    full, none, append = (found[key] for key in keys)
    return (f" In-process split (`agentd-bench turn-overhead`, table above): {full:.2f} ms per round trip with the "
            f"durable ledger against {none:.2f} ms with an in-memory store, so the two fsynced commits per round trip "
            f"(durable append p50 {append:.2f} ms each, waiting off-CPU) are {full - none:.2f} ms of it; the rest "
            "is the engine, the control socket (every event encoded for the attached client) and the client's "
            "parsing (on-CPU split: the profile below, in full mode). What would close the gap: \"What would close "
            "the gap\" in the per-turn section below")


def side_by_side_table(sbs: dict, command: str, split: str = "") -> list[str]:
    results = sbs["results"]
    names = {"sdk-ws": "OpenAI Python SDK 3.57.0, WebSocket mode (`client.responses.connect`), persists nothing",
             "sdk-sse": "OpenAI Python SDK 3.57.0, HTTP + SSE (`responses.create(stream=True)`, one request per "
                        "turn with `previous_response_id`), persists nothing",
             "agentd": "agentd (durable ledger `sync = full`, one attached client on the control socket)"}
    base_wall = common.median([r["wall_ms"] for r in results["sdk-ws"]])
    base_over = common.median([r["overhead_ms"] for r in results["sdk-ws"]])
    lines = [
        f"One `responses-emulator` process, model `emu-tools-{sbs['calls']}` ({sbs['calls']} `shell` calls "
        f"`echo step-k …`, then an answer with the digest of all outputs, checked for every run), "
        f"**{sbs['latency_ms']} ms** injected before each response (model time {sbs['latency_ms'] * (sbs['calls'] + 1)}"
        f" ms per run); {sbs['runs']} measured runs of each, interleaved, after one warm-up each (the SDK "
        f"warm-ups validate every event strictly against the SDK's models). Command: {command}.",
        "",
        "| Implementation | End-to-end (median, min–max) | Tool time per call | Overhead per tool round trip "
        "(median, min–max) | Overhead with the SDK WS loop's tool time | Client gap p50 | End-to-end ÷ SDK WS "
        "| Overhead ÷ SDK WS |",
        "|---|---|---|---|---|---|---|---|",
    ]
    ws_tool = common.median([r["tool_ms"] for r in results["sdk-ws"]])
    common_over = {}
    for key in ("sdk-ws", "sdk-sse", "agentd"):
        runs = results[key]
        common_over[key] = common.median([(r["wall_ms"] - r["model_ms"] - ws_tool) / sbs["calls"] for r in runs])
        wall = [r["wall_ms"] for r in runs]
        over = [r["overhead_ms"] for r in runs]
        gaps = [g for r in runs for g in r["client_gap_ms"]]
        gap = f"{common.fmt(common.quantile(gaps, 0.5))} ms" if gaps else "– (see `turn-overhead` above)"
        tool = common.median([r["tool_ms"] for r in runs]) / sbs["calls"]
        lines.append(
            f"| {names[key]} | **{common.fmt(common.median(wall), 1)} ms** ({common.fmt(min(wall), 1)}–"
            f"{common.fmt(max(wall), 1)}) | {common.fmt(tool)} ms "
            f"| **{common.fmt(common.median(over))} ms** ({common.fmt(min(over))}–"
            f"{common.fmt(max(over))}) | {common.fmt(common_over[key])} ms | {gap} "
            f"| {common.median(wall) / base_wall:.2f} | "
            f"{common.median(over) / base_over:.2f} |")
    agentd_over = common.median([r["overhead_ms"] for r in results["agentd"]])
    both = common_over["agentd"] <= common_over["sdk-ws"]
    verdict = ("agentd's overhead per tool round trip is **no worse** than the bare SDK WebSocket loop"
               + (" with either tool-time attribution" if both else
                  f", but it is worse ({common_over['agentd']:.2f} against {common_over['sdk-ws']:.2f} ms) when both "
                  "are charged the SDK loop's tool time, because agentd's own tool runs take longer")
               if agentd_over <= base_over else
               f"agentd's overhead per tool round trip is **worse** than the bare SDK WebSocket loop by "
               f"{agentd_over - base_over:.2f} ms.{split}")
    ratio = common.median([r["wall_ms"] for r in results["agentd"]]) / base_wall
    agentd_tool = common.median([r["tool_ms"] for r in results["agentd"]]) / sbs["calls"]
    if ratio > 1 and agentd_tool > ws_tool / sbs["calls"]:
        verdict += (
            f". End to end agentd takes {ratio:.2f}× the SDK WebSocket loop's time here, and its tool calls take "
            f"{agentd_tool:.1f} ms against the loop's {ws_tool / sbs['calls']:.1f} ms: agentd contains each call "
            "(rlimit gate, process group, and its own cgroup v2 group when the daemon's cgroup is delegated, as "
            "here as root). Moving a process into a cgroup is slow after idle time, as between turns with model "
            "latency (the `cgroup_procs_write` rows above; an `strace -f -T` of agentd shows the `cgroup.procs` "
            "write as the longest step of a call). What would fix it: spawn the shell straight into its group "
            "(`clone3` with `CLONE_INTO_CGROUP`, no migration), mount cgroup2 with `favordynmods`, or one group "
            "per run instead of per call")
    lines += ["", f"Result: {verdict}."]
    profile = sbs.get("profile")
    if profile:
        def listed(rows):
            return ", ".join(f"{name} {percent:.1f} %" for percent, name in rows) or "—"
        lines += ["", "Where agentd's CPU time goes in this scenario (`perf record -F 999 -g -p <agentd>` over extra, "
                  "untimed runs; self time, entries ≥ 1.5 %): by library: " + listed(profile.get("dso", [])) +
                  "; hottest symbols: " + listed(profile.get("symbol", [])) + "."]
    return lines


DEFINITIONS = (
    "Definitions (identical for the three): *end-to-end* = wall time from the run's first request (SDK WS: "
    "opening the WebSocket; SDK SSE: the first POST; agentd: sending `run/start`) to the final answer at the "
    "client (agentd: `run/attach_ended`); *tool time* = the sum of the shell commands' run times as the executor "
    "measured them (Python: around `subprocess.run`; agentd: `duration_ms` of each `tool.finished`); *model "
    "time* = the emulator's injected latency (first-event delay × responses); *overhead per tool round trip* = "
    "(end-to-end − tool time − model time) ÷ number of tool calls. It includes the emulator's own work, the "
    "transport, the client's parsing and, for agentd, the ledger commits and the fan-out to the attached client. "
    "*Client gap* (SDK loops only) = from `response.completed` received to the next request sent, minus the tool. "
    "Each executor times its own tool calls, so a slower tool launcher shows up as tool time, not overhead; the "
    "column *with the SDK WS loop's tool time* charges every implementation that loop's measured tool time instead "
    "((end-to-end − model time − the SDK WS loop's tool time) ÷ calls), and the end-to-end column needs no "
    "attribution at all.")


def git_head() -> str:
    out = subprocess.run(["git", "-C", common.ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", common.ROOT, "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    return out.stdout.strip() + (" + uncommitted changes" if dirty else "")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--venv-python", required=True)
    parser.add_argument("--doc", default=os.path.join(common.ROOT, "docs", "benchmarks.md"))
    args = parser.parse_args()
    started_clock, started = time.monotonic(), report.now()
    reps = 1 if args.quick else 3

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    rows, problems, available = run_subcommands(common.binary("agentd-bench"), args.quick, reps, log)
    script_rows, script_notes = run_scripts(reps, log)
    rows += script_rows
    problems += script_notes
    perf = shutil.which("perf") is not None
    comparisons = [side_by_side(args.venv_python, 1 if args.quick else 5, latency, log,
                                profile=3 if perf and not args.quick and latency == 0 else 0)
                   for latency in ([0] if args.quick else [0, 20])]
    failed = [error for _, _, error in comparisons if error]
    for error in failed:
        log(f"bench: side by side failed: {error}")
    body = render(rows, problems, missing_topics(available), comparisons, args.quick, reps, started,
                  time.monotonic() - started_clock)
    report.replace_between(args.doc, "bench", body)
    log(f"bench: wrote {os.path.relpath(args.doc, common.ROOT)} in {time.monotonic() - started_clock:.0f} s")
    return 1 if problems or failed else 0


if __name__ == "__main__":
    sys.exit(main())
