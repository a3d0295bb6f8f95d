import AgentModel
import Testing

@testable import AgentEngine

struct UpstreamRetryPolicyTests {
    @Test func previousResponseNotFoundRestartsTheChain() {
        let decision = UpstreamRetryPolicy.decide(
            UpstreamError(code: "previous_response_not_found"), attempt: 1, maxAttempts: 5)
        #expect(decision == .restartChain)
    }

    @Test func serverErrorsBackOffExponentiallyUpToACap() {
        let delays = (1...8).map {
            UpstreamRetryPolicy.decide(UpstreamError(code: "server_error"), attempt: $0, maxAttempts: 100)
        }
        #expect(delays.prefix(3) == [.retryAfter(milliseconds: 250), .retryAfter(milliseconds: 500), .retryAfter(milliseconds: 1000)])
        #expect(delays.last == .retryAfter(milliseconds: 8000))
    }

    @Test func validationErrorsAndExhaustedAttemptsFail() {
        #expect(UpstreamRetryPolicy.decide(UpstreamError(code: "invalid_value"), attempt: 1, maxAttempts: 5) == .fail)
        #expect(UpstreamRetryPolicy.decide(UpstreamError(code: "server_error"), attempt: 5, maxAttempts: 5) == .fail)
    }
}

/// Waits that follow the server's headers (429 and 5xx), with jitter that never shortens them.
struct RetryAfterPolicyTests {
    private func rateLimited(retryAfter ms: Int?) -> UpstreamError {
        var error = UpstreamError(type: "requests", code: "rate_limit_exceeded", message: "slow down")
        error.status = 429
        error.retryAfterMillis = ms
        return error
    }

    @Test func aRateLimitWaitsWhatTheServerAskedPlusAtMostTenPercent() {
        #expect(UpstreamRetryPolicy.decide(rateLimited(retryAfter: 1_500), attempt: 1, maxAttempts: 5) == .retryAfter(milliseconds: 1_500))
        #expect(
            UpstreamRetryPolicy.decide(rateLimited(retryAfter: 1_500), attempt: 1, maxAttempts: 5, jitter: 0.999)
                == .retryAfter(milliseconds: 1_649))
    }

    @Test func aStormThatSaysHowLongToWaitGetsMoreAttemptsThanOtherFailures() {
        #expect(UpstreamRetryPolicy.decide(rateLimited(retryAfter: 100), attempt: 12, maxAttempts: 5) == .retryAfter(milliseconds: 100))
        #expect(UpstreamRetryPolicy.decide(rateLimited(retryAfter: 100), attempt: 20, maxAttempts: 5) == .fail)
        #expect(UpstreamRetryPolicy.decide(rateLimited(retryAfter: nil), attempt: 5, maxAttempts: 5) == .fail)
    }

    @Test func aServerErrorStatusWithoutCodeIsRetriedWithJitteredBackoff() {
        var error = UpstreamError(type: "http_error", message: "HTTP status 503")
        error.status = 503
        #expect(UpstreamRetryPolicy.decide(error, attempt: 2, maxAttempts: 5) == .retryAfter(milliseconds: 500))
        #expect(UpstreamRetryPolicy.decide(error, attempt: 2, maxAttempts: 5, jitter: 0.5) == .retryAfter(milliseconds: 625))
        var client = UpstreamError(type: "invalid_request_error", message: "bad")
        client.status = 400
        #expect(UpstreamRetryPolicy.decide(client, attempt: 1, maxAttempts: 5) == .fail)
    }

    @Test func theHeadersAreReadInOrderOfPrecision() {
        #expect(RetryAfter.millis(headers: ["retry-after-ms": "250", "retry-after": "3"]) == 250)
        #expect(RetryAfter.millis(headers: ["Retry-After": "2"]) == 2_000)
        #expect(RetryAfter.millis(headers: ["x-ratelimit-reset-requests": "1m30s", "x-ratelimit-reset-tokens": "750ms"]) == 750)
        #expect(RetryAfter.millis(headers: ["retry-after": "soon"]) == nil)
        #expect(RetryAfter.millis(headers: nil) == nil)
    }

    @Test func anErrorFrameCarriesItsStatusAndWait() throws {
        let frame = try JSONValue.parse(
            #"{"type":"error","status":429,"error":{"type":"requests","code":"rate_limit_exceeded","message":"m"},"headers":{"retry-after-ms":"1200"}}"#)
        let event = try #require(UpstreamEvent(json: frame))
        #expect(event.error?.status == 429)
        #expect(event.error?.retryAfterMillis == 1_200)
    }
}
