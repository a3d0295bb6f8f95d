"""Soak: keeps `--runs` `emu-tools-30` runs in flight on one agentd for `--minutes`, over 4 upstream connections
(16 lanes each) to an emulator with 20 ms injected latency before each response, and writes the soak block of
docs/benchmarks.md plus docs/soak-rss.png (daemon RSS over time). scripts/bench.sh --soak runs this in its venv
(matplotlib for the plot).

Measured: throughput (completed runs and tool round trips per second over the window), per-turn overhead p50/p99
from the ledger timestamps of a 10 % sample of the completed runs (`response.create` sent − previous
`response.completed` received − the tool's `duration_ms`, millisecond resolution; it includes the wait for a free
lane), the daemon's own `agentd_turn_overhead_seconds` and `agentd_upstream_lease_wait_seconds` histograms when
`daemon/metrics` exists, failed runs, and RSS sampled every 2 s.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
import common  # noqa: E402
import report  # noqa: E402

LATENCY_MS = 20
CONFIG = """
[upstream]
connections = 4
lanes_per_connection = 16
"""


def histogram_quantile(text: str, name: str, q: float) -> float | None:
    """q-quantile (upper bucket bound, seconds) of a Prometheus histogram summed over its label sets."""
    buckets: dict[float, float] = {}
    for line in text.splitlines():
        if not line.startswith(name + "_bucket"):
            continue
        labels, value = line.rsplit(" ", 1)
        bound = labels.split('le="', 1)[1].split('"', 1)[0]
        upper = float("inf") if bound == "+Inf" else float(bound)
        buckets[upper] = buckets.get(upper, 0) + float(value)
    if not buckets:
        return None
    ordered = sorted(buckets.items())
    total = ordered[-1][1]
    if total == 0:
        return None
    for upper, count in ordered:
        if count >= q * total:
            return upper
    return ordered[-1][0]


def turn_overheads(events: list) -> list[float]:
    """Per round trip: ts(next response.create) − ts(response.completed) − tool duration, in ms."""
    result, completed_at, tool_ms = [], None, 0.0
    for event in events:
        if event["kind"] == "upstream_in" and event["type"] == "response.completed":
            completed_at, tool_ms = event["ts_ms"], 0.0
        elif event["type"] == "tool.finished":
            tool_ms += json.loads(event["payload"]).get("duration_ms", 0)
        elif event["kind"] == "upstream_out" and completed_at is not None:
            result.append(event["ts_ms"] - completed_at - tool_ms)
            completed_at = None
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--doc", default=os.path.join(common.ROOT, "docs", "benchmarks.md"))
    args = parser.parse_args()
    work = common.temp_dir("agentd-soak-")
    emulator = common.Emulator(["--first-event-delay-ms", str(LATENCY_MS)], log_path=os.path.join(work, "emu.log"))
    daemon = common.Daemon(work, emulator.url, config=CONFIG)
    cwd = os.path.join(work, "cwd")
    os.makedirs(cwd)
    started_at = report.now()
    rss: list[tuple[float, float]] = []
    stop = threading.Event()
    began = time.monotonic()

    def sample() -> None:
        while not stop.is_set():
            if daemon.alive():
                rss.append((time.monotonic() - began, daemon.rss_kib() / 1024))
            stop.wait(2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    client = common.Client(daemon.socket, name="soak")
    in_flight: set[str] = set()
    completed, failed, sampled = [], [], []
    deadline = began + args.minutes * 60
    window_end, metrics_text, overheads, alive = None, None, [], False
    try:
        while True:
            now = time.monotonic()
            while now < deadline and len(in_flight) < args.runs:
                run = client.call("run/start", {"prompt": "soak", "model": "emu-tools-30", "cwd": cwd})["run"]
                in_flight.add(run["id"])
            if not in_flight or time.monotonic() > deadline + 120:
                break
            time.sleep(0.5)
            for run_id in list(in_flight):
                status = client.call("run/get", {"run_id": run_id})["run"]["status"]
                if status in ("completed", "failed", "cancelled", "interrupted"):
                    in_flight.discard(run_id)
                    finished = time.monotonic()
                    if status == "completed":
                        completed.append(finished)
                        if len(completed) % 10 == 0:
                            sampled.append(run_id)
                    else:
                        failed.append(f"{run_id}: {status}")
        window_end = time.monotonic()
        try:
            metrics_text = client.call("daemon/metrics", {})["text"]
        except common.RPCError:
            pass
        for run_id in sampled:
            subscription = client.attach(run_id, 0)
            subscription.follow(timeout=60)
            overheads += turn_overheads(subscription.events)
        alive = daemon.alive()
    except (OSError, common.RPCError) as error:  # the daemon went away or refused: report it, do not hide it
        failed.append(f"soak stopped early: {error!r}; daemon alive: {daemon.alive()}")
        window_end = window_end or time.monotonic()
    finally:
        stop.set()
        sampler.join()
        client.close()
        status = daemon.stop()
        emulator.stop()
    in_window = [t for t in completed if t <= deadline]
    seconds = max(0.001, min(window_end, deadline) - began)
    result = {
        "minutes": args.minutes, "runs": args.runs, "completed": len(completed), "failed": failed,
        "runs_per_s": len(in_window) / seconds, "round_trips_per_s": len(in_window) * 30 / seconds,
        "overhead_p50": common.quantile(overheads, 0.5), "overhead_p99": common.quantile(overheads, 0.99),
        "samples": len(overheads), "rss": rss, "alive": alive, "exit": status,
        "daemon_overhead_p99": histogram_quantile(metrics_text or "", "agentd_turn_overhead_seconds", 0.99),
        "daemon_overhead_p50": histogram_quantile(metrics_text or "", "agentd_turn_overhead_seconds", 0.5),
        "lease_wait_p99": histogram_quantile(metrics_text or "", "agentd_upstream_lease_wait_seconds", 0.99),
    }
    plot = os.path.join(os.path.dirname(args.doc), "soak-rss.png")
    try:
        write_plot(rss, plot, args)
        image = os.path.basename(plot)
    except ImportError as error:
        print(f"soak: no plot ({error})", file=sys.stderr)
        image = None
    report.replace_between(args.doc, "soak", render(result, started_at, image), placement="end")
    print(json.dumps({k: v for k, v in result.items() if k != "rss"}), file=sys.stderr)
    common.remove_tree(work)
    return 0 if not failed and alive else 1


def write_plot(rss, path: str, args) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(6, 2.6), dpi=100)
    axes.plot([t / 60 for t, _ in rss], [m for _, m in rss], linewidth=1.2)
    axes.set_xlabel("minutes")
    axes.set_ylabel("agentd RSS (MiB)")
    axes.set_ylim(bottom=0)
    axes.set_title(f"soak: {args.runs} concurrent runs, 4 connections, {LATENCY_MS} ms latency", fontsize=9)
    axes.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(path)


def render(r: dict, started: str, plot: str) -> str:
    def ms(seconds):
        return "n/a (no daemon/metrics)" if seconds is None else f"≤ {seconds * 1000:g} ms (histogram bucket)"

    first = r["rss"][min(len(r["rss"]) - 1, 5)][1] if r["rss"] else float("nan")
    last = r["rss"][-1][1] if r["rss"] else float("nan")
    command = f"scripts/bench.sh --soak --minutes {r['minutes']:g} --runs {r['runs']}"
    lines = [
        "## Soak (generated by `scripts/bench.sh --soak`)",
        "",
        f"Machine: {report.machine()}. Taken {started}. `{r['runs']}` `emu-tools-30` runs kept in flight for "
        f"{r['minutes']:g} min on one agentd (`connections = 4`, 16 lanes each, ledger `sync = full`), emulator "
        f"with {LATENCY_MS} ms before each response; a new run starts as soon as one ends. Command: `{command}`.",
        "",
        "| What | Result |",
        "|---|---|",
        f"| Throughput | **{r['runs_per_s']:.2f} runs/s**, {r['round_trips_per_s']:.0f} tool round trips/s |",
        f"| Runs completed / failed | {r['completed']} / {len(r['failed'])} |",
        f"| Per-turn overhead from ledger timestamps (incl. waiting for a lane), {r['samples']} round trips of a "
        f"10 % sample | p50 {common.fmt(r['overhead_p50'], 0)} ms, **p99 {common.fmt(r['overhead_p99'], 0)} ms** |",
        f"| `agentd_turn_overhead_seconds` (daemon's own) | p50 {ms(r['daemon_overhead_p50'])}, p99 "
        f"{ms(r['daemon_overhead_p99'])} |",
        f"| `agentd_upstream_lease_wait_seconds` p99 | {ms(r['lease_wait_p99'])} |",
        f"| agentd RSS | {first:.1f} MiB after 10 s → {last:.1f} MiB at the end |",
        f"| Daemon | {'up the whole time' if r['alive'] else 'DIED'}; exit status on SIGTERM {r['exit']} |",
        "",
        f"![agentd RSS during the soak]({plot})" if plot else "(No RSS plot: matplotlib was not available.)",
    ]
    if r["failed"]:
        lines += ["", "Failed runs: " + ", ".join(r["failed"][:20])]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
