"""Fuzzed control frames against agentd's Unix socket (scripts/campaign.sh, section `fuzz`).

Frames are drawn from a seeded generator: random bytes (often invalid UTF-8), truncated and nested JSON, JSON that is
not an object, JSON-RPC envelopes with wrong versions, ids and params, unknown methods, every known method with
random params (never a valid `run/start`: the fuzzer must not start work), blank lines, and a few oversized lines
(1–4× the default 1 MiB limit: documented to get -32005 and a closed connection; the fuzzer checks the close
and reconnects). Every `sentinel_every` frames a well-formed
`daemon/status` request must be answered. The daemon must stay up and its RSS bounded.
"""

from __future__ import annotations

import json
import random
import threading
import time

import common

METHODS = ["initialize", "run/start", "run/get", "run/list", "run/attach", "run/detach", "run/input", "run/cancel",
           "run/resume", "approval/list", "approval/resolve", "tool/output", "daemon/status", "daemon/metrics", "nope", "", "run/",
           "RUN/GET", "run/get\u0000", "ü/ß"]
LINE_LIMIT = 1 << 20  # the default control.max_line_bytes
KEYS = ["run_id", "from_seq", "from_end", "last", "limit", "cursor", "subscription_id", "text", "input_id", "mode",
        "reason", "call_id", "approve", "request_id", "prompt", "model", "cwd", "tools", "protocol_version", "client",
        "stream", "offset"]


def random_value(rng: random.Random, depth: int = 0):
    kind = rng.randrange(9 if depth < 3 else 6)
    if kind == 0:
        return None
    if kind == 1:
        return rng.choice([True, False])
    if kind == 2:
        return rng.choice([0, -1, 1, 2 ** 31, 2 ** 63, -2 ** 63, 10 ** 30, rng.randrange(-1000, 1000)])
    if kind == 3:
        return rng.choice([0.5, -0.0, 1e308, 3.14])
    if kind == 4:
        return "".join(chr(rng.randrange(1, 0x3000)) for _ in range(rng.randrange(0, 24)))
    if kind == 5:
        return rng.choice(["run_", "run_0000", "sub_1", "", "now", "after_tool", "\\", "\"", "\n"])
    if kind in (6, 7):
        return {rng.choice(KEYS): random_value(rng, depth + 1) for _ in range(rng.randrange(0, 5))}
    return [random_value(rng, depth + 1) for _ in range(rng.randrange(0, 5))]


def frame(rng: random.Random) -> bytes:
    kind = rng.randrange(12)
    if kind == 0:  # random bytes without a newline
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200))).replace(b"\n", b" ")
    if kind == 1:  # truncated JSON
        text = json.dumps({"jsonrpc": "2.0", "id": rng.randrange(10 ** 9, 10 ** 10), "method": rng.choice(METHODS),
                           "params": random_value(rng)})
        return text[: rng.randrange(1, max(2, len(text)))].encode()
    if kind == 2:  # JSON that is not an object
        return json.dumps(random_value(rng)).encode()
    if kind == 3:  # blank or whitespace
        return rng.choice([b"", b" ", b"\r", b"\t\t"])
    if kind == 4:  # deep nesting
        depth = rng.randrange(1, 3000)
        return b"[" * depth + b"]" * rng.choice([depth, depth - 1, 0])
    envelope: dict = {"jsonrpc": rng.choice(["2.0", "2.0", "2.0", "1.0", 2, None]), "method": rng.choice(METHODS)}
    id_kind = rng.randrange(6)
    if id_kind < 3:
        envelope["id"] = rng.randrange(10 ** 9, 10 ** 12)
    elif id_kind == 3:
        envelope["id"] = "fz-" + str(rng.randrange(10 ** 6))
    elif id_kind == 4:
        envelope["id"] = random_value(rng)
    params = random_value(rng) if rng.random() < 0.3 else {k: random_value(rng) for k in rng.sample(KEYS, 3)}
    if envelope["method"] == "run/start" and isinstance(params, dict):
        params["prompt"] = 12345  # never a valid start
    if rng.random() < 0.9:
        envelope["params"] = params
    if rng.random() < 0.1:
        envelope[rng.choice(["extra", "result", "error"])] = random_value(rng)
    return json.dumps(envelope).encode()


