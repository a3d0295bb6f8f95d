"""Side by side on one emulator process and one 30-tool-call scenario (`emu-tools-30`), in one run:

  sdk-ws   a minimal agent loop with the official OpenAI Python SDK in WebSocket mode (`client.responses.connect`
           with `websocket_base_url`), executing the same shell commands, persisting nothing;
  sdk-sse  the same loop over HTTP + SSE (`client.responses.create(stream=True)`, one request per turn,
           continued with `previous_response_id`);
  agentd   the real daemon (durable ledger, `sync = "full"`), one attached client on the control socket.

Definitions, identical for the three:
  end-to-end  wall time from the first request of the run (for sdk-ws: opening the WebSocket; for agentd: sending
              `run/start`) to the final answer received by the client (for agentd: `run/attach_ended`);
  tool time   the sum of the shell commands' run times as the executor measured them (Python: around
              `subprocess.run`; agentd: `duration_ms` of each `tool.finished`);
  model time  the emulator's injected latency (first-event + inter-event delays), 0 unless --latency-ms is given;
  overhead per tool round trip = (end-to-end − tool time − model time) / number of tool calls.

Runs are interleaved (ws, sse, agentd, ws, …) after one warm-up run each, so machine noise hits all three alike;
the warm-up runs validate every event strictly against the SDK's pydantic models (not timed).
Every run must end with the digest of the 30 step outputs; a wrong digest is an error, not a number.
Needs `openai[realtime]==3.57.0` (scripts/bench.sh runs this with its throwaway venv). Prints one JSON document.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
import common  # noqa: E402
from typing import get_args  # noqa: E402

from openai import OpenAI  # noqa: E402
from openai.types.responses.responses_server_event import ResponsesServerEvent  # noqa: E402

SHELL_TOOL = {
    "type": "function",
    "name": "shell",
    "description": "Run a shell command.",
    "parameters": {"type": "object", "properties": {"cmd": {"type": "string"}}, "required": ["cmd"],
                   "additionalProperties": False},
    "strict": True,
}


# The SDK's union of server events, by `type` literal (as scripts/emulator_sdk_check.py does): the warm-up runs
# validate every event strictly against its model, so the timed runs are known to be served without errors.
BY_TYPE = {get_args(c.model_fields["type"].annotation)[0]: c for c in get_args(get_args(ResponsesServerEvent)[0])}


def validate(event) -> None:
    BY_TYPE[event.type].model_validate(event.model_dump(mode="json", exclude_unset=True))


def run_tool(arguments: str, cwd: str) -> tuple[str, float]:
    """Runs `/bin/sh -c cmd` like agentd's shell tool and returns its output JSON (agentd's format) and seconds."""
    command = json.loads(arguments)["cmd"]
    began = time.perf_counter()
    done = subprocess.run(["/bin/sh", "-c", command], cwd=cwd, capture_output=True, text=True)
    took = time.perf_counter() - began
    output = json.dumps({"exit_code": done.returncode, "stderr": done.stderr, "stdout": done.stdout},
                        sort_keys=True, separators=(",", ":"))
    return output, took


class Loop:
    """What one run of a loop measured."""

    def __init__(self) -> None:
        self.tool_s = 0.0
        self.calls = 0
        self.gaps: list[float] = []  # response.completed received → next request sent, minus the tool (s)
        self.answer = ""


def sdk_websocket(ws_base: str, model: str, cwd: str, strict: bool = False) -> tuple[float, Loop]:
    client = OpenAI(api_key=common.API_KEY, websocket_base_url=ws_base)
    loop = Loop()
    began = time.perf_counter()
    with client.responses.connect() as conn:
        previous, new_input = None, "Run the steps."
        while True:
            extra = {"previous_response_id": previous} if previous else {}
            conn.response.create(model=model, store=False, input=new_input, tools=[SHELL_TOOL], **extra)
            if loop.gaps:
                loop.gaps[-1] = time.perf_counter() - loop.gaps[-1]
            final = None
            for event in conn:
                if strict:
                    validate(event)
                if event.type == "response.completed":
                    final = event.response
                    break
                if event.type in ("error", "response.failed", "response.incomplete"):
                    raise RuntimeError(f"sdk-ws: {event.type}: {event}")
            received = time.perf_counter()
            outputs = run_calls(loop, final, received, cwd)
            if outputs is None:
                break
            previous, new_input = final.id, outputs
    return time.perf_counter() - began, loop


def run_calls(loop: Loop, final, received: float, cwd: str) -> list | None:
    """Runs the function calls of a completed response like the SDK loops do, accounting them in `loop`; returns
    the outputs for the next request, or None (the answer recorded) when the response asked for no tool."""
    calls = [item for item in final.output if item.type == "function_call"]
    if not calls:
        loop.answer = final.output_text
        return None
    outputs, tool_s = [], 0.0
    for call in calls:
        text, took = run_tool(call.arguments, cwd)
        tool_s += took
        outputs.append({"type": "function_call_output", "call_id": call.call_id, "output": text})
    loop.tool_s += tool_s
    loop.calls += len(calls)
    loop.gaps.append(received + tool_s)  # the gap ends when the next request is sent
    return outputs


def sdk_sse(http_base: str, model: str, cwd: str, client: OpenAI, strict: bool = False) -> tuple[float, Loop]:
    loop = Loop()
    began = time.perf_counter()
    previous, new_input = None, "Run the steps."
    while True:
        extra = {"previous_response_id": previous} if previous else {}
        stream = client.responses.create(stream=True, model=model, input=new_input, tools=[SHELL_TOOL], **extra)
        if loop.gaps:
            loop.gaps[-1] = time.perf_counter() - loop.gaps[-1]
        final = None
        for event in stream:
            if strict:
                validate(event)
            if event.type == "response.completed":
                final = event.response
            elif event.type in ("error", "response.failed", "response.incomplete"):
                raise RuntimeError(f"sdk-sse: {event.type}: {event}")
        received = time.perf_counter()
        outputs = run_calls(loop, final, received, cwd)
        if outputs is None:
            break
        previous, new_input = final.id, outputs
    return time.perf_counter() - began, loop


def agentd_run(client: common.Client, model: str, cwd: str) -> tuple[float, Loop]:
    loop = Loop()
    began = time.perf_counter()
    run = client.call("run/start", {"prompt": "Run the steps.", "model": model, "cwd": cwd})["run"]
    subscription = client.attach(run["id"], 0)
    end = subscription.follow(timeout=300)
    took = time.perf_counter() - began
    if end is None or end.get("reason") != "run_ended":
        raise RuntimeError(f"agentd: run {run['id']} attach ended with {end}")
    for event in subscription.events:
        if event["type"] == "tool.finished":
            loop.tool_s += json.loads(event["payload"]).get("duration_ms", 0) / 1000
            loop.calls += 1
    final = client.call("run/get", {"run_id": run["id"]})["run"]
    if final["status"] != "completed":
        raise RuntimeError(f"agentd: run {run['id']} ended {final['status']}: {final.get('end_reason')}")
    loop.answer = final.get("output_text", "")
    return took, loop


def profile_agentd(daemon: common.Daemon, run, runs: int) -> dict:
    """`perf record` of the agentd process over `runs` extra runs: the hottest symbols and DSOs (self time)."""
    data = os.path.join(daemon.directory, "perf.data")
    perf = subprocess.Popen(["perf", "record", "-F", "999", "-g", "-p", str(daemon.pid), "-o", data],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.3)
    try:
        for _ in range(runs):
            run()
    finally:
        perf.send_signal(2)
        perf.wait(30)
    tables = {}
    for sort in ("dso", "symbol"):
        out = subprocess.run(["perf", "report", "-i", data, "--stdio", "--no-children", "--sort", sort, "-g", "none",
                              "--percent-limit", "1.5"], capture_output=True, text=True, timeout=120).stdout
        rows = []
        for line in out.splitlines():
            line = line.strip()
            if not line or line.startswith("#") or "%" not in line:
                continue
            percent, _, name = line.partition("%")
            try:
                rows.append([float(percent), name.split("   ")[0].replace("[.] ", "").replace("[k] ", "").strip()])
            except ValueError:
                continue
        tables[sort] = rows[:12]
    mangled = [row[1] for row in tables.get("symbol", []) if row[1].startswith("$s")]
    if mangled:
        try:
            out = subprocess.run(["swift", "demangle", "--simplified", "--compact"] + mangled, capture_output=True,
                                 text=True, timeout=60).stdout.splitlines()
            names = dict(zip(mangled, out))
            for row in tables["symbol"]:
                row[1] = names.get(row[1], row[1])
        except (OSError, subprocess.TimeoutExpired):
            pass
    return tables


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5, help="measured runs of each implementation")
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--latency-ms", type=int, default=0, help="emulator --first-event-delay-ms")
    parser.add_argument("--profile-runs", type=int, default=0,
                        help="after the timed runs, this many agentd runs under `perf record` (not timed)")
    args = parser.parse_args()
    model = f"emu-tools-{args.calls}"
    digest = common.expected_digest(args.calls)
    work = common.temp_dir("agentd-sbs-")
    emulator = common.Emulator(["--first-event-delay-ms", str(args.latency_ms)] if args.latency_ms else [],
                               log_path=os.path.join(work, "emulator.log"))
    daemon = common.Daemon(work, emulator.url)
    cwd = os.path.join(work, "cwd")
    os.makedirs(cwd)
    results: dict[str, list[dict]] = {"sdk-ws": [], "sdk-sse": [], "agentd": []}
    try:
        control = common.Client(daemon.socket)
        sse_client = OpenAI(api_key=common.API_KEY, base_url=emulator.url)
        runners = {
            "sdk-ws": lambda strict: sdk_websocket(emulator.ws_url, model, cwd, strict),
            "sdk-sse": lambda strict: sdk_sse(emulator.url, model, cwd, sse_client, strict),
            "agentd": lambda strict: agentd_run(control, model, cwd),
        }
        for index in range(args.runs + 1):
            for name, runner in runners.items():
                wall, loop = runner(index == 0)
                if f"digest={digest}" not in loop.answer or loop.calls != args.calls:
                    raise RuntimeError(f"{name}: run {index} answered {loop.answer!r} after {loop.calls} calls")
                if index == 0:
                    continue  # warm-up
                model_s = args.latency_ms / 1000 * (args.calls + 1)
                results[name].append({
                    "wall_ms": wall * 1000,
                    "tool_ms": loop.tool_s * 1000,
                    "model_ms": model_s * 1000,
                    "overhead_ms": (wall - loop.tool_s - model_s) / args.calls * 1000,
                    "client_gap_ms": [gap * 1000 for gap in loop.gaps],
                })
        profile = profile_agentd(daemon, lambda: runners["agentd"](False), args.profile_runs) if args.profile_runs \
            else None
        recording = emulator.recording()
        if recording.get("violations"):
            raise RuntimeError(f"emulator recorded protocol violations: {recording['violations'][:3]}")
        control.close()
    finally:
        status = daemon.stop()
        emulator.stop()
    print(json.dumps({"runs": args.runs, "calls": args.calls, "latency_ms": args.latency_ms, "results": results,
                      "daemon_exit": status, "profile": profile}))
    common.remove_tree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
