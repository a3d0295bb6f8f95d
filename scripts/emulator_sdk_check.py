"""Checks that the responses-emulator speaks the protocol the official OpenAI Python SDK expects.

Usage:  python emulator_sdk_check.py http://127.0.0.1:PORT/v1
        (needs `openai[realtime]==3.63.0`; scripts/emulator-sdk-check.sh sets that up and starts the emulator)

Every event received is validated strictly against the SDK's per-type pydantic model (picked by its `type`
literal from `ResponsesServerEvent`, as reference/ws_sdk_probe.py does), in addition to the SDK's own lenient
parsing. Scenarios:
  1. sync client, WebSocket: an `emu-tools-3` chain to completion (previous_response_id + only new items),
     then checks the final `digest=` line; an unknown previous_response_id (error frame); `response.steer` on a
     completed response (steer.failed); `emu-fail` (in-stream error + response.failed); steering a streaming
     text response (steer.accepted, response.incomplete `steered`, successor) and a tool-call response
     (steer.pending with required_input, then the continuation).
  2. async client, WebSocket: an `emu-text` turn on the named lane "lane-a" (stream_id echoed on every event),
     and an `emu-tools-1` chain through the SDK's AsyncResponsesWebSocketSession lane helper.
  3. HTTP/SSE: `client.responses.create(stream=True)` `emu-tools-1` chain via the stored response, an HTTP
     previous_response_not_found error, and `emu-fail` raising APIError.
  4. long contexts (emulator started with --context-window 4000): context_length_exceeded (WS and HTTP), inline
     compaction (`response.compaction.compacting`, a `compaction` item), `client.responses.compact` and a new chain
     from its output, `max_output_tokens` and `content_filter` incompletes and resuming a cut message, a 429 storm
     (WS `headers`, HTTP `retry-after-ms`), reasoning summary events and assistant `phase`.
  5. built-in tool types: `emu-native-shell-2` and `emu-native-patch` chains (`shell_call`, `apply_patch_call`,
     `response.shell_call_command.*` events, answered with `shell_call_output` / `apply_patch_call_output`), and a
     `function_call_output` answering a `shell_call` refused.
Prints "sdk-check: N events validated, F failures" and exits non-zero on any failure.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import sys
import traceback
from typing import Any, Callable, get_args

import openai
from openai import AsyncOpenAI, OpenAI
from openai.types.responses.responses_server_event import ResponsesServerEvent

# The SDK's union uses its own discriminator metadata, which plain pydantic ignores; pick the member class by its
# `type` literal and validate that.
BY_TYPE = {get_args(c.model_fields["type"].annotation)[0]: c for c in get_args(get_args(ResponsesServerEvent)[0])}

STATS = {"validated": 0}
FAILURES: list[str] = []

SHELL_TOOL = {
    "type": "function",
    "name": "shell",
    "description": "Run a shell command.",
    "parameters": {
        "type": "object",
        "properties": {"cmd": {"type": "string"}},
        "required": ["cmd"],
        "additionalProperties": False,
    },
    "strict": True,
}


def fail(message: str) -> None:
    FAILURES.append(message)
    print(f"FAIL: {message}", file=sys.stderr)


def check(condition: bool, message: str) -> None:
    if not condition:
        fail(message)


def strict_validate(obj: dict, where: str) -> None:
    """Validates one raw event against its per-type SDK model; records a failure instead of raising."""
    try:
        model = BY_TYPE[obj["type"]]
    except KeyError:
        fail(f"{where}: unknown event type {obj.get('type')!r}")
        return
    try:
        model.model_validate(obj)
        STATS["validated"] += 1
    except Exception as exc:  # pydantic.ValidationError
        fail(f"{where}: {obj['type']} failed strict validation: {exc}")


class SequenceChecker:
    """Checks sequence_number runs 0, 1, 2, … within a response and the lane's stream_id echo."""

    def __init__(self, where: str, stream_id: str | None) -> None:
        self.where, self.stream_id, self.expected = where, stream_id, 0

    def see(self, obj: dict) -> None:
        if obj.get("type") == "error" and "sequence_number" not in obj:
            return
        check(obj.get("sequence_number") == self.expected,
              f"{self.where}: sequence_number {obj.get('sequence_number')} != {self.expected} ({obj['type']})")
        self.expected += 1
        check(obj.get("stream_id") == self.stream_id,
              f"{self.where}: stream_id {obj.get('stream_id')!r} != {self.stream_id!r} ({obj['type']})")


