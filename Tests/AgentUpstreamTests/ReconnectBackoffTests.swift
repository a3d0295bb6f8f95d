import Testing

@testable import AgentUpstream

@Suite struct ReconnectBackoffTests {
    @Test func delaysDoubleFromBaseAndStopAtTheCap() {
        let backoff = ReconnectBackoff()
        let ceilings = (0..<7).map { backoff.ceiling(attempt: $0) }
        #expect(
            ceilings == [
                .milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(8), .seconds(8),
            ]
        )
    }

    @Test func jitterStaysBetweenThreeQuartersAndTheCeiling() {
        var backoff = ReconnectBackoff()
        #expect(backoff.nextDelay(unitRandom: 0) == .milliseconds(375))
        #expect(backoff.nextDelay(unitRandom: 0.999_999_999) <= .seconds(1))
        #expect(backoff.nextDelay(unitRandom: 0.5) == .milliseconds(1750))
        #expect(backoff.attempt == 3)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let ceiling = backoff.ceiling(attempt: backoff.attempt)
            let delay = backoff.nextDelay(using: &generator)
            #expect(delay >= ceiling / 4 * 3 && delay <= ceiling)
        }
    }

    @Test func resetStartsAgainFromTheBase() {
        var backoff = ReconnectBackoff()
        _ = backoff.nextDelay(unitRandom: 1)
        _ = backoff.nextDelay(unitRandom: 1)
        backoff.reset()
        #expect(backoff.nextDelay(unitRandom: 1) == .milliseconds(500))
    }
}
