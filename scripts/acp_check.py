"""Drives `agentctl acp` with the official ACP Python SDK (agent-client-protocol) as the editor, against a real
agentd and responses-emulator, and validates every message agentctl sends against the SDK's schema models.

Usage: acp_check.py BIN_DIR   (BIN_DIR holds the built agentd, agentctl and responses-emulator)
Exits 0 when every check passed. Started by scripts/acp-check.sh, which creates the venv and builds.
"""

import array
import asyncio
import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import termios
import time

import acp
from acp import schema
from acp.connection import StreamDirection

BIN = sys.argv[1]
TIMEOUT = 60  # seconds for any one wait

RESPONSE_MODELS = {
    "initialize": schema.InitializeResponse,
    "session/new": schema.NewSessionResponse,
    "session/load": schema.LoadSessionResponse,
    "session/prompt": schema.PromptResponse,
    "session/list": schema.ListSessionsResponse,
    "session/resume": schema.ResumeSessionResponse,
    "session/fork": schema.ForkSessionResponse,
    "session/close": schema.CloseSessionResponse,
}
REQUEST_MODELS = {"session/request_permission": schema.RequestPermissionRequest}
NOTIFICATION_MODELS = {"session/update": schema.SessionNotification}

violations = []
validated = 0


def validate(model, payload, what):
    global validated
    try:
        model.model_validate(payload)
        validated += 1
    except Exception as error:  # pydantic.ValidationError
        violations.append(f"{what}: {error}\n{json.dumps(payload)[:500]}")


class Validator:
    """A stream observer: every message from agentctl is checked against the schema model for its method."""

    def __init__(self):
        self.sent = {}  # our request id -> method

    def __call__(self, event):
        message = event.message
        if event.direction == StreamDirection.OUTGOING:
            if "method" in message and "id" in message:
                self.sent[message["id"]] = message["method"]
            return
        if "method" in message:
            method = message["method"]
            models = REQUEST_MODELS if "id" in message else NOTIFICATION_MODELS
            model = models.get(method)
            if model is None:
                violations.append(f"agentctl sent an unknown method {method}")
            else:
                validate(model, message.get("params"), method)
        elif "id" in message:
            method = self.sent.pop(message["id"], None)
            if "error" in message:
                validate(schema.Error, message["error"], f"error answer to {method}")
            elif method in RESPONSE_MODELS:
                validate(RESPONSE_MODELS[method], message["result"], f"answer to {method}")


class Editor(acp.Client):
    """An editor: records updates; answers permission requests with `decide` (a coroutine function)."""

    def __init__(self, decide=None):
        self.updates = []  # (session id, update model)
        self.changed = asyncio.Condition()
        self.decide = decide
        self.permission_requests = []

    async def session_update(self, session_id, update, **kwargs):
        async with self.changed:
            self.updates.append((session_id, update))
            self.changed.notify_all()

    async def request_permission(self, session_id, tool_call, options, **kwargs):
        async with self.changed:
            self.permission_requests.append((session_id, tool_call, options))
            self.changed.notify_all()
        option = await self.decide(tool_call) if self.decide else None
        if option is None:
            return schema.RequestPermissionResponse(outcome=schema.DeniedOutcome(outcome="cancelled"))
        return schema.RequestPermissionResponse(outcome=schema.AllowedOutcome(outcome="selected", option_id=option))

    async def wait_for(self, predicate, what):
        async def wait():
            async with self.changed:
                await self.changed.wait_for(predicate)

        try:
            await asyncio.wait_for(wait(), TIMEOUT)
        except asyncio.TimeoutError:
            raise AssertionError(f"timed out waiting for {what}; updates: {self.kinds()}")

    def of(self, session_id, kind=None):
        return [u for s, u in self.updates if s == session_id and (kind is None or u.session_update == kind)]

    def text(self, session_id, kind="agent_message_chunk"):
        return "".join(u.content.text for u in self.of(session_id, kind))

    def kinds(self):
        return [u.session_update for _, u in self.updates]


