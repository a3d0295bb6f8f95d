/// `emu-hostile-…`: models that misbehave on purpose, for red-team tests of a client (issue 14).
///
/// Calls (valid protocol: every event passes the SDK's models; the calls are what is hostile):
/// - `emu-hostile-calls`: the first response calls `shell` (`echo pwned > hostile-shell.txt`) and `write_file`
///   (`hostile-write.txt`) whatever tools the request offered; the next answers with the outputs it got.
/// - `emu-hostile-dupcall`: the first response has two `shell` calls sharing `call_id` `call_dup`, each
///   `echo ran >> dup.log`; the next answers with the outputs it got.
/// - `emu-hostile-mix-SEED`: three responses of calls chosen from SEED (a tool not offered, a file write, a repeated
///   call id in one response, a call id of an earlier response, an unknown tool), then a message. Every side effect
///   writes a file whose name starts with `hostile-`, so a test can check that none ran.
///
/// Frames (WebSocket only, see ``HostileStream``):
/// - `emu-hostile-flood-BYTES-RATE`: a message whose text deltas (BYTES bytes each, RATE per second) never end.
/// - `emu-hostile-trickle-MS`: a one-character text delta every MS milliseconds, never ending.
/// - `emu-hostile-malformed`: `response.created`, a text frame that is not JSON, then silence.
/// - `emu-hostile-bigframe-BYTES`: a message of one word of BYTES bytes (one delta frame that size), completed.
struct HostileModel: ScriptedModel {
    /// What the model does.
    enum Behaviour: Equatable, Sendable {
        case calls
        case duplicateCall
        case mix(seed: UInt64)
        case bigFrame(bytes: Int)
        case stream(HostileStream)
    }

    let behaviour: Behaviour

    /// Reads the behaviour from the model name; nil for a name that is not one of the above.
    init?(name: String) {
        let parts = name.dropFirst("emu-hostile-".count).split(separator: "-").map(String.init)
        let numbers = parts.dropFirst().compactMap { Int($0) }.filter { $0 > 0 }
        guard numbers.count == parts.count - 1, name.hasPrefix("emu-hostile-") else { return nil }
        switch (parts.first, numbers.count) {
        case ("calls", 0): behaviour = .calls
        case ("dupcall", 0): behaviour = .duplicateCall
        case ("mix", 1): behaviour = .mix(seed: UInt64(numbers[0]))
        case ("bigframe", 1): behaviour = .bigFrame(bytes: numbers[0])
        case ("flood", 2):
            behaviour = .stream(.flood(deltaBytes: numbers[0], interval: .nanoseconds(1_000_000_000 / numbers[1])))
        case ("trickle", 1): behaviour = .stream(.trickle(interval: .milliseconds(numbers[0])))
        case ("malformed", 0): behaviour = .stream(.malformed)
        default: return nil
        }
    }

    /// The frame-level misbehaviour, for the WebSocket session to play instead of a prepared response.
    var stream: HostileStream? {
        if case .stream(let stream) = behaviour { return stream }
        return nil
    }

    func plan(conversation: [JSONValue]) -> ModelPlan {
        let outputs = Conversation.functionCallOutputs(conversation)
        let answer = PlannedItem.message(
            text: "outputs: " + outputs.map { Conversation.text(of: $0["output"]) }.joined(separator: " | "))
        switch behaviour {
        case .calls:
            guard outputs.isEmpty else { return .items([answer]) }
            return .items([
                .functionCall(name: "shell", arguments: Self.shell("echo pwned > hostile-shell.txt")),
                .functionCall(name: "write_file", arguments: Self.write("hostile-write.txt")),
            ])
        case .duplicateCall:
            guard outputs.isEmpty else { return .items([answer]) }
            let call = PlannedItem.functionCall(
                name: "shell", arguments: Self.shell("echo ran >> dup.log"), callID: "call_dup")
            return .items([call, call])
        case .mix(let seed):
            let turn = Self.turns(conversation)
            guard turn < 3 else { return .items([answer]) }
            return .items(Self.mixedCalls(seed: seed, turn: turn, earlier: Conversation.functionCallIDs(conversation)))
        case .bigFrame(let bytes):
            return .items([.message(text: String(repeating: "x", count: bytes))])
        case .stream:
            // Over HTTP the frame-level behaviours do not apply: an ordinary answer.
            return .items([.message(text: "hostile streams are played over WebSocket only")])
        }
    }

    /// Responses of the chain so far that asked for calls (the conversation's assistant turns).
    private static func turns(_ conversation: [JSONValue]) -> Int {
        var turns = 0
        var inCalls = false
        for item in conversation {
            let isCall = Conversation.type(of: item) == "function_call"
            if isCall && !inCalls { turns += 1 }
            inCalls = isCall
        }
        return turns
    }

    /// The calls of turn `turn` of `emu-hostile-mix-SEED`.
    static func mixedCalls(seed: UInt64, turn: Int, earlier: [String]) -> [PlannedItem] {
        // SplitMix64 of (seed, turn): the same name gives the same script.
        var z = seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(turn + 1) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        let file = "hostile-\(seed)-\(turn)"
        switch z % 5 {
        case 0:
            return [.functionCall(name: "shell", arguments: shell("echo pwned > \(file).txt"))]
        case 1:
            return [.functionCall(name: "write_file", arguments: write("\(file).txt"))]
        case 2:
            // The run may have read_file: one read, the duplicate must not run a second time.
            let read = PlannedItem.functionCall(
                name: "read_file", arguments: #"{"path":"."}"#, callID: "call_dup_\(turn)")
            return [read, read, .functionCall(name: "shell", arguments: shell("echo dup >> \(file).log"))]
        case 3:
            let reused = earlier.first ?? "call_reused"
            return [
                .functionCall(name: "read_file", arguments: #"{"path":"."}"#),
                .functionCall(name: "shell", arguments: shell("echo reused > \(file).txt"), callID: reused),
            ]
        default:
            return [.functionCall(name: "rm_rf", arguments: #"{"path":"/"}"#)]
        }
    }

    private static func shell(_ command: String) -> String {
        JSONValue.object([("cmd", .string(command))]).serialized
    }

    private static func write(_ path: String) -> String {
        JSONValue.object([("path", .string(path)), ("content", .string("pwned\n"))]).serialized
    }
}
