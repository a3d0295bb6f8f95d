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