class Daemon:
    """responses-emulator and agentd on temporary paths."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="acp-check.", dir="/tmp")
        self.socket = os.path.join(self.dir, "agentd.sock")
        self.work = os.path.join(self.dir, "work")
        os.makedirs(self.work)
        self.emulator = subprocess.Popen(
            [f"{BIN}/responses-emulator", "--port", "0"], stdout=subprocess.PIPE, stderr=open(f"{self.dir}/emulator.log", "w"), text=True
        )
        self.url = self.emulator.stdout.readline().strip()
        self.agentd = None
        self.start()

    def start(self):
        log = open(f"{self.dir}/agentd.log", "a")
        env = dict(os.environ, OPENAI_BASE_URL=self.url, OPENAI_API_KEY="sk-acp-check")
        self.agentd = subprocess.Popen(
            [f"{BIN}/agentd", "--socket", self.socket, "--state-dir", f"{self.dir}/state"], stderr=log, env=env
        )
        deadline = time.time() + TIMEOUT
        while time.time() < deadline:
            if "agentd ready" in open(f"{self.dir}/agentd.log").read().split("agentd stopped")[-1]:
                return
            time.sleep(0.05)
        raise AssertionError("agentd did not get ready")

    def restart(self):
        self.agentd.send_signal(signal.SIGTERM)
        self.agentd.wait(TIMEOUT)
        self.start()

    def agentctl(self, *args, timeout=TIMEOUT):
        env = dict(os.environ, AGENTD_SOCKET=self.socket)
        return subprocess.run([f"{BIN}/agentctl", *args], env=env, cwd=self.work, capture_output=True, text=True, timeout=timeout)

    def stop(self):
        for process in (self.agentd, self.emulator):
            if process and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()

    def log_tail(self):
        return open(f"{self.dir}/agentd.log").read()[-3000:]


def spawn(daemon, editor, *args):
    """`agentctl acp` with the SDK as its client (validated); an async context manager of (connection, process)."""
    env = dict(os.environ, AGENTD_SOCKET=daemon.socket)
    return acp.spawn_agent_process(
        lambda _agent: editor,
        f"{BIN}/agentctl",
        "acp",
        "--model",
        "emu-script",
        *args,
        env=env,
        cwd=daemon.work,
        transport_kwargs={"limit": 64 << 20},
        observers=[Validator()],
    )


class NoConversations(Exception):
    """agentd predates conversations (issue 16): session/new cannot start a run without a prompt."""


async def open_session(conn, daemon):
    init = await conn.initialize(protocol_version=1, client_info=schema.Implementation(name="acp-check", version="1"))
    assert init.protocol_version == 1
    try:
        session = await conn.new_session(cwd=daemon.work, mcp_servers=[])
    except acp.RequestError as error:
        if "cannot hold a conversation" in str(error):
            raise NoConversations(str(error))
        raise
    return session.session_id


def prompt_blocks(text):
    return [acp.text_block(text)]


def processes_with(marker):
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if marker.encode() in f.read():
                    found.append(pid)
        except OSError:
            pass
    return found


# MARK: checks


async def check_initialize(daemon):
    editor = Editor()
    async with spawn(daemon, editor) as (conn, _):
        init = await conn.initialize(
            protocol_version=1,
            client_capabilities=schema.ClientCapabilities(fs=schema.FileSystemCapabilities(read_text_file=True, write_text_file=True)),
            client_info=schema.Implementation(name="acp-check", version="1"),
        )
        caps = init.agent_capabilities
        assert init.protocol_version == 1
        assert caps.load_session is True
        assert caps.prompt_capabilities.embedded_context is True
        sessions = caps.session_capabilities
        assert sessions.list is not None and sessions.resume is not None and sessions.fork is not None and sessions.close is not None
        assert init.agent_info.name == "agentd"


def check_errors_on_the_wire(daemon):
    """Raw lines: unknown method -32601, malformed params -32602 naming the field, stdout only JSON-RPC."""
    env = dict(os.environ, AGENTD_SOCKET=daemon.socket)
    lines = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": 1}},
        {"jsonrpc": "2.0", "id": 2, "method": "session/teleport", "params": {}},
        {"jsonrpc": "2.0", "id": 3, "method": "session/new", "params": {"cwd": 42, "mcpServers": []}},
        {"jsonrpc": "2.0", "id": 4, "method": "session/prompt", "params": {"sessionId": "run_x", "prompt": [{"type": "text"}]}},
    ]
    text = "".join(json.dumps(line) + "\n" for line in lines) + "this is not json\n"
    out = subprocess.run([f"{BIN}/agentctl", "acp"], input=text, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    answers = {}
    for line in out.stdout.splitlines():
        message = json.loads(line)  # stdout carries nothing but JSON-RPC
        answers[message.get("id")] = message
    assert answers[2]["error"]["code"] == -32601, answers[2]
    assert answers[3]["error"]["code"] == -32602 and answers[3]["error"]["data"]["field"] == "cwd", answers[3]
    assert answers[4]["error"]["code"] == -32602 and answers[4]["error"]["data"]["field"] == "prompt[0].text", answers[4]
    assert answers[None]["error"]["code"] == -32700, answers.get(None)
    for message in answers.values():
        if "error" in message:
            validate(schema.Error, message["error"], "raw error")


async def check_two_prompts_and_attach(daemon):
    editor = Editor()
    async with spawn(daemon, editor) as (conn, _):
        sid = await open_session(conn, daemon)
        first = await asyncio.wait_for(
            conn.prompt(session_id=sid, prompt=prompt_blocks('call shell {"cmd":"echo one > one.txt"}\nsay First turn done.')), TIMEOUT
        )
        assert first.stop_reason == "end_turn", first
        calls = editor.of(sid, "tool_call")
        assert len(calls) == 1 and calls[0].kind == "execute" and calls[0].title == "echo one > one.txt", calls
        assert calls[0].raw_input == {"cmd": "echo one > one.txt"}
        finished = [u for u in editor.of(sid, "tool_call_update") if u.status == "completed"]
        assert len(finished) == 1, editor.kinds()
        assert editor.text(sid) == "First turn done.", editor.text(sid)
        assert len(editor.of(sid, "agent_message_chunk")) > 1, "text was not streamed in chunks"
        assert editor.of(sid, "usage_update"), editor.kinds()
        second = await asyncio.wait_for(
            conn.prompt(
                session_id=sid,
                prompt=prompt_blocks('call write_file {"path":"two.txt","content":"two\\n"}\nsay Second turn done.'),
            ),
            TIMEOUT,
        )
        assert second.stop_reason == "end_turn", second
        edit = editor.of(sid, "tool_call")[-1]
        assert edit.kind == "edit" and edit.locations[0].path == os.path.join(daemon.work, "two.txt"), edit
        done = [u for u in editor.of(sid, "tool_call_update") if u.status == "completed"][-1]
        diffs = [c for c in done.content if c.type == "diff"]
        assert diffs and diffs[0].new_text == "two\n", done
        assert editor.text(sid) == "First turn done.Second turn done.", editor.text(sid)
        assert open(os.path.join(daemon.work, "two.txt")).read() == "two\n"
    # A terminal sees both turns of the editor's session.
    log = daemon.agentctl("log", "--json", sid)
    assert log.returncode == 0, log.stderr
    text = log.stdout
    assert "First turn done." in text and "Second turn done." in text, text[-2000:]
    try:
        attach = daemon.agentctl("attach", "--no-prompt", sid, timeout=15)
        shown = attach.stdout
    except subprocess.TimeoutExpired as expired:  # an idle conversation may be followed until it ends
        shown = (expired.stdout or b"").decode() if isinstance(expired.stdout, bytes) else (expired.stdout or "")
    assert "First turn done." in shown and "Second turn done." in shown, shown[-2000:]
    return sid


async def check_cancel_during_sleep(daemon):
    editor = Editor()
    marker = "31.4159"
    async with spawn(daemon, editor) as (conn, _):
        sid = await open_session(conn, daemon)
        prompt = asyncio.create_task(conn.prompt(session_id=sid, prompt=prompt_blocks(f'call shell {{"cmd":"sleep {marker}"}}')))
        await editor.wait_for(lambda: any(u.status == "in_progress" for u in editor.of(sid, "tool_call_update")), "the sleep to start")
        assert processes_with(f"sleep {marker}"), "the sleep is not running"
        await conn.cancel(session_id=sid)
        result = await asyncio.wait_for(prompt, TIMEOUT)
        assert result.stop_reason == "cancelled", result
        assert not processes_with(f"sleep {marker}"), "the sleep survived the cancel"
        assert editor.of(sid, "tool_call_update")[-1].status == "failed"


async def check_load_while_running(daemon):
    first, second = Editor(), Editor()
    flag = os.path.join(daemon.work, "go.flag")
    async with spawn(daemon, first) as (conn, _):
        sid = await open_session(conn, daemon)
        script = 'call shell {"cmd":"while [ ! -e go.flag ]; do sleep 0.05; done; echo released"}\nsay Released.'
        prompt = asyncio.create_task(conn.prompt(session_id=sid, prompt=prompt_blocks(script)))
        await first.wait_for(lambda: any(u.status == "in_progress" for u in first.of(sid, "tool_call_update")), "the call to run")
        async with spawn(daemon, second) as (conn2, _):
            await conn2.initialize(protocol_version=1)
            await asyncio.wait_for(conn2.load_session(cwd=daemon.work, session_id=sid, mcp_servers=[]), TIMEOUT)
            # The replay: the prompt and the running call.
            assert second.text(sid, "user_message_chunk") == script, second.kinds()
            assert len(second.of(sid, "tool_call")) == 1, second.kinds()
            replayed = len(second.updates)
            open(flag, "w").close()
            result = await asyncio.wait_for(prompt, TIMEOUT)
            assert result.stop_reason == "end_turn"
            await second.wait_for(lambda: second.text(sid).endswith("Released."), "the live end of the turn")
            live = [u.session_update for _, u in second.updates[replayed:]]
            assert "tool_call_update" in live and "agent_message_chunk" in live, live
    os.remove(flag)


async def check_load_a_terminal_run(daemon):
    """A run started from the terminal: the editor loads it, gets the replay, answers its permission request and
    follows it live to the end."""
    script = 'call shell {"cmd":"echo from-terminal > terminal.marker"}\nsay Terminal run done.'
    started = daemon.agentctl("start", "--detach", "--json", "--model", "emu-script", "--require-approval", "shell", script)
    assert started.returncode == 0, started.stderr
    rid = json.loads(started.stdout)["id"]

    async def decide(tool_call):
        return "allow_once"

    editor = Editor(decide)
    async with spawn(daemon, editor) as (conn, _):
        await conn.initialize(protocol_version=1)
        await asyncio.wait_for(conn.load_session(cwd=daemon.work, session_id=rid, mcp_servers=[]), TIMEOUT)
        assert editor.text(rid, "user_message_chunk") == script, editor.kinds()
        await editor.wait_for(lambda: editor.text(rid).endswith("Terminal run done."), "the run's live end")
        assert len(editor.permission_requests) == 1, editor.permission_requests
        assert os.path.exists(os.path.join(daemon.work, "terminal.marker"))
        statuses = [u.status for u in editor.of(rid, "tool_call_update")]
        assert statuses[-1] == "completed", statuses
    show = daemon.agentctl("log", "--json", rid)
    resolved = [json.loads(json.loads(l)["payload"]) for l in show.stdout.splitlines() if '"approval.resolved"' in l]
    assert len(resolved) == 1 and resolved[0]["approved"] and resolved[0]["reason"] == "allow_once in acp-check" or resolved[0]["reason"].startswith("allow_once in"), resolved


async def check_list_resume_close(daemon):
    """session/list finds a terminal's run by cwd; session/resume follows it without replay; session/close stops."""
    started = daemon.agentctl("start", "--detach", "--json", "--model", "emu-script", "say listed")
    assert started.returncode == 0, started.stderr
    rid = json.loads(started.stdout)["id"]
    assert daemon.agentctl("attach", "--json", rid).returncode == 0  # to its end
    editor = Editor()
    async with spawn(daemon, editor) as (conn, _):
        await conn.initialize(protocol_version=1)
        listed = await asyncio.wait_for(conn.list_sessions(cwd=daemon.work), TIMEOUT)
        mine = [s for s in listed.sessions if s.session_id == rid]
        assert mine and mine[0].cwd == daemon.work and mine[0].title == "say listed", listed
        elsewhere = await asyncio.wait_for(conn.list_sessions(cwd="/nonexistent"), TIMEOUT)
        assert not elsewhere.sessions, elsewhere
        await asyncio.wait_for(conn.resume_session(cwd=daemon.work, session_id=rid), TIMEOUT)
        assert not editor.of(rid), f"resume replayed {editor.kinds()}"
        await asyncio.wait_for(conn.close_session(session_id=rid), TIMEOUT)
        try:
            await conn.prompt(session_id=rid, prompt=prompt_blocks("say after close"))
            raise AssertionError("a closed session took a prompt")
        except acp.RequestError as error:
            assert error.code == -32602 and error.data["field"] == "sessionId", error


