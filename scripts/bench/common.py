"""Shared helpers of scripts/bench.sh and scripts/campaign.sh: the built binaries as real processes on temporary
paths, a threaded JSON-RPC client of agentd's control socket, RSS sampling and small statistics.

Standard library only (the SDK loops and the plot run in the throwaway venv; everything else runs on the system
python). Everything listens on loopback.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
API_KEY = "sk-bench-not-a-secret"


def bin_dir() -> str:
    """Where the binaries are: $AGENTD_BIN_DIR (set by the shell scripts), else the release build."""
    return os.environ.get("AGENTD_BIN_DIR") or os.path.join(ROOT, ".build-release", "release")


def binary(name: str) -> str:
    return os.path.join(bin_dir(), name)


# --- processes -----------------------------------------------------------------------------------------------------


class Emulator:
    """A `responses-emulator` process; `url` is its base URL (http://127.0.0.1:PORT/v1)."""

    def __init__(self, args: list[str] | None = None, log_path: str | None = None) -> None:
        self.args = ["--port", "0", "--log-level", "warning"] + (args or [])
        self.log = open(log_path or os.devnull, "ab")
        self.proc = subprocess.Popen([binary("responses-emulator")] + self.args, stdout=subprocess.PIPE,
                                     stderr=self.log)
        line = self.proc.stdout.readline().decode().strip()
        if not line.startswith("http://"):
            self.stop()
            raise RuntimeError(f"responses-emulator did not print its URL (got {line!r})")
        self.url = line

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://", 1)

    def recording(self) -> dict:
        import urllib.request

        base = self.url.rsplit("/v1", 1)[0]
        with urllib.request.urlopen(base + "/emulator/recording", timeout=30) as answer:
            return json.loads(answer.read())

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


DEFAULT_CONFIG = """
[upstream]
connections = {connections}
[ledger]
sync = "{sync}"
"""


class Daemon:
    """An `agentd` process on its own socket and state directory, pointed at an emulator."""

    def __init__(self, directory: str, emulator_url: str, config: str | None = None, state_dir: str | None = None,
                 connections: int = 2, sync: str = "full") -> None:
        self.directory = directory
        self.socket = os.path.join(directory, "agentd.sock")
        self.state_dir = state_dir or os.path.join(directory, "state")
        self.config_path = os.path.join(directory, "agentd.toml")
        with open(self.config_path, "w") as file:
            file.write(config if config is not None else DEFAULT_CONFIG.format(connections=connections, sync=sync))
        self.emulator_url = emulator_url
        self.log_path = os.path.join(directory, "agentd.log")
        self.proc: subprocess.Popen | None = None
        self.starts = 0
        self.start()

    def start(self, timeout: float = 30) -> float:
        """Starts agentd and returns the seconds until its socket answered `initialize`."""
        env = dict(os.environ, OPENAI_BASE_URL=self.emulator_url, OPENAI_API_KEY=API_KEY)
        env.pop("AGENTD_SOCKET", None)
        log = open(self.log_path, "ab")
        began = time.monotonic()
        self.proc = subprocess.Popen(
            [binary("agentd"), "--config", self.config_path, "--socket", self.socket, "--state-dir", self.state_dir],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=env)
        log.close()
        self.starts += 1
        deadline = began + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                with open(self.log_path, errors="replace") as file:
                    tail = " | ".join(line.strip() for line in file.read().splitlines()[-3:])
                raise RuntimeError(f"agentd exited with {self.proc.returncode} during start-up: {tail}")
            try:
                client = Client(self.socket, name="bench-probe")
                client.close()
                return time.monotonic() - began
            except (ConnectionError, FileNotFoundError, OSError):
                time.sleep(0.005)
        raise RuntimeError(f"agentd did not answer on {self.socket} within {timeout} s")

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL (a crash: nothing flushed), then reap."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)

    def stop(self) -> int | None:
        """SIGTERM and wait; returns the exit status (negative: killed by that signal)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    def rss_kib(self) -> int:
        return rss_kib(self.pid)


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as file:
        for line in file:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def temp_dir(prefix: str) -> str:
    # Short: a Unix socket path has at most 107 bytes.
    return tempfile.mkdtemp(prefix=prefix, dir="/tmp")


def remove_tree(path: str) -> None:
    shutil.rmtree(path, ignore_errors=True)


def integrity_check(ledger: str) -> str:
    out = subprocess.run(["sqlite3", ledger, "PRAGMA integrity_check;"], capture_output=True, text=True, timeout=300)
    return (out.stdout + out.stderr).strip()


# --- control-socket client -----------------------------------------------------------------------------------------


class RPCError(Exception):
    def __init__(self, method: str, error: dict) -> None:
        super().__init__(f"{method}: {error.get('message')} ({error.get('code')})")
        self.code = error.get("code")
        self.error = error


class Client:
    """JSON-RPC 2.0 over agentd's Unix socket, one object per line; a reader thread routes responses to callers
    and notifications to subscription queues (thread-safe: many threads may call at once)."""

    def __init__(self, path: str, name: str = "agentd-bench", timeout: float = 10) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.sock.settimeout(None)
        self.reader = self.sock.makefile("rb")
        self.lock = threading.Lock()
        self.next_id = 1
        self.pending: dict[int, list] = {}
        self.subscriptions: dict[str, queue.Queue] = {}
        self.early: dict[str, list] = {}
        self.closed = False
        self.received = 0  # lines read, answers to raw (fuzzed) frames included
        self.thread = threading.Thread(target=self._read_loop, daemon=True)
        self.thread.start()
        self.call("initialize", {"protocol_version": "1.0", "client": {"name": name, "version": "1"}}, timeout=timeout)

    def _read_loop(self) -> None:
        try:
            for raw in self.reader:
                self.received += 1
                message = json.loads(raw)
                if not isinstance(message, dict):
                    continue
                if "method" in message:
                    params = message.get("params") or {}
                    sub = params.get("subscription_id")
                    with self.lock:
                        target = self.subscriptions.get(sub)
                        if target is None:
                            self.early.setdefault(sub, []).append(message)
                    if target is not None:
                        target.put(message)
                    continue
                request_id = message.get("id")
                if not isinstance(request_id, int):
                    continue  # answers to frames sent raw (fuzzing) carry ids this client never used
                with self.lock:
                    slot = self.pending.pop(request_id, None)
                if slot is not None:
                    slot[1] = message
                    slot[0].set()
        except (OSError, ValueError):
            pass
        finally:
            self.closed = True
            with self.lock:
                slots = list(self.pending.values())
                self.pending.clear()
                queues = list(self.subscriptions.values())
            for slot in slots:
                slot[0].set()
            for target in queues:
                target.put(None)

    def call(self, method: str, params: dict, timeout: float = 120) -> dict:
        event = threading.Event()
        with self.lock:
            if self.closed:
                raise ConnectionError("agentd closed the connection")
            request_id = self.next_id
            self.next_id += 1
            slot = [event, None]
            self.pending[request_id] = slot
        line = json.dumps({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
        self.sock.sendall(line.encode() + b"\n")
        if not event.wait(timeout):
            raise TimeoutError(f"{method}: no answer within {timeout} s")
        message = slot[1]
        if message is None:
            raise ConnectionError(f"{method}: agentd closed the connection")
        if "error" in message:
            raise RPCError(method, message["error"])
        return message["result"]

    def attach(self, run_id: str, from_seq: int = 0) -> "Subscription":
        target: queue.Queue = queue.Queue()
        result = self.call("run/attach", {"run_id": run_id, "from_seq": from_seq})
        sub = result["subscription_id"]
        with self.lock:
            self.subscriptions[sub] = target
            for message in self.early.pop(sub, []):
                target.put(message)
            if self.closed:
                target.put(None)
        return Subscription(self, sub, target)

    def close(self) -> None:
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


@dataclass
class Subscription:
    client: Client
    id: str
    queue: queue.Queue
    events: list = field(default_factory=list)
    end: dict | None = None

    def follow(self, timeout: float = 300, on_event: Callable[[dict], None] | None = None) -> dict | None:
        """Collects `run/event`s until `run/attach_ended` (returned) or the connection closed (None)."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"subscription {self.id}: no end within {timeout} s")
            try:
                message = self.queue.get(timeout=remaining)
            except queue.Empty:
                continue
            if message is None:
                return None
            if message["method"] == "run/event":
                event = message["params"]["event"]
                self.events.append(event)
                if on_event is not None:
                    on_event(event)
            elif message["method"] == "run/attach_ended":
                self.end = message["params"]
                return self.end


# --- the emu-tools / emu-journal scenario ------------------------------------------------------------------------


def step_line(k: int) -> str:
    return f"step-{k} {k * 7 + 3}"


def expected_digest(calls: int) -> str:
    """The digest `emu-tools-N` reports when every call printed its step line (see ToolLoopModel.digest)."""
    return hashlib.sha256("".join(step_line(k) + "\n\n" for k in range(calls)).encode()).hexdigest()


def step_of(arguments: str) -> int | None:
    marker = arguments.find("step-")
    if marker < 0:
        return None
    digits = ""
    for char in arguments[marker + 5:]:
        if not char.isdigit():
            break
        digits += char
    return int(digits) if digits else None


# --- statistics ----------------------------------------------------------------------------------------------------


def quantile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def fmt(value: float, digits: int = 2) -> str:
    if value != value:  # NaN
        return "n/a"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"
