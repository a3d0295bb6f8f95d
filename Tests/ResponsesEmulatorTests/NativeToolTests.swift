import Foundation
import Testing

@testable import ResponsesEmulator

/// The built-in tool types: `emu-native-shell-N` and `emu-native-patch` emit `shell_call` and `apply_patch_call`
/// items, and a call is answered only by the output item of its own type.
@Suite("built-in tool items")
struct NativeToolTests {
    static func item(_ members: [(String, JSONValue)]) -> JSONValue { .object(members) }

    static func shellOutput(callID: String, stdout: String) -> JSONValue {
        let entry = item([
            ("stdout", .string(stdout)), ("stderr", .string("")),
            ("outcome", item([("type", .string("exit")), ("exit_code", .int(0))])),
        ])
        return item([("type", .string("shell_call_output")), ("call_id", .string(callID)), ("output", .array([entry]))])
    }

    static func patchOutput(callID: String, status: String) -> JSONValue {
        item([
            ("type", .string("apply_patch_call_output")), ("call_id", .string(callID)), ("status", .string(status)),
            ("output", .string("")),
        ])
    }

    @Test("a call is answered only by the output type of its own type")
    func pairingByType() {
        let shell = Self.item([("type", .string("shell_call")), ("call_id", .string("call_s"))])
        let patch = Self.item([("type", .string("apply_patch_call")), ("call_id", .string("call_p"))])
        #expect(RequestValidator.checkToolPairing(history: [shell], input: [Self.shellOutput(callID: "call_s", stdout: "")]) == nil)
        #expect(
            RequestValidator.checkToolPairing(history: [shell], input: [toolOutput(callID: "call_s", output: "x")])
                == .wrongToolOutputType(callID: "call_s", got: "function_call_output", expected: "shell_call_output"))
        #expect(
            RequestValidator.checkToolPairing(history: [patch], input: [Self.shellOutput(callID: "call_p", stdout: "")])
                == .wrongToolOutputType(callID: "call_p", got: "shell_call_output", expected: "apply_patch_call_output"))
        #expect(
            RequestValidator.checkToolPairing(history: [patch], input: []) == .noToolOutput(callID: "call_p"))
    }

    @Test("emu-native-patch: create, update, a hunk that does not match, its correction, cat, digest")
    func patchScript() throws {
        let model = NativePatchModel()
        var conversation: [JSONValue] = [Self.item([("type", .string("message")), ("role", .string("user"))])]
        let statuses = ["completed", "completed", "failed", "completed"]
        for (step, status) in statuses.enumerated() {
            guard case .items(let items) = model.plan(conversation: conversation),
                case .applyPatchCall(let operation) = items.last
            else { throw Failure("step \(step): no apply_patch_call") }
            #expect(operation["path"] == .string("notes.txt"))
            #expect(operation["type"] == .string(step == 0 ? "create_file" : "update_file"))
            conversation.append(Self.patchOutput(callID: "c\(step)", status: status))
        }
        #expect(model.plan(conversation: conversation) == .items([.shellCall(commands: ["cat notes.txt"])]))
        conversation.append(Self.shellOutput(callID: "c4", stdout: "alpha\nBETA\nGAMMA\n"))
        let digest = HexSHA256.of("completed\ncompleted\nfailed\ncompleted\nalpha\nBETA\nGAMMA\n\n")
        #expect(model.plan(conversation: conversation) == .items([.message(text: "Patched notes.txt.\ndigest=\(digest)")]))
    }

    @Test("emu-native-shell-2 over WebSocket: shell_call items, command events, the emu-tools-2 digest")
    func shellChain() async throws {
        try await withEmulator { emulator, url in
            try await withSocket(url) { socket in
                var previous: String? = nil
                var input: JSONValue = .string("go")
                for step in 0..<2 {
                    try await socket.send(createFrame(model: "emu-native-shell-2", input: input, previousResponseID: previous, store: false))
                    let frames = try await socket.readResponse()
                    let done = frames.frames(ofType: "response.output_item.done").compactMap { $0["item"] }
                    let call = try #require(done.last)
                    #expect(call["type"] == .string("shell_call"))
                    let command = "echo step-\(step) $((\(step) * 7 + 3))"
                    #expect(call["action"]?["commands"] == .array([.string(command)]))
                    #expect(frames.joinedDeltas("response.shell_call_command.delta") == command)
                    #expect(frames.sequenceNumbers == Array(0..<frames.count))
                    previous = frames.finalResponse?["id"]?.stringValue
                    let callID = try #require(call["call_id"]?.stringValue)
                    input = .array([Self.shellOutput(callID: callID, stdout: "step-\(step) \(step * 7 + 3)\n")])
                }
                try await socket.send(createFrame(model: "emu-native-shell-2", input: input, previousResponseID: previous, store: false))
                let frames = try await socket.readResponse()
                let text = frames.frames(ofType: "response.output_text.done").first?["text"]?.stringValue
                #expect(text == "Completed 2 tool calls.\ndigest=\(HexSHA256.of("step-0 3\n\nstep-1 10\n\n"))")
            }
            #expect(emulator.recorder.violations() == [])
        }
    }

    @Test("a function_call_output answering a shell_call is refused")
    func functionOutputForAShellCall() async throws {
        try await withEmulator { emulator, url in
            try await withSocket(url) { socket in
                try await socket.send(createFrame(model: "emu-native-shell-1", input: .string("go"), store: false))
                let frames = try await socket.readResponse()
                let call = try #require(frames.frames(ofType: "response.output_item.done").last?["item"])
                let callID = try #require(call["call_id"]?.stringValue)
                try await socket.send(
                    createFrame(
                        model: "emu-native-shell-1", input: .array([toolOutput(callID: callID, output: "x")]),
                        previousResponseID: frames.finalResponse?["id"]?.stringValue, store: false))
                let answer = try await socket.readResponse()
                #expect(answer.types == ["error"])
                #expect(answer.first?["error"]?["message"]?.stringValue?.contains("shell_call_output") == true)
            }
            #expect(emulator.recorder.violations().count == 1)
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
