extension EmulatorError {
    /// The real API's answer to a prompt larger than the model's context window.
    static func contextLengthExceeded(window: Int) -> EmulatorError {
        .invalidRequest(
            "Your input exceeds the context window of this model. Please adjust your input and try again. "
                + "(context window: \(window) tokens)",
            param: "input",
            code: "context_length_exceeded"
        )
    }

    /// A 429 with the wait the client should honour.
    static func rateLimited(retryAfterMillis: Int) -> EmulatorError {
        EmulatorError(
            status: 429,
            type: "requests",
            code: "rate_limit_exceeded",
            message: "Rate limit reached for requests. Please try again in \(retryAfterMillis)ms.",
            param: nil,
            retryAfterMillis: retryAfterMillis
        )
    }
}
