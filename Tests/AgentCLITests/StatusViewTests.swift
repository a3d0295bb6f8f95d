@testable import AgentCLI
import AgentModel
import AgentProtocol
import Testing

/// What `agentctl status` says about the upstream (issue 13 item 7, issue 15 item 6): the URL, each connection's
/// state and its last error in words, from the typed `daemon/status`.
struct StatusViewTests {
    private static func status(upstream: DaemonStatus.Upstream) -> DaemonStatus.Result {
        DaemonStatus.Result(
            version: "0.1.0", pid: 42, socketPath: "/run/agentd.sock", stateDir: "/var/lib/agentd",
            startedAtMillis: 1_000, runsActive: 1, clients: 2, upstream: upstream)
    }

    @Test func anUnreachableUpstreamShowsItsURLTheBackoffAndTheErrorInWords() {
        let upstream = DaemonStatus.Upstream(
            url: "http://127.0.0.1:9/v1", transport: "websocket",
            connections: [
                .init(
                    id: 0, state: .backoff, reconnects: 3,
                    lastError: "cannot connect to 127.0.0.1:9: connection refused", nextAttemptMillis: 1_500),
                .init(id: 1, state: .connecting, reconnects: 2, lastError: "cannot connect to 127.0.0.1:9: connection refused"),
            ],
            queue: .init(waiting: 1, leasesGranted: 4, leasesQueued: 1, maxWaitMillis: 1_000),
            retryWaits: [
                .init(
                    runID: "run_1", code: "connect_failed", message: "no connection", delayMillis: 500,
                    sinceMillis: 5_000, serverAsked: false, attempt: 2)
            ])
        let shown = StatusCommand.render(Self.status(upstream: upstream), nowMillis: 11_000)
        #expect(
            shown == """
                agentd    0.1.0 (pid 42, up 10 s)
                socket    /run/agentd.sock
                state     /var/lib/agentd
                runs      1 active
                clients   2 connected
                upstream  http://127.0.0.1:9/v1 over websocket
                queue     1 waiting, 4 leases granted, 1 queued, longest wait 1000 ms
                retrying  run_1: connect_failed, waiting 0.5 s backoff, attempt 2

                CONNECTION  STATE                        AGE S  LANES  IN FLIGHT  SERVED  RECONNECTS  LAST ERROR
                         0  backoff (next try in 1.5 s)      -      0          0       0           3  cannot connect to 127.0.0.1:9: connection refused
                         1  connecting                       -      0          0       0           2  cannot connect to 127.0.0.1:9: connection refused

                """)
    }

    @Test func anErrorWithControlCharactersStaysOnItsLine() {
        let upstream = DaemonStatus.Upstream(
            url: "http://127.0.0.1:9/v1", transport: "websocket",
            connections: [.init(id: 0, state: .backoff, lastError: "bad\n\u{1B}[2Jthing")],
            queue: .init(waiting: 0, leasesGranted: 0, leasesQueued: 0, maxWaitMillis: 0))
        let shown = StatusCommand.render(Self.status(upstream: upstream), nowMillis: 1_000)
        #expect(shown.hasSuffix("0  backoff      -      0          0       0           0  bad^J^[[2Jthing\n"))
    }

    @Test func aRetryAfterAFailedConnectSaysWhatWentWrong() {
        var renderer = EventRenderer()
        let wait = RetryScheduled(
            code: "connect_failed",
            message: "no connection to http://127.0.0.1:9/v1 within 1.0 seconds (last error: cannot connect to "
                + "127.0.0.1:9: connection refused)", delayMillis: 250, attempt: 1, serverAsked: false)
        let event = LedgerEvent(
            runID: RunID(rawValue: "run_1"), seq: 3, timestampMillis: 0, kind: .run, type: RunEventType.retryScheduled,
            payload: try! JSONCoding.encode(wait))
        #expect(
            renderer.render(event).diagnostics
                == "(upstream: connect_failed: retrying in 0.2 s, attempt 1: no connection to http://127.0.0.1:9/v1 "
                + "within 1.0 seconds (last error: cannot connect to 127.0.0.1:9: connection refused))\n")
    }

    @Test func theChainRestartThatEndsARetryWaitIsNotAnnouncedTwice() throws {
        var renderer = EventRenderer()
        let wait = RetryScheduled(code: "connect_failed", message: "no connection", delayMillis: 250, attempt: 1, serverAsked: false)
        let reset = ChainReset(reason: "connect_failed: no connection")
        func event(_ seq: Int64, _ type: String, _ payload: String) -> LedgerEvent {
            LedgerEvent(runID: RunID(rawValue: "run_1"), seq: seq, timestampMillis: 0, kind: .run, type: type, payload: payload)
        }
        #expect(!renderer.render(event(1, RunEventType.retryScheduled, try JSONCoding.encode(wait))).diagnostics.isEmpty)
        #expect(renderer.render(event(2, RunEventType.chainReset, try JSONCoding.encode(reset))).diagnostics == "")
        // A restart of its own (a new connection between turns) is still announced.
        #expect(
            renderer.render(event(3, RunEventType.chainReset, try JSONCoding.encode(reset))).diagnostics
                == "(upstream: continuing with the full conversation: connect_failed: no connection)\n")
    }

    @Test func aServerErrorCodeIsShownWithoutItsMessage() {
        var renderer = EventRenderer()
        let wait = RetryScheduled(
            code: "rate_limit_exceeded", message: "Rate limit reached", delayMillis: 1_500, attempt: 2, serverAsked: true)
        let event = LedgerEvent(
            runID: RunID(rawValue: "run_1"), seq: 3, timestampMillis: 0, kind: .run, type: RunEventType.retryScheduled,
            payload: try! JSONCoding.encode(wait))
        #expect(
            renderer.render(event).diagnostics
                == "(upstream: rate_limit_exceeded: retrying in 1.5 s as the server asked, attempt 2)\n")
    }
}
