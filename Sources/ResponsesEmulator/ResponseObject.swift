/// Builds the `Response` object carried by lifecycle events, with every field the SDK 3.63.0 model knows about.
struct ResponseObject: Sendable {
    /// `in_progress`, `completed`, `failed`, …
    enum Status: String, Sendable {
        case inProgress = "in_progress"
        case completed
        case failed
        case incomplete
    }

    var id: String
    var createdAt: Int
    var request: CreateRequest
    var status: Status = .inProgress
    var output: [JSONValue] = []
    var usage: Usage? = nil
    var error: (code: String, message: String)? = nil
    var completedAt: Int? = nil
    /// `incomplete_details.reason` of an incomplete response (`max_output_tokens`, `content_filter`, …).
    var incompleteReason: String? = nil

    /// Token accounting of a finished response.
    struct Usage: Sendable {
        var inputTokens: Int
        var cachedTokens: Int
        var outputTokens: Int
        var reasoningTokens: Int

        var json: JSONValue {
            .object([
                ("input_tokens", .int(inputTokens)),
                (
                    "input_tokens_details",
                    .object([("cached_tokens", .int(cachedTokens)), ("cache_write_tokens", .int(0))])
                ),
                ("output_tokens", .int(outputTokens)),
                ("output_tokens_details", .object([("reasoning_tokens", .int(reasoningTokens))])),
                ("total_tokens", .int(inputTokens + outputTokens)),
            ])
        }
    }

    var json: JSONValue {
        let raw = request.raw
        let serviceTier: JSONValue
        if status == .inProgress {
            serviceTier = .string("auto")
        } else if let tier = raw["service_tier"]?.stringValue, tier != "auto" {
            serviceTier = .string(tier)
        } else {
            serviceTier = .string("default")
        }
        return .object([
            ("id", .string(id)),
            ("object", .string("response")),
            ("created_at", .int(createdAt)),
            ("status", .string(status.rawValue)),
            ("background", .bool(false)),
            ("completed_at", completedAt.map(JSONValue.int) ?? .null),
            (
                "error",
                error.map { .object([("code", .string($0.code)), ("message", .string($0.message))]) } ?? .null
            ),
            (
                "incomplete_details",
                incompleteReason.map { .object([("reason", .string($0))]) } ?? .null
            ),
            ("instructions", Self.echo(raw["instructions"], kinds: [.string, .array], default: .null)),
            ("max_output_tokens", Self.echo(raw["max_output_tokens"], kinds: [.number], default: .null)),
            ("max_tool_calls", Self.echo(raw["max_tool_calls"], kinds: [.number], default: .null)),
            ("model", .string(request.model)),
            ("output", .array(output)),
            ("parallel_tool_calls", Self.echo(raw["parallel_tool_calls"], kinds: [.bool], default: .bool(true))),
            ("previous_response_id", .optionalString(request.previousResponseID)),
            ("prompt_cache_key", Self.echo(raw["prompt_cache_key"], kinds: [.string], default: .null)),
            (
                "reasoning",
                Self.echo(raw["reasoning"], kinds: [.object], default: .object([("effort", .null), ("summary", .null)]))
            ),
            ("safety_identifier", Self.echo(raw["safety_identifier"], kinds: [.string], default: .null)),
            ("service_tier", serviceTier),
            ("store", .bool(request.store)),
            ("temperature", Self.echo(raw["temperature"], kinds: [.number], default: .number(1.0))),
            (
                "text",
                Self.echo(
                    raw["text"],
                    kinds: [.object],
                    default: .object([("format", .object([("type", .string("text"))])), ("verbosity", .string("medium"))])
                )
            ),
            ("tool_choice", Self.echo(raw["tool_choice"], kinds: [.string, .object], default: .string("auto"))),
            ("tools", Self.echo(raw["tools"], kinds: [.array], default: .array([]))),
            ("top_logprobs", Self.echo(raw["top_logprobs"], kinds: [.number], default: .int(0))),
            ("top_p", Self.echo(raw["top_p"], kinds: [.number], default: .number(1.0))),
            ("truncation", Self.echo(raw["truncation"], kinds: [.string], default: .string("disabled"))),
            ("usage", usage?.json ?? .null),
            ("user", Self.echo(raw["user"], kinds: [.string], default: .null)),
            ("metadata", Self.echo(raw["metadata"], kinds: [.object], default: .object([]))),
        ])
    }

    private enum Kind { case string, number, bool, array, object }

    /// Echoes a request field when it has one of the expected JSON kinds, else the default.
    private static func echo(_ value: JSONValue?, kinds: Set<Kind>, default fallback: JSONValue) -> JSONValue {
        guard let value else { return fallback }
        let kind: Kind
        switch value {
        case .string: kind = .string
        case .number: kind = .number
        case .bool: kind = .bool
        case .array: kind = .array
        case .object: kind = .object
        case .null: return fallback
        }
        return kinds.contains(kind) ? value : fallback
    }
}