def tool_output(k: int) -> str:
    return json.dumps({"stdout": f"step-{k} {k * 7 + 3}\n", "stderr": "", "exit_code": 0})


def expected_digest(outputs: list[str]) -> str:
    text = ""
    for out in outputs:
        try:
            parsed = json.loads(out)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict) and isinstance(parsed.get("stdout"), str):
            text += parsed["stdout"]
        else:
            text += out
        text += "\n"
    return hashlib.sha256(text.encode()).hexdigest()


def check_final_digest(where: str, text: str, outputs: list[str]) -> None:
    digest = expected_digest(outputs)
    check(f"digest={digest}" in text.split("\n"), f"{where}: final text {text!r} lacks line digest={digest}")
    check(text.startswith(f"Completed {len(outputs)} tool calls."), f"{where}: unexpected final text {text!r}")


# --- 1. sync WebSocket ---------------------------------------------------------------------------------------

def sync_websocket(ws_base: str) -> None:
    client = OpenAI(api_key="sk-test", websocket_base_url=ws_base)
    with client.responses.connect() as conn:

        def receive_response(where: str, stream_id: str | None = None) -> list[Any]:
            seq = SequenceChecker(where, stream_id)
            events = []
            while True:
                raw = conn.recv_bytes()
                obj = json.loads(raw)
                strict_validate(obj, where)
                seq.see(obj)
                ev = conn.parse_event(raw)
                events.append(ev)
                if ev.type in ("response.completed", "response.failed", "response.incomplete", "error") and not (
                        ev.type == "error" and "sequence_number" in obj):
                    return events

        outputs: list[str] = []
        previous = None
        new_input: Any = "Run the three steps."
        for turn in range(10):
            extra = {"previous_response_id": previous} if previous else {}
            conn.response.create(model="emu-tools-3", store=False, input=new_input, tools=[SHELL_TOOL], **extra)
            events = receive_response(f"ws-sync turn {turn}")
            final = events[-1]
            if final.type != "response.completed":
                fail(f"ws-sync turn {turn}: ended with {final.type}")
                return
            check(final.response.previous_response_id == previous, f"ws-sync turn {turn}: previous_response_id echo")
            calls = [i for i in final.response.output if i.type == "function_call"]
            previous = final.response.id
            if not calls:
                check(turn == 3, f"ws-sync: final answer after {turn} turns, expected 3")
                check_final_digest("ws-sync", final.response.output_text, outputs)
                streamed = "".join(e.delta for e in events if e.type == "response.output_text.delta")
                check(streamed == final.response.output_text, "ws-sync: streamed text != output_text")
                print(f"[ws-sync] emu-tools-3 done in {turn + 1} responses: {final.response.output_text!r}")
                break
            call = calls[0]
            args = json.loads(call.arguments)
            check(args == {"cmd": f"echo step-{turn} $(({turn} * 7 + 3))"}, f"ws-sync turn {turn}: arguments {args}")
            outputs.append(tool_output(turn))
            new_input = [{"type": "function_call_output", "call_id": call.call_id, "output": outputs[-1]}]
        else:
            fail("ws-sync: emu-tools-3 never finished")

        conn.response.create(model="emu-text", store=False, previous_response_id="resp_does_not_exist", input="hi")
        err = receive_response("ws-sync unknown previous")[-1]
        check(err.type == "error" and err.error.code == "previous_response_not_found",
              f"ws-sync: expected previous_response_not_found, got {err}")
        check(err.status == 400, "ws-sync: error status")

        conn.response.steer(previous_response_id=previous, input="Also do step four.")
        raw = conn.recv_bytes()
        obj = json.loads(raw)
        strict_validate(obj, "ws-sync steer")
        check(obj["type"] == "response.steer.failed", f"ws-sync: steer answered with {obj['type']}")

        conn.response.create(model="emu-fail", input="fail please")
        events = receive_response("ws-sync emu-fail")
        types = [e.type for e in events]
        check(types == ["response.created", "response.in_progress", "error", "response.failed"],
              f"ws-sync emu-fail: {types}")
        check(events[-1].response.error is not None and events[-1].response.error.code == "server_error",
              "ws-sync emu-fail: response.error")
        print("[ws-sync] error frame, steer.failed and emu-fail ok")
        steering(conn, receive_response)


