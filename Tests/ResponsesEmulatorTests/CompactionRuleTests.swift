import Testing

@testable import ResponsesEmulator

/// The emulator's context rules: what counts toward the window, what a model still knows after compaction.
@Suite("compaction rules")
struct CompactionRuleTests {
    private func user(_ text: String) -> JSONValue {
        .object([("type", .string("message")), ("role", .string("user")), ("content", .string(text))])
    }

    private func output(_ callID: String, _ text: String) -> JSONValue {
        .object([("type", .string("function_call_output")), ("call_id", .string(callID)), ("output", .string(text))])
    }

    private func call(_ callID: String) -> JSONValue {
        .object([
            ("type", .string("function_call")), ("call_id", .string(callID)), ("name", .string("shell")),
            ("arguments", .string("{}")),
        ])
    }

    @Test("a compaction item stands for everything before it, and the model still sees all of it")
    func compactionReplacesTheHistoryButNotTheModelsKnowledge() {
        let store = CompactionStore()
        let history = [user("go"), call("c0"), output("c0", String(repeating: "x", count: 4_000))]
        let compacted = Compaction.compact(history, store: store)
        #expect(compacted.map { Conversation.type(of: $0) } == ["message", "compaction"])
        let next = compacted + [call("c1"), output("c1", "small")]
        #expect(Compaction.effective(next).count == 4)
        #expect(Conversation.tokenEstimate(Compaction.effective(next)) < 200)
        let known = Compaction.expanded(next, store: store)
        #expect(Conversation.functionCallOutputs(known).count == 2)
    }

    @Test("an unknown compaction item is not expanded")
    func foreignCompactionItemsAreKeptAsTheyAre() {
        let foreign = JSONValue.object([("type", .string("compaction")), ("encrypted_content", .string("gAAAAAother"))])
        let items = [user("go"), foreign]
        #expect(Compaction.expanded(items, store: CompactionStore()) == items)
    }

    @Test("tool pairing is checked from the latest compaction item on")
    func pairingIgnoresCallsBeforeTheCompaction() {
        let store = CompactionStore()
        let history = [user("go"), call("c0"), output("c0", "x")]
        let window = Compaction.pairingWindow(history: history, input: Compaction.compact(history, store: store))
        #expect(window.history.isEmpty && window.input.isEmpty)
        #expect(RequestValidator.checkToolPairing(history: window.history, input: window.input) == nil)
    }

    @Test("a message cut at max_output_tokens resumes where it stopped")
    func aCutMessageResumes() {
        let planned: [PlannedItem] = [.message(text: "You said: a long answer please")]
        let partial = "You said: a "
        #expect(IncompleteRule.resuming(planned, after: partial) == [.message(text: "long answer please")])
    }
}