async def check_permissions(daemon):
    answers = {"touch allowed.marker": "allow_once", "touch rejected.marker": "reject_once"}

    async def decide(tool_call):
        return answers[tool_call.raw_input["cmd"]]

    editor = Editor(decide)
    async with spawn(daemon, editor, "--require-approval", "shell") as (conn, _):
        sid = await open_session(conn, daemon)
        allowed = await asyncio.wait_for(conn.prompt(session_id=sid, prompt=prompt_blocks('call shell {"cmd":"touch allowed.marker"}\nsay ok')), TIMEOUT)
        assert allowed.stop_reason == "end_turn"
        assert os.path.exists(os.path.join(daemon.work, "allowed.marker"))
        rejected = await asyncio.wait_for(conn.prompt(session_id=sid, prompt=prompt_blocks('call shell {"cmd":"touch rejected.marker"}\nsay ok')), TIMEOUT)
        assert rejected.stop_reason == "end_turn"
        assert not os.path.exists(os.path.join(daemon.work, "rejected.marker")), "a rejected command ran"
        assert editor.of(sid, "tool_call_update")[-1].status == "failed"
        kinds = [o.kind for o in editor.permission_requests[0][2]]
        assert kinds == ["allow_once", "allow_always", "reject_once", "reject_always"], kinds