def steering(conn: Any, receive_response: Callable[..., list[Any]]) -> None:
    """`response.steer` accepted mid-text (incomplete `steered` + successor) and mid-tool-call (`steer.pending`)."""

    def read_until(where: str, seq: SequenceChecker, stop: Callable[[dict], bool]) -> list[dict]:
        seen = []
        while True:
            raw = conn.recv_bytes()
            obj = json.loads(raw)
            strict_validate(obj, where)
            seq.see(obj)
            conn.parse_event(raw)
            seen.append(obj)
            if stop(obj):
                return seen

    conn.response.create(model="emu-text-wait-steer", store=False, input="first words")
    seq = SequenceChecker("ws-steer text", None)
    head = read_until("ws-steer text", seq, lambda o: o["type"] == "response.output_text.delta")
    first_id = head[0]["response"]["id"]
    conn.response.steer(previous_response_id=first_id, input="change course")
    rest = read_until("ws-steer text", seq, lambda o: o["type"] in ("response.incomplete", "response.completed"))
    types = [o["type"] for o in rest]
    check(types[0] == "response.steer.accepted", f"ws-steer: first answer {types[0]}")
    check(types[-1] == "response.incomplete", f"ws-steer: steered response ended with {types[-1]}")
    check(rest[-1]["response"]["incomplete_details"] == {"reason": "steered"}, "ws-steer: incomplete_details")
    successor = receive_response("ws-steer successor")
    final = successor[-1]
    check(successor[0].type == "response.created", "ws-steer: successor starts with response.created")
    check(final.type == "response.completed" and final.response.output_text == "You said: change course",
          f"ws-steer: successor {final.type} {getattr(final, 'response', None)}")
    check(final.response.previous_response_id == first_id, "ws-steer: successor continues the steered response")

    conn.response.create(model="emu-tools-1-wait-steer", store=False, input="go", tools=[SHELL_TOOL])
    seq = SequenceChecker("ws-steer tool", None)
    head = read_until("ws-steer tool", seq, lambda o: o["type"] == "response.function_call_arguments.delta")
    tool_id = head[0]["response"]["id"]
    conn.response.steer(previous_response_id=tool_id, input=[{"role": "user", "content": "then say hi"}])
    rest = read_until("ws-steer tool", seq, lambda o: o["type"] == "response.steer.pending")
    completed = next((o for o in rest if o["type"] == "response.completed"), None)
    check(completed is not None, "ws-steer: the tool-call response completes before steer.pending")
    call = next(i for i in (completed or {"response": {"output": []}})["response"]["output"]
                if i["type"] == "function_call")
    check(rest[-1]["required_input"] == [{"type": "function_call_output", "call_id": call["call_id"],
                                          "name": call["name"]}], f"ws-steer: required_input {rest[-1]}")
    conn.response.create(model="emu-tools-1-wait-steer", store=False, previous_response_id=tool_id,
                         tools=[SHELL_TOOL],
                         input=[{"type": "function_call_output", "call_id": call["call_id"], "output": tool_output(0)}])
    done = receive_response("ws-steer after pending")[-1]
    check(done.type == "response.completed", f"ws-steer: continuation after pending ended with {done.type}")
    print("[ws-sync] steer accepted/incomplete/successor and steer.pending ok")


