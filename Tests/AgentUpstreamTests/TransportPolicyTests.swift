import Testing

@testable import AgentUpstream

struct TransportFallbackPolicyTests {
    @Test func anUpgradeRefusedWith426FallsBackAtOnce() {
        var policy = TransportFallbackPolicy(threshold: 3)
        let refusal = UpgradeRefusal(status: 426, message: "WebSocket mode is not available.")
        #expect(
            policy.observe(.connectFailed(connection: 0, refusal: refusal, message: "x"))
                == "the WebSocket upgrade was refused with HTTP 426: WebSocket mode is not available.")
    }

    @Test func otherRefusalsCountAsConnectFailures() {
        var policy = TransportFallbackPolicy(threshold: 2)
        let refusal = UpgradeRefusal(status: 401, message: nil)
        #expect(policy.observe(.connectFailed(connection: 0, refusal: refusal, message: "401")) == nil)
        #expect(
            policy.observe(.connectFailed(connection: 1, refusal: refusal, message: "401"))
                == "2 WebSocket connect attempts failed in a row (last: 401)")
    }

    @Test func aSuccessfulHandshakeResetsTheCount() {
        var policy = TransportFallbackPolicy(threshold: 3)
        for _ in 0..<2 {
            #expect(policy.observe(.connectFailed(connection: 0, refusal: nil, message: "refused")) == nil)
        }
        #expect(policy.observe(.opened(connection: 0)) == nil)
        #expect(policy.observe(.closed(connection: 0, planned: false)) == nil)
        for _ in 0..<2 {
            #expect(policy.observe(.connectFailed(connection: 0, refusal: nil, message: "refused")) == nil)
        }
        #expect(policy.observe(.connectFailed(connection: 0, refusal: nil, message: "refused")) != nil)
    }

    @Test func failuresWhileAnotherConnectionIsOpenDoNotFallBack() {
        var policy = TransportFallbackPolicy(threshold: 2)
        #expect(policy.observe(.opened(connection: 1)) == nil)
        for _ in 0..<5 {
            #expect(policy.observe(.connectFailed(connection: 0, refusal: nil, message: "timeout")) == nil)
        }
        // Once the last open connection is gone, the streak already counts.
        #expect(policy.observe(.closed(connection: 1, planned: false)) == nil)
        #expect(policy.observe(.connectFailed(connection: 1, refusal: nil, message: "timeout")) != nil)
    }
}

struct PermitQueueTests {
    @Test func permitsAreGrantedThenQueuedInFIFOOrder() {
        var queue = PermitQueue(capacity: 2)
        #expect(queue.acquire(1) == .granted)
        #expect(queue.acquire(2) == .granted)
        #expect(queue.acquire(3) == .queued)
        #expect(queue.acquire(4) == .queued)
        #expect(queue.release() == 3)
        #expect(queue.inUse == 2)
        let cancelled = queue.cancel(4)
        let cancelledAgain = queue.cancel(4)
        #expect(cancelled && !cancelledAgain)
        #expect(queue.release() == nil)
        #expect(queue.release() == nil)
        #expect(queue.inUse == 0)
        #expect(queue.queuedTotal == 2)
    }

    @Test func aNewcomerDoesNotOvertakeAQueuedWaiter() {
        var queue = PermitQueue(capacity: 1)
        #expect(queue.acquire(1) == .granted)
        #expect(queue.acquire(2) == .queued)
        #expect(queue.release() == 2)
        #expect(queue.acquire(3) == .queued)
        #expect(queue.drainWaiters() == [3])
    }
}