async def check_first_decision_wins(daemon):
    """The editor's permission request is open when `agentctl approve --deny` decides first: the editor sees the
    denial as a tool_call_update, its late allow changes nothing, the call never runs. The run is started from the
    terminal and loaded by the editor (the same follower serves the editor's own sessions)."""
    release = asyncio.Event()

    async def decide(tool_call):
        await release.wait()  # the terminal decides first
        return "allow_once"

    started = daemon.agentctl(
        "start", "--detach", "--json", "--model", "emu-script", "--require-approval", "shell",
        'call shell {"cmd":"touch raced.marker"}\nsay ok')
    assert started.returncode == 0, started.stderr
    sid = json.loads(started.stdout)["id"]
    editor = Editor(decide)
    async with spawn(daemon, editor) as (conn, _):
        await conn.initialize(protocol_version=1)
        await asyncio.wait_for(conn.load_session(cwd=daemon.work, session_id=sid, mcp_servers=[]), TIMEOUT)
        await editor.wait_for(lambda: editor.permission_requests, "the permission request")
        call_id = editor.permission_requests[0][1].tool_call_id
        denied = daemon.agentctl("approve", "--deny", "--reason", "terminal first", sid, call_id)
        assert denied.returncode == 0, denied.stderr
        await editor.wait_for(
            lambda: any(u.status == "failed" and u.tool_call_id == call_id for u in editor.of(sid, "tool_call_update")),
            "the terminal's decision as a tool_call_update",
        )
        release.set()  # the editor's late allow changes nothing
        await editor.wait_for(lambda: editor.text(sid).endswith("ok"), "the end of the run")
        assert not os.path.exists(os.path.join(daemon.work, "raced.marker")), "the editor's late allow ran the call"
    log = daemon.agentctl("log", "--json", sid)
    resolved = [json.loads(json.loads(l)["payload"]) for l in log.stdout.splitlines() if '"approval.resolved"' in l]
    assert len(resolved) == 1 and resolved[0]["approved"] is False and resolved[0]["client"] == "agentctl", resolved