# --- 2. async WebSocket ----------------------------------------------------------------------------------------

async def async_websocket(ws_base: str) -> None:
    client = AsyncOpenAI(api_key="sk-test", websocket_base_url=ws_base)
    async with client.responses.connect() as conn:
        await conn.response.create(model="emu-text", input="Hello from lane a", stream_id="lane-a", store=False)
        seq = SequenceChecker("ws-async lane-a", "lane-a")
        async for ev in conn:
            obj = ev.model_dump(mode="json", exclude_unset=True)
            strict_validate(obj, "ws-async lane-a")
            seq.see(obj)
            if ev.type == "response.completed":
                check(ev.response.output_text == "You said: Hello from lane a",
                      f"ws-async: text {ev.response.output_text!r}")
                check(ev.response.usage is not None and ev.response.usage.input_tokens_details.cache_write_tokens == 0,
                      "ws-async: usage")
                print(f"[ws-async] lane-a ok: {ev.response.output_text!r}")
                break
            if ev.type in ("error", "response.failed"):
                fail(f"ws-async lane-a: {ev.type}")
                break

    from openai.lib.responses_websocket import AsyncResponsesWebSocketSession, ResponsesWebSocketLimits

    limits = ResponsesWebSocketLimits(max_lanes=4, max_events_per_lane=256, max_events=512,
                                      max_bytes_per_lane=1 << 22, max_bytes=1 << 23)
    async with client.responses.connect() as conn:
        async with AsyncResponsesWebSocketSession(conn, limits=limits) as session:
            lane = session.lane("main")
            await lane.send({"type": "response.create", "model": "emu-tools-1", "input": "go", "store": False,
                             "tools": [SHELL_TOOL]})
            first = await lane.get_final_response()
            call = next(i for i in first.output if i.type == "function_call")
            out = tool_output(0)
            await lane.send({"type": "response.create", "model": "emu-tools-1", "previous_response_id": first.id,
                             "store": False, "tools": [SHELL_TOOL],
                             "input": [{"type": "function_call_output", "call_id": call.call_id, "output": out}]})
            second = await lane.get_final_response()
            check_final_digest("ws-async session", second.output_text, [out])
            print(f"[ws-async] session lane helper ok: {second.output_text!r}")


# --- 3. HTTP + SSE -------------------------------------------------------------------------------------------------

def sse(http_base: str) -> None:
    client = OpenAI(api_key="sk-test", base_url=http_base)

    def run(where: str, **kwargs: Any) -> list[Any]:
        seq = SequenceChecker(where, None)
        events = []
        for ev in client.responses.create(stream=True, **kwargs):
            obj = ev.model_dump(mode="json", exclude_unset=True)
            strict_validate(obj, where)
            seq.see(obj)
            events.append(ev)
        return events

    first = run("sse turn 0", model="emu-tools-1", input="go", tools=[SHELL_TOOL])
    check(first[-1].type == "response.completed", f"sse turn 0 ended with {first[-1].type}")
    call = next(i for i in first[-1].response.output if i.type == "function_call")
    out = tool_output(0)
    second = run("sse turn 1", model="emu-tools-1", previous_response_id=first[-1].response.id, tools=[SHELL_TOOL],
                 input=[{"type": "function_call_output", "call_id": call.call_id, "output": out}])
    check(second[-1].type == "response.completed", f"sse turn 1 ended with {second[-1].type}")
    check_final_digest("sse", second[-1].response.output_text, [out])
    print(f"[sse] emu-tools-1 chain ok: {second[-1].response.output_text!r}")

    try:
        run("sse unknown previous", model="emu-text", previous_response_id="resp_nope", input="x", store=False)
        fail("sse: unknown previous_response_id did not raise")
    except openai.BadRequestError as exc:
        check(exc.code == "previous_response_not_found", f"sse: error code {exc.code!r}")
        check(exc.status_code == 400, "sse: status")

    try:
        run("sse emu-fail", model="emu-fail", input="x")
        fail("sse: emu-fail did not raise")
    except openai.APIError as exc:
        check("server had an error" in exc.message, f"sse emu-fail: message {exc.message!r}")
    print("[sse] error paths ok")


