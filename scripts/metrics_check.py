"""Checks `agentctl stats --prometheus` output with the official prometheus_client text parser.

Reads the exposition text on stdin; expects a daemon that has finished one run with tool calls. Exits 1 with
the reasons when a family is missing, has the wrong type, or holds an implausible value.
"""
import math
import sys

from prometheus_client.parser import text_string_to_metric_families

HISTOGRAMS = [
    "agentd_tool_call_duration_seconds",
    "agentd_upstream_lease_wait_seconds",
    "agentd_upstream_first_event_seconds",
    "agentd_turn_overhead_seconds",
    "agentd_ledger_commit_seconds",
]
COUNTERS = ["agentd_ledger_events", "agentd_upstream_reconnects", "agentd_upstream_turn_retries"]
GAUGES = [
    "agentd_ledger_size_bytes",
    "agentd_attached_clients",
    "agentd_connected_clients",
    "agentd_approvals_waiting",
    "agentd_runs_active",
    "agentd_start_time_seconds",
]


def main() -> int:
    text = sys.stdin.read()
    families = {family.name: family for family in text_string_to_metric_families(text)}
    problems = []
    for name, kind in [(n, "histogram") for n in HISTOGRAMS] + [(n, "counter") for n in COUNTERS] + [
        (n, "gauge") for n in GAUGES
    ]:
        family = families.get(name)
        if family is None:
            problems.append(f"missing family {name}")
        elif family.type != kind:
            problems.append(f"{name} is a {family.type}, expected a {kind}")
    for name in HISTOGRAMS:
        family = families.get(name)
        if family is None:
            continue
        counts = [s.value for s in family.samples if s.name == name + "_count"]
        sums = [s.value for s in family.samples if s.name == name + "_sum"]
        buckets = [s for s in family.samples if s.name == name + "_bucket"]
        if not counts or min(counts) < 1:
            problems.append(f"{name}: no observation after a run with tool calls")
        if any(v < 0 or math.isnan(v) for v in sums):
            problems.append(f"{name}: negative or NaN sum {sums}")
        if sums and counts and sum(sums) / sum(counts) > 60:
            problems.append(f"{name}: mean above a minute ({sum(sums) / sum(counts)} s)")
        series = {}
        for sample in buckets:
            key = tuple(sorted((k, v) for k, v in sample.labels.items() if k != "le"))
            series.setdefault(key, []).append((float(sample.labels["le"]), sample.value))
        for key, points in series.items():
            values = [v for _, v in sorted(points)]
            if values != sorted(values):
                problems.append(f"{name}{dict(key)}: buckets are not cumulative")
    tools = {s.labels.get("tool") for s in families.get(HISTOGRAMS[0]).samples} if HISTOGRAMS[0] in families else set()
    if "shell" not in tools:
        problems.append(f"{HISTOGRAMS[0]} has no series for the shell tool (tools: {sorted(t for t in tools if t)})")

    def value(name):
        family = families.get(name)
        return family.samples[0].value if family and family.samples else None

    events = value("agentd_ledger_events")
    if events is None or events < 10:
        problems.append(f"agentd_ledger_events_total is {events}, expected the run's events (>= 10)")
    size = value("agentd_ledger_size_bytes")
    if size is None or size < 4096:
        problems.append(f"agentd_ledger_size_bytes is {size}, expected a SQLite file (>= 4096)")
    connected = value("agentd_connected_clients")
    if connected is None or connected < 1:
        problems.append(f"agentd_connected_clients is {connected}; the scraping client itself is connected")
    for name in ["agentd_approvals_waiting", "agentd_runs_active", "agentd_attached_clients"]:
        current = value(name)
        if current is None or current < 0:
            problems.append(f"{name} is {current}")
    if problems:
        print("metrics-check: FAILED", file=sys.stderr)
        for problem in problems:
            print("  " + problem, file=sys.stderr)
        return 1
    print(f"metrics-check: {len(families)} families parsed by prometheus_client, values sane", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
