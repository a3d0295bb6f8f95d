import AgentModel

/// The request fields that come from configuration and the run's own settings rather than from its state:
/// caching, reasoning, output limits, compaction and service options.
struct RequestSettings: Sendable, Equatable {
    var promptCacheKey: String? = nil
    var promptCacheRetention: String? = nil
    var reasoningEffort: String? = nil
    var reasoningSummary: String? = nil
    var maxOutputTokens: Int? = nil
    var compactThreshold: Int = 0
    var safetyIdentifier: String? = nil
    var serviceTier: String? = nil

    /// The settings of `state`'s run under `configuration`; the run's own `--effort` and `max_output_tokens` win.
    init(configuration: EngineConfiguration, state: RunState) {
        // The run id is stable across chain resets, restarts and lanes: a full-context resend hits the cache.
        promptCacheKey = state.id.rawValue
        promptCacheRetention = configuration.promptCacheRetention
        reasoningEffort = state.effort ?? configuration.reasoningEffort
        reasoningSummary = configuration.reasoningSummary.flatMap { $0 == "none" || $0.isEmpty ? nil : $0 }
        maxOutputTokens = state.maxOutputTokens ?? configuration.maxOutputTokens
        compactThreshold = configuration.compactThreshold
        safetyIdentifier = configuration.safetyIdentifier
        serviceTier = configuration.serviceTier
    }

    /// No settings (tests and benchmarks that build bare frames).
    init() {}

    /// Adds the settings to a `response.create` frame's members.
    func apply(to frame: inout [String: JSONValue]) {
        if let promptCacheKey { frame["prompt_cache_key"] = .string(promptCacheKey) }
        if let promptCacheRetention { frame["prompt_cache_retention"] = .string(promptCacheRetention) }
        var reasoning: [String: JSONValue] = [:]
        if let reasoningEffort { reasoning["effort"] = .string(reasoningEffort) }
        if let reasoningSummary { reasoning["summary"] = .string(reasoningSummary) }
        if !reasoning.isEmpty { frame["reasoning"] = .object(reasoning) }
        if let maxOutputTokens { frame["max_output_tokens"] = .number(Double(maxOutputTokens)) }
        if compactThreshold > 0 {
            frame["context_management"] = [
                ["type": "compaction", "compact_threshold": .number(Double(compactThreshold))]
            ]
        }
        if let safetyIdentifier { frame["safety_identifier"] = .string(safetyIdentifier) }
        if let serviceTier { frame["service_tier"] = .string(serviceTier) }
    }
}
