import AgentEngine

/// The `[run]` keys that shape every request: compaction, prompt caching, reasoning, output limit, service
/// options and the tool format (documented in config/agentd.toml).
enum RunRequestKeys {
    /// Reasoning effort values agentd accepts.
    static let efforts = EngineConfiguration.reasoningEfforts

    /// Reads the keys from the `[run]` section into `run`; errors land in the reader with their lines.
    static func read(_ reader: ConfigReader, into run: inout DaemonConfiguration.Run) {
        run.compactThreshold = reader.int(
            "compact_threshold", default: EngineConfiguration.defaultCompactThreshold, range: 0...100_000_000)
        run.reasoningEffort = reader.optionalChoice("reasoning_effort", allowed: efforts)
        run.reasoningSummary = reader.choice(
            "reasoning_summary", default: "auto", allowed: ["auto", "concise", "detailed", "none"])
        run.promptCacheRetention = reader.optionalChoice("prompt_cache_retention", allowed: ["in_memory", "24h"])
        run.maxOutputTokens = reader.int("max_output_tokens", default: 0, range: 0...10_000_000)
        run.safetyIdentifier = reader.optionalString("safety_identifier")
        run.serviceTier = reader.optionalChoice(
            "service_tier", allowed: ["auto", "default", "flex", "priority", "fast"])
        run.toolFormat = reader.choice(
            "tool_format", default: "auto", allowed: ToolFormatChoice.allCases.map(\.rawValue))
        run.nativeToolModels = reader.strings("native_tool_models", default: ToolFormatChoice.defaultNativeModels)
        if run.nativeToolModels.contains(where: \.isEmpty) {
            // An empty prefix matches every model: say "native" instead.
            reader.fail("native_tool_models", "must not contain an empty prefix (set tool_format = \"native\" instead)")
        }
    }

    /// Puts the keys into the engine's configuration.
    static func apply(_ run: DaemonConfiguration.Run, to engine: inout EngineConfiguration) {
        engine.compactThreshold = run.compactThreshold
        engine.reasoningEffort = run.reasoningEffort
        engine.reasoningSummary = run.reasoningSummary == "none" ? nil : run.reasoningSummary
        engine.promptCacheRetention = run.promptCacheRetention
        engine.maxOutputTokens = run.maxOutputTokens > 0 ? run.maxOutputTokens : nil
        engine.safetyIdentifier = run.safetyIdentifier
        engine.serviceTier = run.serviceTier
        engine.toolFormat = ToolFormatChoice(rawValue: run.toolFormat) ?? .auto
        engine.nativeToolModels = run.nativeToolModels
    }
}

extension ConfigReader {
    /// An optional string that must be one of `allowed` when present.
    func optionalChoice(_ key: String, allowed: [String]) -> String? {
        guard let value = optionalString(key) else { return nil }
        guard allowed.contains(value) else {
            fail(key, "must be one of \(allowed.map { "\"\($0)\"" }.joined(separator: ", ")), got \"\(value)\"")
            return nil
        }
        return value
    }
}
