/// Why a turn ended (`session/prompt` result).
public enum StopReason: String, Codable, Sendable, Equatable, Hashable {
    case endTurn = "end_turn"
    case maxTokens = "max_tokens"
    case maxTurnRequests = "max_turn_requests"
    case refusal
    case cancelled
}