# --- 4. long contexts and service realities (the emulator runs with --context-window 4000) ---------------------

def long_context(ws_base: str, http_base: str) -> None:
    """context_length_exceeded (WS frame and HTTP 400), inline compaction, /responses/compact and a chain resumed
    from its output, max_output_tokens and content_filter incompletes, a 429 storm (WS and HTTP), reasoning summary
    deltas and assistant `phase`."""
    import urllib.request

    client = OpenAI(api_key="sk-test", websocket_base_url=ws_base, base_url=http_base)
    # Compaction keeps user messages: the bulk is an earlier assistant message, which compaction drops.
    big = [{"role": "user", "content": "remember this"}, {"role": "assistant", "content": "x" * 20_000}]
    with client.responses.connect() as conn:

        def receive(where: str) -> list[dict]:
            seq = SequenceChecker(where, None)
            seen = []
            while True:
                raw = conn.recv_bytes()
                obj = json.loads(raw)
                strict_validate(obj, where)
                seq.see(obj)
                conn.parse_event(raw)
                seen.append(obj)
                if obj["type"] in ("response.completed", "response.failed", "response.incomplete") or (
                        obj["type"] == "error" and "sequence_number" not in obj):
                    return seen

        conn.response.create(model="emu-text", store=False, input=big)
        err = receive("lc ws too long")[-1]
        check(err["type"] == "error" and err["status"] == 400 and err["error"]["code"] == "context_length_exceeded",
              f"lc: expected context_length_exceeded, got {err}")

        conn.response.create(model="emu-text", store=False, input=big,
                             context_management=[{"type": "compaction", "compact_threshold": 1000}])
        events = receive("lc ws inline compaction")
        types = [o["type"] for o in events]
        check("response.compaction.compacting" in types, f"lc: no compacting event in {types}")
        final = events[-1]
        check(final["type"] == "response.completed", f"lc: compacted response ended with {final['type']}")
        output = final["response"]["output"]
        check(output[0]["type"] == "compaction" and output[0]["encrypted_content"],
              f"lc: output[0] is {output[0]['type']}")
        check(output[-1]["content"][0]["text"] == "You said: remember this", "lc: model lost the compacted text")
        conn.response.create(model="emu-text", store=False, previous_response_id=final["response"]["id"],
                             input="after compaction")
        after = receive("lc ws after compaction")[-1]
        check(after["type"] == "response.completed", f"lc: continuation after compaction: {after['type']}")

        conn.response.create(model="emu-text", store=False, input="a long answer please", max_output_tokens=3)
        cut = receive("lc ws max_output_tokens")[-1]
        check(cut["type"] == "response.incomplete"
              and cut["response"]["incomplete_details"] == {"reason": "max_output_tokens"}, f"lc: {cut['type']}")
        conn.response.create(model="emu-text", store=False, previous_response_id=cut["response"]["id"],
                             max_output_tokens=100)
        rest = receive("lc ws continue incomplete")[-1]
        check(rest["type"] == "response.completed", f"lc: continuation of incomplete ended {rest['type']}")
        text = cut["response"]["output"][-1]["content"][0]["text"] + rest["response"]["output"][-1]["content"][0]["text"]
        check(text == "You said: a long answer please", f"lc: resumed text {text!r}")

        conn.response.create(model="emu-content-filter", store=False, input="something")
        filtered = receive("lc ws content_filter")[-1]
        check(filtered["type"] == "response.incomplete"
              and filtered["response"]["incomplete_details"] == {"reason": "content_filter"}, "lc: content_filter")

        conn.response.create(model="emu-tools-1-commentary", store=False, input="go", tools=[SHELL_TOOL],
                             reasoning={"effort": "low", "summary": "auto"})
        events = receive("lc ws reasoning + phase")
        types = [o["type"] for o in events]
        for expected in ("response.reasoning_summary_part.added", "response.reasoning_summary_text.delta",
                         "response.reasoning_summary_text.done", "response.reasoning_summary_part.done"):
            check(expected in types, f"lc: no {expected}")
        phases = [i.get("phase") for i in events[-1]["response"]["output"] if i["type"] == "message"]
        check(phases == ["commentary"], f"lc: phases {phases}")

        urllib.request.urlopen(urllib.request.Request(
            http_base.replace("/v1", "") + "/emulator/rate-limit?count=2&retry_after_ms=1500", method="POST"))
        conn.response.create(model="emu-text", store=False, input="hi")
        limited = receive("lc ws 429")[-1]
        check(limited["type"] == "error" and limited["status"] == 429
              and limited["error"]["code"] == "rate_limit_exceeded"
              and limited.get("headers", {}).get("retry-after-ms") == "1500", f"lc: 429 frame {limited}")
    try:
        client.with_options(max_retries=0).responses.create(model="emu-text", input="hi")
        fail("lc: HTTP 429 did not raise")
    except openai.RateLimitError as exc:
        check(exc.response.headers.get("retry-after-ms") == "1500", "lc: HTTP retry-after-ms header")
    try:
        client.responses.create(model="emu-text", input=big)
        fail("lc: HTTP context_length_exceeded did not raise")
    except openai.BadRequestError as exc:
        check(exc.code == "context_length_exceeded", f"lc: HTTP code {exc.code!r}")

    compacted = client.responses.compact(model="emu-text", input=big + [{"role": "user", "content": "second"}])
    check(compacted.object == "response.compaction", f"lc: compact object {compacted.object}")
    kinds = [i.type for i in compacted.output]
    check(kinds == ["message", "message", "compaction"], f"lc: compact output {kinds}")
    with client.responses.connect() as conn:
        conn.response.create(model="emu-text", store=False,
                             input=[i.model_dump(mode="json", exclude_none=True) for i in compacted.output])
        for raw in conn:
            obj = raw.model_dump(mode="json", exclude_unset=True)
            strict_validate(obj, "lc ws new chain from compact")
            if obj["type"] in ("response.completed", "response.failed", "error"):
                check(obj["type"] == "response.completed"
                      and obj["response"]["output"][-1]["content"][0]["text"] == "You said: second",
                      f"lc: chain from compact output: {obj['type']}")
                break
    print("[long-context] context_length_exceeded, compaction, compact, incomplete, 429, reasoning, phase ok")


