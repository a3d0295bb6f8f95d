"""Drives `emu-journal-N` runs through faults and checks them afterwards (scripts/campaign.sh).

`emu-journal-N` makes N shell calls `echo step-k $((k*7+3)) | tee -a journal.log` in the run's directory. After the
run, each step's line must be in journal.log exactly once. A call that started before a crash and did not finish is
reported `uncertain` and waits for a decision; the driver decides as a person would, by looking at the journal:
the line is there → deny (it ran), else approve. Every event a client received before a fault must be in the ledger
afterwards, byte for byte (an acknowledged event is never lost).
"""

from __future__ import annotations

import json
import os
import queue
import threading
import time
from dataclasses import dataclass, field

import common


@dataclass
class JournalRun:
    cwd: str
    calls: int
    id: str = ""
    seen: dict = field(default_factory=dict)  # seq → event received by a client (acknowledged)
    decided: dict = field(default_factory=dict)  # call_id → approved (the last decision)
    handled: set = field(default_factory=set)  # seqs of the approval.requested events decided
    unexpected: list = field(default_factory=list)  # approvals asked for another reason than `uncertain`
    uncertain: int = 0
    kills: list = field(default_factory=list)  # seq after which the daemon was killed
    outcome: str = ""
    killed_by_poller: bool = False
    last_end: str | None = None
    poll_stop: threading.Event = field(default_factory=threading.Event)

    @property
    def model(self) -> str:
        return f"emu-journal-{self.calls}"

    def start(self, client: common.Client) -> str:
        os.makedirs(self.cwd, exist_ok=True)
        run = client.call("run/start", {"prompt": "journal", "model": self.model, "cwd": self.cwd})["run"]
        self.id = run["id"]
        return self.id

    def journal_lines(self) -> list[str]:
        try:
            with open(os.path.join(self.cwd, "journal.log")) as file:
                return file.read().splitlines()
        except FileNotFoundError:
            return []

    def follow(self, daemon: common.Daemon, kill_at_seq: int | None = None, timeout: float = 120,
               kill_delay: float = 0.0, kill_on_type: str | None = None, kill_at_lines: int | None = None) -> str:
        """Attaches from seq 0 and follows the run, deciding uncertain calls from the journal.

        Returns `ended` (the run reached a terminal state and every event was delivered), `killed` (the daemon was
        SIGKILLed after the client received an event with seq ≥ `kill_at_seq` (and of type `kill_on_type` when
        given), then `kill_delay` seconds later; or, with `kill_at_lines`, the moment journal.log has that many
        lines)
        or `disconnected` (the daemon closed the connection: it stopped or crashed).
        """
        client = common.Client(daemon.socket, name="campaign")
        poller = None
        if kill_at_lines is not None:
            poller = threading.Thread(target=self._kill_when_journal_has, args=(daemon, kill_at_lines), daemon=True)
            self.poll_stop.clear()
            poller.start()
        try:
            try:
                subscription = client.attach(self.id, 0)
            except (ConnectionError, OSError):
                if poller is not None:
                    poller.join(2)  # a kill in progress finishes; otherwise the close was not ours
                    self.poll_stop.set()
                if self.killed_by_poller:
                    return "killed"
                if not daemon.alive():
                    return "disconnected"
                raise
            deadline = time.monotonic() + timeout
            while True:
                try:
                    message = subscription.queue.get(timeout=max(0.01, deadline - time.monotonic()))
                except queue.Empty:
                    raise TimeoutError(f"run {self.id}: not ended within {timeout} s") from None
                if message is None:
                    if poller is not None:
                        poller.join(2)  # a kill in progress finishes; otherwise the close was not ours
                        self.poll_stop.set()
                    return "killed" if self.killed_by_poller else "disconnected"
                if message["method"] == "run/attach_ended":
                    subscription.end = message["params"]
                    self.last_end = message["params"].get("reason")
                    return "ended" if message["params"].get("reason") == "run_ended" else "disconnected"
                event = message["params"]["event"]
                self.seen[event["seq"]] = event
                if event["type"] == "approval.requested" and event["seq"] not in self.handled:
                    # Per request, not per call: an approved call killed again before it finished is uncertain again.
                    # Marked handled only once the daemon answered: a kill can cut the answer off.
                    self.decide(client, json.loads(event["payload"]))
                    self.handled.add(event["seq"])
                if kill_at_seq is not None and event["seq"] >= kill_at_seq and (
                        kill_on_type is None or event["type"] == kill_on_type):
                    if kill_delay:
                        time.sleep(kill_delay)
                    daemon.kill()
                    self.kills.append(event["seq"])
                    return "killed"
                if time.monotonic() > deadline:
                    raise TimeoutError(f"run {self.id}: not ended within {timeout} s")
        finally:
            self.poll_stop.set()
            client.close()

    def _kill_when_journal_has(self, daemon: common.Daemon, lines: int) -> None:
        """Busy-polls journal.log and SIGKILLs the daemon the moment it holds `lines` lines: the tool has had its
        effect, and its `tool.finished` may or may not be committed (the window exactly-once is about)."""
        self.killed_by_poller = False
        path = os.path.join(self.cwd, "journal.log")
        while not self.poll_stop.is_set():
            try:
                with open(path, "rb") as file:
                    count = file.read().count(b"\n")
            except FileNotFoundError:
                count = 0
            if count >= lines:
                daemon.kill()
                self.killed_by_poller = True
                self.kills.append(f"journal line {lines}")
                return
            time.sleep(0.0001)

    def decide(self, client: common.Client, request: dict) -> None:
        call_id = request["call_id"]
        if request.get("reason") != "uncertain":
            # Not part of the scenario: reported by check(), and approved so the run can go on.
            self.unexpected.append(f"approval requested with reason {request.get('reason')!r} for {call_id}")
            client.call("approval/resolve", {"run_id": self.id, "call_id": call_id, "approve": True})
            return
        step = common.step_of(request.get("arguments", ""))
        already_ran = step is not None and common.step_line(step) in self.journal_lines()
        try:
            result = client.call("approval/resolve", {"run_id": self.id, "call_id": call_id,
                                                      "approve": not already_ran,
                                                      "reason": "campaign: decided from journal.log"})
        except common.RPCError as error:
            if error.code != -32008:
                raise
            # Not waiting any more: this request was decided before a kill cut the answer off (the ledger holds
            # the decision and check() verifies the journal), so a re-attach must not ask again forever.
            return
        self.decided[call_id] = result.get("approved", not already_ran)
        if result.get("outcome") == "resolved":
            self.uncertain += 1

    def check(self, daemon: common.Daemon) -> list[str]:
        """Everything that went wrong with this run, as precise sentences (empty: none)."""
        problems = []
        client = common.Client(daemon.socket, name="campaign-check")
        try:
            final = client.call("run/get", {"run_id": self.id})["run"]
            subscription = client.attach(self.id, 0)
            try:
                end = subscription.follow(timeout=60)
            except TimeoutError:
                end = {"reason": f"none within 60 s (status {final['status']}, waiting approvals "
                                 f"{client.call('approval/list', {'run_id': self.id})['approvals']})"}
        finally:
            client.close()
        if final["status"] != "completed":
            problems.append(f"run {self.id} ended {final['status']}: {final.get('end_reason')}")
        if end is None or end.get("reason") != "run_ended":
            problems.append(f"run {self.id}: final attach ended with {end}")
        ledger = {event["seq"]: event for event in subscription.events}
        seqs = sorted(ledger)
        if seqs != list(range(len(seqs))):
            problems.append(f"run {self.id}: ledger seqs have gaps or duplicates ({len(seqs)} events)")
        lost = [seq for seq, event in self.seen.items() if ledger.get(seq) != event]
        if lost:
            problems.append(f"run {self.id}: {len(lost)} acknowledged events lost or changed, first seq {lost[0]} "
                            f"(seen {json.dumps(self.seen[lost[0]])[:200]}, ledger "
                            f"{json.dumps(ledger.get(lost[0]))[:200]})")
        problems += [f"run {self.id}: {u}" for u in self.unexpected]
        lines = self.journal_lines()
        counts = {k: lines.count(common.step_line(k)) for k in range(self.calls)}
        for k, count in counts.items():
            if count > 1:
                problems.append(f"run {self.id}: step {k} ran {count} times (duplicated tool execution; kills "
                                f"after {self.kills})")
        missing = [k for k, count in counts.items() if count == 0]
        if missing:
            problems.append(f"run {self.id}: {len(missing)} steps never ran (missing from journal.log), first "
                            f"step {missing[0]}")
        extra = [line for line in lines if line not in {common.step_line(k) for k in range(self.calls)}]
        if extra:
            problems.append(f"run {self.id}: unexpected journal lines {extra[:3]}")
        # Denials as recorded in the ledger (a kill may have cut off the daemon's answer to our decision).
        denied = [e for e in ledger.values() if e["type"] == "approval.resolved"
                  and json.loads(e["payload"]).get("approved") is False]
        if final["status"] == "completed" and not denied:
            digest = common.expected_digest(self.calls)
            if f"digest={digest}" not in final.get("output_text", ""):
                problems.append(f"run {self.id}: answer {final.get('output_text', '')[:120]!r} lacks digest={digest}")
        return problems
