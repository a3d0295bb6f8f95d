import AgentModel
import Foundation
import ResponsesEmulator
import Testing

@testable import AgentUpstream

@Suite(.timeLimit(.minutes(2))) struct AutoUpstreamTests {
    @Test func anUpgradeRefusedWith426FallsBackToSSEForGood() async throws {
        let emulator = EmulatorConfiguration(faults: .init(refuseUpgradeWith426: true))
        try await withEmulator(emulator) { host, baseURL in
            let configuration = testConfiguration(baseURL) { $0.transport = .auto }
            let auto = AutoUpstream(configuration: configuration, logger: LogCapture().logger())
            #expect(await auto.transportStatus() == ("websocket", nil))
            try await whileRunning({ try await auto.run() }) {
                // The lease waits on the pool, which never connects; the fallback hands it to SSE.
                let outcome = try await ChainDriver(
                    upstream: auto, run: RunID(rawValue: "run_auto"), script: .tools(calls: 1)
                ).drive()
                #expect(outcome.texts == [ChainDriver.expectedToolAnswer(outcome)])
                #expect(outcome.fullContextRequests == 2 && outcome.continuationRequests == 0)
                let (active, reason) = await auto.transportStatus()
                #expect(active == "sse")
                #expect(reason?.contains("426") == true)
                #expect(reason?.contains("WebSocket mode is not available") == true)
                #expect(await auto.status().map(\.lastError).contains { $0?.contains("HTTP 426") == true })
                // Sticky: the pool stopped and no new upgrade is tried.
                try await untilConnectionEvent(auto.pool, "the pool stopped") {
                    await auto.status().allSatisfy { $0.state == .stopped }
                }
                #expect(host.recorder.httpRequests().count == 2)
                #expect(host.recorder.violations() == [])
            }
        }
    }

    @Test func repeatedConnectFailuresFallBackAfterTheThreshold() async throws {
        // Nothing listens on port 1: every WebSocket connect is refused.
        var configuration = UpstreamConfiguration(
            url: URL(string: "ws://127.0.0.1:1/v1/responses")!, connectTimeout: .seconds(5),
            backoff: .init(base: .milliseconds(5), cap: .milliseconds(20)), tickInterval: .milliseconds(20),
            transport: .auto, fallbackAfterConnectFailures: 3)
        configuration.connections = 1
        let auto = AutoUpstream(configuration: configuration, logger: LogCapture().logger())
        try await whileRunning({ try await auto.run() }) {
            // The fallback stops the pool, which ends its event stream.
            try await untilConnectionEvent(auto.pool, "fallback") { await auto.transportStatus().active == "sse" }
            let reason = await auto.transportStatus().reason
            #expect(reason?.hasPrefix("3 WebSocket connect attempts failed in a row") == true)
        }
    }

    @Test func websocketModeNeverFallsBack() async throws {
        let emulator = EmulatorConfiguration(faults: .init(refuseUpgradeWith426: true))
        try await withEmulator(emulator) { host, baseURL in
            let configuration = testConfiguration(baseURL) { $0.transport = .websocket }
            let auto = AutoUpstream(configuration: configuration, logger: LogCapture().logger())
            try await whileRunning({ try await auto.run() }) {
                try await untilConnectionEvent(auto.pool, "the refusal is recorded", within: .seconds(60)) {
                    await auto.status().first?.lastError?.contains("HTTP 426") == true
                }
                #expect(await auto.transportStatus() == ("websocket", nil))
                #expect(host.recorder.httpRequests() == [])
            }
        }
    }

    @Test func sseModeUsesSSEFromTheStart() async throws {
        try await withEmulator { host, baseURL in
            let configuration = testConfiguration(baseURL) { $0.transport = .sse }
            let auto = AutoUpstream(configuration: configuration, logger: LogCapture().logger())
            try await whileRunning({ try await auto.run() }) {
                #expect(await auto.transportStatus() == ("sse", "configured"))
                let outcome = try await ChainDriver(
                    upstream: auto, run: RunID(rawValue: "run_sse_mode"), script: .text(turns: 2)
                ).drive()
                #expect(outcome.texts == ["You said: run_sse_mode turn 0", "You said: run_sse_mode turn 1"])
                #expect(host.recorder.connections() == [])
                #expect(host.recorder.httpRequests().count == 2)
            }
        }
    }
}