# --- 5. built-in tool types ---------------------------------------------------------------------------------

NATIVE_TOOLS = [{"type": "shell", "environment": {"type": "local"}}, {"type": "apply_patch"}]


def native_tools(ws_base: str) -> None:
    """emu-native-shell-2 and emu-native-patch chains (shell_call / apply_patch_call items answered with their own
    output types), and a function_call_output answering a shell_call refused."""
    client = OpenAI(api_key="sk-test", websocket_base_url=ws_base)
    with client.responses.connect() as conn:

        def receive(where: str) -> list[Any]:
            seq = SequenceChecker(where, None)
            events = []
            while True:
                raw = conn.recv_bytes()
                obj = json.loads(raw)
                strict_validate(obj, where)
                seq.see(obj)
                ev = conn.parse_event(raw)
                events.append(ev)
                if ev.type in ("response.completed", "response.failed", "response.incomplete") or (
                        ev.type == "error" and "sequence_number" not in obj):
                    return events

        def shell_output(call_id: str, stdout: str) -> dict:
            return {"type": "shell_call_output", "call_id": call_id,
                    "output": [{"stdout": stdout, "stderr": "", "outcome": {"type": "exit", "exit_code": 0}}]}

        # emu-native-shell-2: the same commands and digest as emu-tools-2.
        previous, new_input, stdouts = None, "go", []
        for turn in range(3):
            extra = {"previous_response_id": previous} if previous else {}
            conn.response.create(model="emu-native-shell-2", store=False, input=new_input, tools=NATIVE_TOOLS, **extra)
            events = receive(f"native shell turn {turn}")
            final = events[-1]
            if final.type != "response.completed":
                fail(f"native shell turn {turn}: ended with {final.type}")
                return
            previous = final.response.id
            calls = [i for i in final.response.output if i.type == "shell_call"]
            if turn == 2:
                check(not calls, "native shell: a third call")
                check_final_digest("native shell", final.response.output_text,
                                   [json.dumps({"stdout": out}) for out in stdouts])
                break
            if not calls:
                fail(f"native shell turn {turn}: no shell_call")
                return
            command = f"echo step-{turn} $(({turn} * 7 + 3))"
            check(calls[0].action.commands == [command], f"native shell turn {turn}: {calls[0].action.commands}")
            streamed = "".join(e.delta for e in events if e.type == "response.shell_call_command.delta")
            check(streamed == command, f"native shell turn {turn}: streamed command {streamed!r}")
            stdouts.append(f"step-{turn} {turn * 7 + 3}\n")
            new_input = [shell_output(calls[0].call_id, stdouts[-1])]

        # emu-native-patch: create, update, a hunk that does not match (answered failed), its correction, cat.
        previous, new_input, statuses = None, "edit notes", ["completed", "completed", "failed", "completed"]
        for turn in range(6):
            extra = {"previous_response_id": previous} if previous else {}
            conn.response.create(model="emu-native-patch", store=False, input=new_input, tools=NATIVE_TOOLS, **extra)
            final = receive(f"native patch turn {turn}")[-1]
            if final.type != "response.completed":
                fail(f"native patch turn {turn}: ended with {final.type}")
                return
            previous = final.response.id
            item = final.response.output[-1]
            if turn < 4:
                check(item.type == "apply_patch_call" and item.operation.path == "notes.txt",
                      f"native patch turn {turn}: {item.type}")
                new_input = [{"type": "apply_patch_call_output", "call_id": item.call_id, "status": statuses[turn],
                              "output": "hunk 1 does not apply" if statuses[turn] == "failed" else "M notes.txt"}]
            elif turn == 4:
                check(item.type == "shell_call" and item.action.commands == ["cat notes.txt"],
                      f"native patch turn 4: {item.type}")
                new_input = [shell_output(item.call_id, "alpha\nBETA\nGAMMA\n")]
            else:
                expected = hashlib.sha256(b"completed\ncompleted\nfailed\ncompleted\nalpha\nBETA\nGAMMA\n\n").hexdigest()
                check(final.response.output_text == f"Patched notes.txt.\ndigest={expected}",
                      f"native patch: final text {final.response.output_text!r}")

        # A function_call_output cannot answer a shell_call.
        conn.response.create(model="emu-native-shell-1", store=False, input="go", tools=NATIVE_TOOLS)
        final = receive("native wrong output")[-1]
        call = [i for i in final.response.output if i.type == "shell_call"][0]
        conn.response.create(model="emu-native-shell-1", store=False, previous_response_id=final.response.id,
                             input=[{"type": "function_call_output", "call_id": call.call_id, "output": "x"}],
                             tools=NATIVE_TOOLS)
        err = receive("native wrong output answer")[-1]
        check(err.type == "error" and "shell_call_output" in err.error.message,
              f"native: a function_call_output for a shell_call was not refused: {err}")
    print("[native] shell_call and apply_patch_call chains, wrong output type refused ok")


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    http_base = sys.argv[1].rstrip("/")
    ws_base = http_base.replace("http://", "ws://", 1).replace("https://", "wss://", 1)
    for name, scenario in (
        ("sync websocket", lambda: sync_websocket(ws_base)),
        ("async websocket", lambda: asyncio.run(async_websocket(ws_base))),
        ("sse", lambda: sse(http_base)),
        ("long context", lambda: long_context(ws_base, http_base)),
        ("native tools", lambda: native_tools(ws_base)),
    ):
        try:
            scenario()
        except Exception:
            fail(f"{name}: raised\n{traceback.format_exc()}")
    print(f"sdk-check: {STATS['validated']} events validated, {len(FAILURES)} failures (openai {openai.__version__})")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