def status_with_backoff(client, attempts: int = 8) -> dict:
    """`daemon/status`, retried as the overload error (-32004, too many requests in flight on the connection:
    the fuzzer pipelines without waiting) asks: later, with backoff. Any other error, or overload that never
    clears, is a failure."""
    for attempt in range(attempts):
        try:
            return client.call("daemon/status", {}, timeout=15)
        except common.RPCError as error:
            if error.code != -32004 or attempt == attempts - 1:
                raise
            time.sleep(0.01 * 2 ** attempt)
    raise AssertionError("unreachable")


def fuzz(socket_path: str, frames: int, seed: int, connections: int = 4, sentinel_every: int = 500,
         oversized: int = 4) -> dict:
    """Sends `frames` fuzzed frames over `connections` connections; returns counts and problems."""
    per_connection = frames // connections
    results = [{"sent": 0, "sentinels": 0, "unanswered": [], "reconnects": 0, "answers": 0, "not_refused": []}
               for _ in range(connections)]

    def worker(index: int) -> None:
        rng = random.Random(seed * 1000 + index)
        stats = results[index]
        big_at = set(rng.sample(range(per_connection), min(oversized, per_connection)))
        client = common.Client(socket_path, name=f"fuzz-{index}")
        for n in range(per_connection):
            big = rng.randint(LINE_LIMIT + 1, 4 * LINE_LIMIT) if n in big_at else 0
            data = b"x" * big if big else frame(rng)
            try:
                client.sock.sendall(data + b"\n")
            except OSError:
                pass
            stats["sent"] += 1
            if big:  # documented: one -32005 line, then the daemon closes the connection
                client.thread.join(5)
                if client.thread.is_alive():
                    stats["not_refused"].append(f"a {big:,}-byte line (limit {LINE_LIMIT:,}) on connection {index} "
                                                f"(frame {n}) was not refused: the connection stayed open")
                stats["answers"] += client.received
                client.close()
                client = common.Client(socket_path, name=f"fuzz-{index}")
                stats["reconnects"] += 1
            if (n + 1) % sentinel_every == 0 or n + 1 == per_connection:
                try:
                    status_with_backoff(client)
                    stats["sentinels"] += 1
                except Exception as error:  # noqa: BLE001 — every failure is reported
                    stats["unanswered"].append(f"frame {n} on connection {index}: {error}")
                    stats["answers"] += client.received
                    client.close()
                    client = common.Client(socket_path, name=f"fuzz-{index}")
                    stats["reconnects"] += 1
        stats["answers"] += client.received
        client.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "sent": sum(r["sent"] for r in results),
        "sentinels": sum(r["sentinels"] for r in results),
        "unanswered": [u for r in results for u in r["unanswered"]],
        "reconnects": sum(r["reconnects"] for r in results),
        "answers": sum(r["answers"] for r in results),
        "not_refused": [u for r in results for u in r["not_refused"]],
        "seconds": time.monotonic() - began,
    }


def boundary(socket_path: str) -> list[str]:
    """Lines just over the limit (limit + 1 byte, limit + 64 KiB) must be refused like any longer line."""
    problems = []
    for size in (LINE_LIMIT + 1, LINE_LIMIT + 65536):
        client = common.Client(socket_path, name="fuzz-boundary")
        try:
            client.sock.sendall(b"x" * size + b"\n")
        except OSError:
            pass
        client.thread.join(5)
        if client.thread.is_alive():
            problems.append(f"a {size:,}-byte line (limit {LINE_LIMIT:,}) was not refused with -32005: the "
                            f"connection stayed open ({client.received - 1} answer line(s), e.g. -32700)")
        client.close()
    return problems
