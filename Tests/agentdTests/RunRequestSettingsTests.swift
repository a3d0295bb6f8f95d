import AgentEngine
import Testing

@testable import agentd

/// `[run]` request settings: read into the engine's configuration; contradictions refused with file:line.
struct RunRequestSettingsTests {
    @Test func requestSettingsReachTheEngine() throws {
        let config = try DaemonConfiguration.parse(
            """
            [run]
            compact_threshold = 50000
            reasoning_effort = "high"
            reasoning_summary = "detailed"
            prompt_cache_retention = "24h"
            max_output_tokens = 8192
            safety_identifier = "user-hash-1"
            service_tier = "flex"
            """, file: "agentd.toml")
        var engine = EngineConfiguration()
        RunRequestKeys.apply(config.run, to: &engine)
        #expect(engine.compactThreshold == 50_000)
        #expect(engine.reasoningEffort == "high")
        #expect(engine.reasoningSummary == "detailed")
        #expect(engine.promptCacheRetention == "24h")
        #expect(engine.maxOutputTokens == 8_192)
        #expect(engine.safetyIdentifier == "user-hash-1")
        #expect(engine.serviceTier == "flex")
    }

    @Test func defaultsCompactBelowTodaysWindowsAndSummarizeReasoning() throws {
        let config = try DaemonConfiguration.parse("", file: "agentd.toml")
        var engine = EngineConfiguration()
        RunRequestKeys.apply(config.run, to: &engine)
        #expect(engine.compactThreshold == EngineConfiguration.defaultCompactThreshold)
        #expect(engine.reasoningSummary == "auto")
        #expect(engine.reasoningEffort == nil && engine.maxOutputTokens == nil)
    }

    @Test func turningEncryptedReasoningOffWithStoreFalseIsRefusedWithItsLine() {
        let source = """
            [run]
            model = "gpt-5.2"
            include_encrypted_reasoning = false
            reasoning_effort = "extreme"
            """
        let error = #expect(throws: ConfigErrors.self) {
            try DaemonConfiguration.parse(source, file: "agentd.toml")
        }
        #expect(
            error?.errors.map(\.description) == [
                "agentd.toml:3: run.include_encrypted_reasoning: must stay true: agentd sends store = false, and a "
                    + "full-context resend needs the encrypted reasoning",
                #"agentd.toml:4: run.reasoning_effort: must be one of "none", "minimal", "low", "medium", "high", "xhigh", got "extreme""#,
            ])
    }

    @Test func theToolFormatReachesTheEngineAndDefaultsToAutoForGPT5() throws {
        var engine = EngineConfiguration()
        RunRequestKeys.apply(try DaemonConfiguration.parse("", file: "agentd.toml").run, to: &engine)
        #expect(engine.toolFormat == .auto && engine.nativeToolModels == ["gpt-5"])
        let config = try DaemonConfiguration.parse(
            """
            [run]
            tool_format = "function"
            native_tool_models = ["gpt-5", "o4"]
            """, file: "agentd.toml")
        RunRequestKeys.apply(config.run, to: &engine)
        #expect(engine.toolFormat == .function && engine.nativeToolModels == ["gpt-5", "o4"])
    }

    @Test func aBadToolFormatIsRefusedWithItsLine() {
        let source = """
            [run]
            model = "gpt-5.2"
            tool_format = "builtin"
            native_tool_models = ["gpt-5", ""]
            """
        let error = #expect(throws: ConfigErrors.self) {
            try DaemonConfiguration.parse(source, file: "agentd.toml")
        }
        #expect(
            error?.errors.map(\.description) == [
                #"agentd.toml:3: run.tool_format: must be one of "auto", "native", "function", got "builtin""#,
                #"agentd.toml:4: run.native_tool_models: must not contain an empty prefix (set tool_format = "native" instead)"#,
            ])
    }
}
