import AgentModel
import AgentProtocol
import Testing
import TestSupport

/// The upstream part of `daemon/status` as a typed value (issue 15 item 6): URL, connections, queue, waits, SSE.
@Suite("daemon/status upstream golden JSON")
struct DaemonStatusUpstreamGoldenTests {
    @Test func anUnreachableUpstreamShowsItsURLEachConnectionAndTheLastErrorInWords() throws {
        let upstream = DaemonStatus.Upstream(
            url: "https://api.openai.com/v1", transport: "websocket",
            connections: [
                .init(
                    id: 0, state: .backoff, reconnects: 2, lastError: "connection refused by 127.0.0.1:9",
                    nextAttemptMillis: 1500),
                .init(
                    id: 1, state: .connected, ageSeconds: 12.5, lanesInUse: 1, responsesInFlight: 1,
                    responsesServed: 7),
            ],
            queue: .init(waiting: 1, leasesGranted: 8, leasesQueued: 2, maxWaitMillis: 250.5),
            retryWaits: [
                .init(
                    runID: "run_1", code: "connect_failed", message: "no connection", delayMillis: 500,
                    sinceMillis: 1000, serverAsked: false, attempt: 2)
            ])
        try checkCoding(
            upstream,
            json: #"{"connections":[{"id":0,"lanes_in_use":0,"last_error":"connection refused by 127.0.0.1:9","#
                + #""next_attempt_ms":1500,"reconnects":2,"responses_in_flight":0,"responses_served":0,"#
                + #""state":"backoff"},{"age_s":12.5,"id":1,"lanes_in_use":1,"reconnects":0,"#
                + #""responses_in_flight":1,"responses_served":7,"state":"connected"}],"#
                + #""queue":{"leases_granted":8,"leases_queued":2,"max_wait_ms":250.5,"waiting":1},"#
                + #""retry_waits":[{"attempt":2,"code":"connect_failed","delay_ms":500,"message":"no connection","#
                + #""run_id":"run_1","server_asked":false,"since_ms":1000}],"transport":"websocket","#
                + #""url":"https://api.openai.com/v1"}"#)
    }

    @Test func theSSETransportReportsItsLeasesAndWhyItServes() throws {
        let upstream = DaemonStatus.Upstream(
            url: "http://127.0.0.1:8080/v1", transport: "sse", transportReason: "configured",
            connections: [.init(id: 0, state: .stopped)],
            queue: .init(waiting: 0, leasesGranted: 0, leasesQueued: 0, maxWaitMillis: 0),
            sse: .init(leasesInUse: 1, leaseCapacity: 8, waiting: 0, requests: 3, httpErrors: 1, lastError: "HTTP 503"))
        try checkCoding(
            upstream,
            json: #"{"connections":[{"id":0,"lanes_in_use":0,"reconnects":0,"responses_in_flight":0,"#
                + #""responses_served":0,"state":"stopped"}],"queue":{"leases_granted":0,"leases_queued":0,"#
                + #""max_wait_ms":0,"waiting":0},"retry_waits":[],"sse":{"http_errors":1,"last_error":"HTTP 503","#
                + #""lease_capacity":8,"leases_in_use":1,"requests":3,"waiting":0},"transport":"sse","#
                + #""transport_reason":"configured","url":"http://127.0.0.1:8080/v1"}"#)
    }

    @Test func aConnectionStateThisClientDoesNotKnowStillDecodes() throws {
        let connection = try JSONCoding.decode(
            DaemonStatus.Upstream.Connection.self,
            from: #"{"id":3,"lanes_in_use":0,"reconnects":0,"responses_in_flight":0,"responses_served":0,"#
                + #""state":"resting"}"#)
        #expect(connection == .init(id: 3, state: .init(rawValue: "resting")))
    }
}
