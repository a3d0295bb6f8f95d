import AgentEngine

/// The `[run]` keys that shape every request: compaction, prompt caching, reasoning, output limit and service
/// options (see README, "Configuration").
struct RunRequestSettings: Equatable {
    var compactThreshold = EngineConfiguration.defaultCompactThreshold
    var reasoningEffort: String?
    var reasoningSummary = "auto"
    var promptCacheRetention: String?
    var maxOutputTokens: Int?
    var safetyIdentifier: String?
    var serviceTier: String?

    /// Reading effort values agentd accepts (also for `agentctl start --effort`).
    static let efforts = ["none", "minimal", "low", "medium", "high", "xhigh"]

    /// Reads the keys from the `[run]` section; errors land in the reader with their lines.
    static func read(_ run: ConfigReader) -> RunRequestSettings {
        var settings = RunRequestSettings()
        settings.compactThreshold = run.int(
            "compact_threshold", default: EngineConfiguration.defaultCompactThreshold, range: 0...100_000_000)
        settings.reasoningEffort = run.optionalChoice("reasoning_effort", allowed: efforts)
        settings.reasoningSummary = run.choice(
            "reasoning_summary", default: "auto", allowed: ["auto", "concise", "detailed", "none"])
        settings.promptCacheRetention = run.optionalChoice("prompt_cache_retention", allowed: ["in_memory", "24h"])
        let maxOutput = run.int("max_output_tokens", default: 0, range: 0...10_000_000)
        settings.maxOutputTokens = maxOutput > 0 ? maxOutput : nil
        settings.safetyIdentifier = run.optionalString("safety_identifier")
        settings.serviceTier = run.optionalChoice(
            "service_tier", allowed: ["auto", "default", "flex", "priority", "fast"])
        return settings
    }

    /// Puts the settings into the engine's configuration.
    func apply(to engine: inout EngineConfiguration) {
        engine.compactThreshold = compactThreshold
        engine.reasoningEffort = reasoningEffort
        engine.reasoningSummary = reasoningSummary == "none" ? nil : reasoningSummary
        engine.promptCacheRetention = promptCacheRetention
        engine.maxOutputTokens = maxOutputTokens
        engine.safetyIdentifier = safetyIdentifier
        engine.serviceTier = serviceTier
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