async def check_cancel_a_loaded_run(daemon):
    """session/cancel on a session the editor loaded (started from the terminal) stops it now: no sleep survives."""
    marker = "27.1828"
    started = daemon.agentctl("start", "--detach", "--json", "--model", "emu-script", f'call shell {{"cmd":"sleep {marker}"}}')
    assert started.returncode == 0, started.stderr
    sid = json.loads(started.stdout)["id"]
    editor = Editor()
    async with spawn(daemon, editor) as (conn, _):
        await conn.initialize(protocol_version=1)
        await asyncio.wait_for(conn.load_session(cwd=daemon.work, session_id=sid, mcp_servers=[]), TIMEOUT)
        await editor.wait_for(lambda: any(u.status == "in_progress" for u in editor.of(sid, "tool_call_update")), "the sleep to start")
        assert processes_with(f"sleep {marker}"), "the sleep is not running"
        await conn.cancel(session_id=sid)
        await editor.wait_for(lambda: editor.of(sid, "tool_call_update")[-1].status == "failed", "the cancelled call")
    show = json.loads(daemon.agentctl("show", "--json", sid).stdout)
    assert show["status"] == "cancelled", show["status"]
    assert not processes_with(f"sleep {marker}"), "the sleep survived the cancel"


async def check_restart_between_prompts(daemon):
    editor = Editor()
    async with spawn(daemon, editor) as (conn, _):
        sid = await open_session(conn, daemon)
        first = await asyncio.wait_for(conn.prompt(session_id=sid, prompt=prompt_blocks("say before restart")), TIMEOUT)
        assert first.stop_reason == "end_turn"
    daemon.restart()
    editor = Editor()
    async with spawn(daemon, editor) as (conn, _):
        await conn.initialize(protocol_version=1)
        await asyncio.wait_for(conn.load_session(cwd=daemon.work, session_id=sid, mcp_servers=[]), TIMEOUT)
        assert editor.text(sid) == "before restart", editor.kinds()
        second = await asyncio.wait_for(conn.prompt(session_id=sid, prompt=prompt_blocks("say after restart")), TIMEOUT)
        assert second.stop_reason == "end_turn", second
        assert editor.text(sid) == "before restartafter restart", editor.text(sid)


