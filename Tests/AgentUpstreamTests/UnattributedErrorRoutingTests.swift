import Testing

@testable import AgentUpstream

struct UnattributedErrorRoutingTests {
    @Test func theErrorGoesToTheResponsesThatHaveNotStartedStreaming() {
        #expect(UnattributedErrorRouting.route(framesByLane: [0: 12, 3: 0]) == .fail(lanes: [3]))
        #expect(UnattributedErrorRouting.route(framesByLane: [5: 0, 1: 0, 2: 7]) == .fail(lanes: [1, 5]))
    }

    @Test func withNoCandidateTheErrorConcernsTheConnection() {
        #expect(UnattributedErrorRouting.route(framesByLane: [:]) == .retireConnection)
        #expect(UnattributedErrorRouting.route(framesByLane: [0: 4]) == .retireConnection)
    }
}
