import AgentModel
import Foundation
import ResponsesEmulator
import TestSupport

@testable import AgentUpstream

/// Drives one conversation over any ``ResponsesUpstream`` the way the engine does: continues with
/// `previous_response_id` while its lane can be reserved for the turn; after a failure, an `error` frame or a lane
/// that was taken over or lost its connection it releases, leases again and resends the full conversation.
struct ChainDriver: Sendable {
    /// What the scripted model is asked to do.
    enum Script: Sendable {
        /// `emu-tools-N`: N tool calls answered by the driver, then the final message (N + 1 responses).
        case tools(calls: Int)
        /// `emu-text`: `turns` user messages, each answered with "You said: …".
        case text(turns: Int)
    }

    /// What happened.
    struct Outcome: Sendable {
        /// Message text of each text turn (one entry for a tool chain: the final answer).
        var texts: [String] = []
        /// Frame types of every completed response, in order.
        var completedResponses: [[String]] = []
        /// Tool outputs sent, in call order (for the expected digest).
        var toolOutputs: [String] = []
        /// Transport failures and `error`/`failed` responses that forced a retry with full context.
        var retries = 0
        /// Requests sent with `previous_response_id`.
        var continuationRequests = 0
        /// Requests sent with the whole conversation.
        var fullContextRequests = 0
        /// Leases taken.
        var leases = 0
    }

    /// Thrown when a chain needs more retries than allowed.
    struct TooManyRetries: Error, CustomStringConvertible {
        var last: String
        var description: String { "too many retries; last: \(last)" }
    }

    let upstream: any ResponsesUpstream
    let run: RunID
    let script: Script
    var maxRetries = 60
    var responseLimit: Duration = .seconds(60)

    var model: String {
        switch script {
        case .tools(let calls): "emu-tools-\(calls)"
        case .text: "emu-text"
        }
    }

    func drive() async throws -> Outcome {
        var outcome = Outcome()
        var conversation: [JSONValue] = []
        var pending: [JSONValue] = [Self.userMessage("\(run.rawValue) turn 0")]
        var lastResponseID: String?
        var chainIntact = false
        var lane: (any UpstreamLane)?
        var textTurns = 0
        defer {
            // Only on a thrown error (the normal path releases before returning).
            if let lane { Task { await lane.release() } }
        }
        while true {
            if let current = lane, !(await current.reserve()) {
                await current.release()
                lane = nil
            }
            if lane == nil {
                lane = try await upstream.lease(for: run)
                outcome.leases += 1
                chainIntact = false
            }
            let current = lane!
            let input: [JSONValue]
            var previous: String?
            if chainIntact, let lastResponseID {
                previous = lastResponseID
                input = pending
                outcome.continuationRequests += 1
            } else {
                input = conversation + pending
                outcome.fullContextRequests += 1
            }
            let frame = try Self.createFrame(model: model, streamID: current.streamID, input: input, previous: previous)
            let frames: [String]
            let failure: (any Error)?
            do {
                (frames, failure) = try await collectUntilFailure(try await current.send(frame), limit: responseLimit)
            } catch let error as UpstreamFailure {
                (frames, failure) = ([], error)
            }
            if let failure {
                if failure is TestTimeout { throw failure }
                try retry(&outcome, "\(failure)")
                await current.release()
                lane = nil
                continue
            }
            let types = try frames.types()
            guard types.last == "response.completed", let last = frames.last, let response = try json(last)["response"]
            else {
                // An `error` frame or a failed response: the engine restarts the chain with the full conversation.
                try retry(&outcome, "\(types.last ?? "no frames"): \(frames.last ?? "")")
                chainIntact = false
                continue
            }
            outcome.completedResponses.append(types)
            let output = response["output"]?.arrayValue ?? []
            conversation += pending + output
            pending = []
            lastResponseID = response["id"]?.stringValue
            chainIntact = true
            let calls = output.filter { $0["type"]?.stringValue == "function_call" }
            if !calls.isEmpty {
                for call in calls {
                    let text = "\(run.rawValue)-step-\(outcome.toolOutputs.count)"
                    outcome.toolOutputs.append(text)
                    pending.append(
                        .object([
                            "type": "function_call_output", "call_id": call["call_id"] ?? .null,
                            "output": .string(text),
                        ]))
                }
                continue
            }
            let message = output.first { $0["type"]?.stringValue == "message" }
            outcome.texts.append(message?["content"]?.arrayValue?.first?["text"]?.stringValue ?? "")
            textTurns += 1
            if case .text(let turns) = script, textTurns < turns {
                pending = [Self.userMessage("\(run.rawValue) turn \(textTurns)")]
                continue
            }
            lane = nil
            await current.release()
            return outcome
        }
    }

    private func retry(_ outcome: inout Outcome, _ reason: String) throws {
        outcome.retries += 1
        if outcome.retries > maxRetries { throw TooManyRetries(last: reason) }
    }

    /// The final text the emulator must answer for `outcome`'s tool outputs (`emu-tools-N`).
    static func expectedToolAnswer(_ outcome: Outcome) -> String {
        "Completed \(outcome.toolOutputs.count) tool calls.\ndigest=\(EmulatorDigest.digest(toolOutputs: outcome.toolOutputs))"
    }

    static func userMessage(_ text: String) -> JSONValue {
        .object([
            "type": "message", "role": "user",
            "content": .array([.object(["type": "input_text", "text": .string(text)])]),
        ])
    }

    static func createFrame(model: String, streamID: String?, input: [JSONValue], previous: String?) throws -> String {
        var members: [String: JSONValue] = [
            "type": "response.create", "model": .string(model), "store": false, "input": .array(input),
            "tools": .array([
                .object([
                    "type": "function", "name": "shell", "description": "Run a command",
                    "parameters": .object([
                        "type": "object", "properties": .object(["cmd": .object(["type": "string"])]),
                        "required": .array(["cmd"]),
                    ]),
                ])
            ]),
        ]
        if let streamID { members["stream_id"] = .string(streamID) }
        if let previous { members["previous_response_id"] = .string(previous) }
        return try JSONCoding.encode(JSONValue.object(members))
    }
}