async def check_huge_prompt_and_stalled_reader(daemon):
    """An editor that stops reading, and a 10 MB prompt, do not hurt another session.

    The stalled editor loads a run with a large history and never reads its stdout. Another editor follows a run
    waiting on a flag file, sends a 10 MB prompt to it (more than agentd's 1 MiB control line: agentd refuses it
    and closes that control connection), and still sees the run's live end after the flag is set: agentctl acp
    reconnected and reattached."""

    def start(script):
        started = daemon.agentctl("start", "--detach", "--json", "--model", "emu-script", script)
        assert started.returncode == 0, started.stderr
        return json.loads(started.stdout)["id"]

    noisy = start('call shell {"cmd":"seq 1 300000"}\nsay ' + "many words " * 8000 + "\nsay noisy done")
    flag = os.path.join(daemon.work, "huge.flag")
    waiting = start('call shell {"cmd":"while [ ! -e huge.flag ]; do sleep 0.05; done"}\nsay after the flag')
    env = dict(os.environ, AGENTD_SOCKET=daemon.socket)
    stalled = subprocess.Popen(
        [f"{BIN}/agentctl", "acp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, cwd=daemon.work
    )
    try:
        for message in (
            {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": 1}},
            {"jsonrpc": "2.0", "id": 2, "method": "session/load", "params": {"sessionId": noisy, "cwd": daemon.work, "mcpServers": []}},
        ):
            stalled.stdin.write((json.dumps(message) + "\n").encode())
        stalled.stdin.flush()  # and its stdout is never read from here on

        editor = Editor()
        async with spawn(daemon, editor) as (conn, _):
            await conn.initialize(protocol_version=1)
            await asyncio.wait_for(conn.load_session(cwd=daemon.work, session_id=waiting, mcp_servers=[]), TIMEOUT)
            await editor.wait_for(lambda: any(u.status == "in_progress" for u in editor.of(waiting, "tool_call_update")), "the waiting call")
            try:
                await asyncio.wait_for(conn.prompt(session_id=waiting, prompt=prompt_blocks("x" * (10 << 20))), TIMEOUT)
                raise AssertionError("a 10 MB prompt was taken over a 1 MiB control line")
            except acp.RequestError as error:
                assert error.code == -32005, error
            open(flag, "w").close()
            await editor.wait_for(lambda: editor.text(waiting).endswith("after the flag"), "the live end after the refused prompt")
        status = daemon.agentctl("status")
        assert status.returncode == 0, status.stderr
        # The noisy run is never held up by its stalled follower: a terminal follows it to its end.
        followed = daemon.agentctl("attach", "--json", noisy)
        assert followed.returncode == 0, followed.stderr[-500:]
        assert json.loads(daemon.agentctl("show", "--json", noisy).stdout)["status"] == "completed"
        assert stalled.poll() is None, "the stalled editor's agentctl acp exited"
        unread = array.array("i", [0])
        fcntl.ioctl(stalled.stdout.fileno(), termios.FIONREAD, unread)
        assert unread[0] >= 60000, f"the stalled editor's pipe holds only {unread[0]} bytes: it never stalled"
    finally:
        stalled.kill()
        stalled.wait()
        if os.path.exists(flag):
            os.remove(flag)


async def main():
    daemon = Daemon()
    checks = [
        ("initialize", check_initialize),
        ("errors on the wire", check_errors_on_the_wire),
        ("two prompts, tool calls, streamed text, attach sees both turns", check_two_prompts_and_attach),
        ("cancel during a sleep", check_cancel_during_sleep),
        ("session/load while a turn runs: replay and live updates", check_load_while_running),
        ("load a terminal's run: replay, permission, live updates", check_load_a_terminal_run),
        ("cancel a loaded run during a sleep", check_cancel_a_loaded_run),
        ("session/list, resume, close", check_list_resume_close),
        ("permissions allow_once / reject_once", check_permissions),
        ("first decision wins: agentctl approve before the editor", check_first_decision_wins),
        ("10 MB prompt and an editor that stops reading", check_huge_prompt_and_stalled_reader),
        ("daemon restart between prompts", check_restart_between_prompts),
    ]
    failed = 0
    skipped = 0
    only = os.environ.get("ACP_CHECK_ONLY")
    try:
        for name, check in checks:
            if only and only not in name:
                continue
            started = time.time()
            try:
                result = check(daemon)
                if asyncio.iscoroutine(result):
                    await asyncio.wait_for(result, 3 * TIMEOUT)
                print(f"acp-check: PASS {name} ({time.time() - started:.1f} s)", file=sys.stderr)
            except NoConversations:
                # Until conversations (run/start without a prompt, run/prompt) are in agentd, session/new refuses.
                skipped += 1
                print(f"acp-check: SKIP {name}: this agentd has no conversations yet (issue 16)", file=sys.stderr)
            except Exception as error:
                failed += 1
                print(f"acp-check: FAIL {name}: {type(error).__name__}: {error}", file=sys.stderr)
    finally:
        daemon.stop()
        if failed:
            print("acp-check: agentd log tail:\n" + daemon.log_tail(), file=sys.stderr)
        shutil.rmtree(daemon.dir, ignore_errors=True)
    for violation in violations:
        print(f"acp-check: SCHEMA VIOLATION {violation}", file=sys.stderr)
    print(
        f"acp-check: {validated} messages validated against the schema, {len(violations)} violations, "
        f"{failed} checks failed, {skipped} skipped",
        file=sys.stderr,
    )
    return 1 if failed or violations else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
