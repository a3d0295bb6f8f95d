import AgentModel
import Testing

@testable import AgentEngine

/// What every `response.create` carries besides the conversation.
struct RequestSettingsTests {
    private func state() -> RunState {
        var state = RunState(id: RunID(rawValue: "run_abc"))
        state.model = "gpt-5.2"
        state.pendingInput = [Items.userMessage("go")]
        return state
    }

    @Test func everyRequestCarriesTheCacheKeyCompactionAndReasoning() {
        var configuration = EngineConfiguration()
        configuration.compactThreshold = 1_000
        configuration.reasoningEffort = "low"
        configuration.maxOutputTokens = 2_048
        configuration.serviceTier = "priority"
        configuration.safetyIdentifier = "u1"
        configuration.promptCacheRetention = "24h"
        var run = state()
        run.effort = "high"
        let frame = RequestBuilder.createFrame(
            state: run, tools: [], streamID: "l0", includeEncryptedReasoning: true,
            settings: RequestSettings(configuration: configuration, state: run))
        let expected: JSONValue = [
            "type": "response.create", "model": "gpt-5.2", "store": false, "stream_id": "l0",
            "input": [Items.userMessage("go")],
            "include": ["reasoning.encrypted_content"],
            "prompt_cache_key": "run_abc", "prompt_cache_retention": "24h",
            "reasoning": ["effort": "high", "summary": "auto"],
            "max_output_tokens": 2048,
            "context_management": [["type": "compaction", "compact_threshold": 1000]],
            "service_tier": "priority", "safety_identifier": "u1",
        ]
        #expect(frame == expected)
    }

    @Test func aRebuildResendsAssistantPhaseAndStartsFromTheCompactionItem() {
        var run = state()
        let commentary: JSONValue = [
            "type": "message", "role": "assistant", "phase": "commentary",
            "content": [["type": "output_text", "text": "…"]],
        ]
        run.conversation = ConversationCompaction.pruned([
            Items.userMessage("go"), ["type": "function_call_output", "call_id": "c0", "output": "old"],
            ["type": "compaction", "id": "cmp_1", "encrypted_content": "gAAA"], commentary,
        ])
        run.pendingInput = []
        run.needsResend = true
        let frame = RequestBuilder.createFrame(state: run, tools: [], streamID: nil, includeEncryptedReasoning: true)
        #expect(
            frame["input"]
                == .array([
                    Items.userMessage("go"), ["type": "compaction", "id": "cmp_1", "encrypted_content": "gAAA"],
                    commentary,
                ]))
    }
}
