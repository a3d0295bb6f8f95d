import Testing

@testable import ResponsesEmulator

@Suite("pure parts")
struct UnitTests {
    @Test("SHA-256 known vectors", arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
        (
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
        ),
    ])
    func sha256(input: String, expected: String) {
        #expect(HexSHA256.of(input) == expected)
    }

    @Test("SHA-256 of a million 'a's")
    func sha256Million() {
        #expect(
            HexSHA256.of(String(repeating: "a", count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        )
    }

    @Test("the digest rule: stdout of JSON outputs, raw text otherwise, newline after each, in call order")
    func digestRule() throws {
        let conversation: [JSONValue] = [
            .object([("type", .string("function_call")), ("call_id", .string("call_1"))]),
            .object([("type", .string("function_call")), ("call_id", .string("call_2"))]),
            toolOutput(callID: "call_2", output: "raw"),
            toolOutput(callID: "call_1", output: #"{"stdout":"one\n","exit_code":0}"#),
        ]
        #expect(ToolLoopModel.digestInput(of: conversation) == "one\n\nraw\n")
        #expect(ToolLoopModel.digest(of: conversation) == HexSHA256.of("one\n\nraw\n"))
        #expect(EmulatorDigest.digest(toolOutputs: [#"{"stdout":"one\n","exit_code":0}"#, "raw"]) == HexSHA256.of("one\n\nraw\n"))
    }

    @Test("JSON round trip keeps key order, escapes and unicode")
    func jsonRoundTrip() throws {
        let text = #"{"b":1,"a":[true,false,null,-2.5,"x\"y\\z\n\u00e9\ud83d\ude00"],"c":{}}"#
        let value = try JSONParser.parse(text)
        #expect(value["a"]?.arrayValue?[4] == .string("x\"y\\z\né😀"))
        #expect(value.serialized == #"{"b":1,"a":[true,false,null,-2.5,"x\"y\\z\né😀"],"c":{}}"#)
        let controls = JSONValue.string("\u{01}\t\r\u{08}\u{0C}\u{1F}/").serialized
        #expect(controls == #""\u0001\t\r\b\f\u001f/""#)
        #expect(throws: JSONParser.ParseError.self) { try JSONParser.parse("{\"a\":1,}") }
        #expect(throws: JSONParser.ParseError.self) { try JSONParser.parse("[1] 2") }
    }

    @Test("model names")
    func modelNames() {
        #expect(ModelCatalog.model(named: "emu-text") is TextModel)
        #expect(ModelCatalog.model(named: "emu-text-large") is TextModel)
        #expect((ModelCatalog.model(named: "emu-tools-30") as? ToolLoopModel)?.callCount == 30)
        let custom = ModelCatalog.model(named: "emu-tools-3-tool-pytest") as? ToolLoopModel
        #expect(custom?.callCount == 3 && custom?.toolName == "pytest")
        #expect(ModelCatalog.model(named: "emu-fail") is FailingModel)
        #expect(ModelCatalog.model(named: "gpt-5") == nil)
        #expect(ModelCatalog.model(named: "emu-tools-x") == nil)
    }

    @Test("stream_id validation")
    func streamIDs() {
        #expect(RequestValidator.isValidStreamID("agent_1.main-2"))
        #expect(RequestValidator.isValidStreamID(String(repeating: "a", count: 256)))
        #expect(!RequestValidator.isValidStreamID(""))
        #expect(!RequestValidator.isValidStreamID(String(repeating: "a", count: 257)))
        #expect(!RequestValidator.isValidStreamID("a b"))
        #expect(!RequestValidator.isValidStreamID("lane/1"))
    }

    @Test("scheduler: FIFO per lane, lanes concurrent, at most 16 active")
    func scheduler() {
        var scheduler = LaneScheduler<Int>(maxActive: 16)
        let a = LaneID(streamID: "a")
        #expect(scheduler.enqueue(1, on: a).map(\.job) == [1])
        #expect(scheduler.enqueue(2, on: a).map(\.job) == [])
        #expect(scheduler.enqueue(3, on: .defaultLane).map(\.job) == [3])
        #expect(scheduler.finish(lane: a).map(\.job) == [2])

        var full = LaneScheduler<Int>(maxActive: 16)
        for lane in 0..<16 { #expect(full.enqueue(lane, on: LaneID(streamID: "l\(lane)")).count == 1) }
        #expect(full.enqueue(100, on: LaneID(streamID: "x")).isEmpty)
        #expect(full.enqueue(101, on: LaneID(streamID: "y")).isEmpty)
        #expect(full.activeCount == 16 && full.pendingCount == 2)
        #expect(full.finish(lane: LaneID(streamID: "l3")).map(\.job) == [100])
        #expect(full.finish(lane: LaneID(streamID: "x")).map(\.job) == [101])
    }

    @Test("tool pairing invariants")
    func toolPairing() {
        let call = JSONValue.object([("type", .string("function_call")), ("call_id", .string("call_1"))])
        let output = toolOutput(callID: "call_1", output: "x")
        #expect(RequestValidator.checkToolPairing(history: [call], input: [output]) == nil)
        #expect(RequestValidator.checkToolPairing(history: [], input: [call, output]) == nil)
        #expect(RequestValidator.checkToolPairing(history: [call], input: []) == .noToolOutput(callID: "call_1"))
        #expect(RequestValidator.checkToolPairing(history: [], input: [output]) == .noToolCall(callID: "call_1"))
        #expect(
            RequestValidator.checkToolPairing(history: [call, output], input: [output])
                == .duplicateToolOutput(callID: "call_1")
        )
    }
}
