#!/usr/bin/env python3
"""How an editor talks to agentd: initialize, start a run, attach, approve tool calls, print the answer.

Standard library only. Usage:
    python3 docs/example_client.py [--socket PATH] [--model emu-tools-3] [--approve] "prompt"
With --approve the run is started with require_approval=["shell"] and every call is approved as it comes.
"""
import argparse
import json
import os
import socket
import sys


class AgentdClient:
    """JSON-RPC 2.0 over agentd's Unix socket, one JSON object per line."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.reader = self.sock.makefile("r", encoding="utf-8")
        self.next_id = 1
        self.notifications = []  # notifications that arrived while waiting for a response

    def send(self, method, params):
        request_id = self.next_id
        self.next_id += 1
        line = json.dumps({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
        self.sock.sendall(line.encode() + b"\n")
        return request_id

    def read(self):
        line = self.reader.readline()
        if not line:
            raise ConnectionError("agentd closed the connection")
        return json.loads(line)

    def call(self, method, params):
        request_id = self.send(method, params)
        while True:
            message = self.read()
            if message.get("id") == request_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']['message']} ({message['error']['code']})")
                return message["result"]
            if "method" in message:
                self.notifications.append(message)

    def events(self):
        """Notifications: first those that arrived during calls, then new ones."""
        while self.notifications:
            yield self.notifications.pop(0)
        while True:
            message = self.read()
            if "method" in message:
                yield message


def default_socket():
    if os.environ.get("AGENTD_SOCKET"):
        return os.environ["AGENTD_SOCKET"]
    if os.environ.get("XDG_RUNTIME_DIR"):
        return os.path.join(os.environ["XDG_RUNTIME_DIR"], "agentd", "agentd.sock")
    return f"/tmp/agentd-{os.getuid()}/agentd.sock"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--socket", default=default_socket())
    parser.add_argument("--model")
    parser.add_argument("--approve", action="store_true")
    parser.add_argument("prompt")
    args = parser.parse_args()

    client = AgentdClient(args.socket)
    hello = client.call("initialize", {"protocol_version": "1.0", "client": {"name": "example-editor", "version": "0.1"}})
    print(f"connected to agentd {hello['daemon']['version']}", file=sys.stderr)

    params = {"prompt": args.prompt, "cwd": os.getcwd()}
    if args.model:
        params["model"] = args.model
    if args.approve:
        params["require_approval"] = ["shell"]
    run = client.call("run/start", params)["run"]
    attached = client.call("run/attach", {"run_id": run["id"], "from_seq": 0})
    subscription = attached["subscription_id"]

    for note in client.events():
        if note["method"] == "run/attach_ended":
            print(f"\n(attach ended: {note['params']['reason']})", file=sys.stderr)
            break
        event = note["params"]["event"]
        payload = json.loads(event["payload"])
        if event["type"] == "response.output_text.delta":
            print(payload.get("delta", ""), end="", flush=True)
        elif event["type"] == "tool.finished":
            print(f"\n[tool {payload['call_id']}] exit {payload.get('exit_code')}", file=sys.stderr)
        elif event["type"] == "approval.requested":
            print(f"\n[approval] {payload['name']} {payload['arguments']}", file=sys.stderr)
            decision = client.call("approval/resolve", {"run_id": run["id"], "call_id": payload["call_id"], "approve": True})
            print(f"[approval] {decision['outcome']}", file=sys.stderr)

    final = client.call("run/get", {"run_id": run["id"]})["run"]
    print(f"\nrun {final['id']}: {final['status']}", file=sys.stderr)
    return 0 if final["status"] == "completed" else 1


if __name__ == "__main__":
    sys.exit(main())
