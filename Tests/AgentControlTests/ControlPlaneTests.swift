import AgentClient
import AgentControl
import AgentModel
import AgentProtocol
import Foundation
import Testing

import Glibc

@Suite("Control plane: input, cancel, resume, approvals")
struct ControlPlaneTests {
    let run = RunID(rawValue: "run_a")

    @Test func approvalsAreListedAndTheFirstDecisionWinsWithWhoMadeIt() async throws {
        try await TestServer.with { server in
            let run = self.run
            server.backend.addRun(run)
            server.backend.addApproval(run, callID: "c1", arguments: #"{"cmd":"ls"}"#)
            let alice = try await server.client(name: "alice-editor")
            let listed = try await alice.call(ApprovalList.self, ApprovalList.Params(runID: run))
            #expect(
                listed.approvals == [
                    ApprovalInfo(runID: run, callID: "c1", name: "shell", arguments: #"{"cmd":"ls"}"#, reason: "policy")
                ])

            let first = try await alice.call(
                ApprovalResolve.self, ApprovalResolve.Params(runID: run, callID: "c1", approve: true, reason: "ok"))
            #expect(first == ApprovalResolve.Result(outcome: .resolved, approved: true))
            let bob = try await server.client(name: "bob-cli")
            let second = try await bob.call(
                ApprovalResolve.self, ApprovalResolve.Params(runID: run, callID: "c1", approve: false))
            #expect(second == ApprovalResolve.Result(outcome: .alreadyResolved, approved: true))
            #expect(
                server.backend.decisions == [
                    FakeBackend.Decision(
                        runID: run, callID: "c1", approved: true, reason: "ok", clientName: "alice-editor",
                        uid: UInt32(getuid()))
                ])
            await alice.close()
            await bob.close()
        }
    }

    @Test func resolvingAnUnknownCallIsApprovalNotFound() async throws {
        try await TestServer.with { server in
            let run = self.run
            server.backend.addRun(run)
            let client = try await server.client()
            let error = await #expect(throws: ControlError.self) {
                try await client.call(
                    ApprovalResolve.self, ApprovalResolve.Params(runID: run, callID: "nope", approve: true))
            }
            #expect(error?.code == .approvalNotFound)
            #expect(error?.data?["call_id"] == .string("nope"))
            let missingRun = await #expect(throws: ControlError.self) {
                try await client.call(ApprovalList.self, ApprovalList.Params(runID: RunID(rawValue: "run_zz")))
            }
            #expect(missingRun?.code == .runNotFound)
            await client.close()
        }
    }

    @Test func inputGetsAnIDAndARepeatedIDIsNotAppliedTwice() async throws {
        try await TestServer.with { server in
            let run = self.run
            server.backend.addRun(run)
            let client = try await server.client()
            let generated = try await client.call(RunInput.self, RunInput.Params(runID: run, text: "first"))
            #expect(generated.applied)
            #expect(generated.inputID.hasPrefix("in_"))
            let named = try await client.call(RunInput.self, RunInput.Params(runID: run, text: "second", inputID: "i1"))
            let repeated = try await client.call(
                RunInput.self, RunInput.Params(runID: run, text: "second", inputID: "i1"))
            #expect(named.applied && !repeated.applied)
            let keyed = try await client.call(
                RunInput.self, RunInput.Params(runID: run, text: "third", requestID: "k1"))
            #expect(keyed.inputID == "req_k1")
            #expect(server.backend.inputs(of: run) == ["first", "second", "third"])
            let empty = await #expect(throws: ControlError.self) {
                try await client.call(RunInput.self, RunInput.Params(runID: run, text: ""))
            }
            #expect(empty?.code == .invalidParams)
            #expect(empty?.data?["field"] == .string("text"))
            await client.close()
        }
    }

    @Test func cancelDefaultsToNowWithTheClientAsReasonAndAnEndedRunRefuses() async throws {
        try await TestServer.with { server in
            let run = self.run
            server.backend.addRun(run)
            let client = try await server.client(name: "agentctl")
            let cancelled = try await client.call(RunCancel.self, RunCancel.Params(runID: run))
            #expect(cancelled.run.status == .cancelled)
            #expect(
                server.backend.cancellations == [
                    FakeBackend.Cancellation(runID: run, mode: .now, reason: "cancelled by agentctl (uid \(getuid()))")
                ])
            let again = await #expect(throws: ControlError.self) {
                try await client.call(RunCancel.self, RunCancel.Params(runID: run, mode: .afterTool))
            }
            #expect(again?.code == .invalidParams)
            let malformed = await #expect(throws: ControlError.self) {
                try await client.call(RunCancel.self, RunCancel.Params(runID: RunID(rawValue: "not-a-run")))
            }
            #expect(malformed?.data?["field"] == .string("run_id"))
            await client.close()
        }
    }

    @Test func anUnknownCancelModeIsInvalidParams() async throws {
        try await TestServer.with { server in
            server.backend.addRun(self.run)
            let raw = try await server.rawClient()
            try raw.send(
                #"{"jsonrpc":"2.0","id":1,"method":"run/cancel","params":{"run_id":"run_a","mode":"later"}}"#)
            let answer = try #require(try await raw.readJSON())
            #expect(answer["error"]?["code"] == .number(-32602))
            #expect(answer["error"]?["data"]?["field"] == .string("mode"))
        }
    }

    @Test func resumeContinuesAnInterruptedRun() async throws {
        try await TestServer.with { server in
            let run = self.run
            server.backend.addRun(run)
            server.backend.setStatus(run, .interrupted)
            let client = try await server.client()
            let resumed = try await client.call(RunResume.self, RunResume.Params(runID: run))
            #expect(resumed.run.status == .running)
            await client.close()
        }
    }

    @Test func theRegistryAnnouncesTheNewMethods() async throws {
        try await TestServer.with { server in
            let client = try await ControlClient.connect(socketPath: server.socketPath)
            let hello = try await client.initialize(clientName: "t", version: "1")
            for name in [RunInput.name, RunCancel.name, RunResume.name, ApprovalList.name, ApprovalResolve.name] {
                #expect(hello.capabilities.contains(name))
            }
            await client.close()
        }
    }
}
