import AgentModel
import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// What the real service does that a short emulator conversation never shows: rate-limit storms, responses cut at
/// `max_output_tokens` or by the content filter, reasoning summaries and `phase`-labelled commentary.
@Suite(.serialized)
struct ServiceRealitiesEndToEndTests {
    /// The wait the storm's 429s ask for.
    static let retryAfterMillis = 700

    @Test(arguments: ["websocket", "sse"])
    func everyRunFinishesThroughA429StormWaitingWhatTheHeadersSay(transport: String) async throws {
        let harness = try await DaemonHarness(daemonConfig: "[upstream]\ntransport = \"\(transport)\"\n")
        defer { Task { await harness.stop() } }
        try await armRateLimitStorm(harness, count: 8)

        let runs = try (0..<4).map { index in
            try ChildProcess(
                "agentctl", ["start", "--model", "emu-tools-3", "storm run \(index)"],
                environment: ["AGENTD_SOCKET": harness.socket], cwd: harness.workDirectory)
        }
        var ids: [String] = []
        for run in runs {
            let status = try await run.waitForExit(timeout: .seconds(120))
            #expect(status == 0, "stderr: \(run.stderr.suffix(3))")
            #expect(run.stdout.contains("digest=\(try toolLoopDigest(steps: 3))"))
            ids += run.stderr.first { $0.hasPrefix("run run_") }.map { [String($0.split(separator: " ")[1])] } ?? []
        }

        var waits: [(retry: LedgerEvent, next: LedgerEvent)] = []
        for id in ids {
            let events = try await harness.agentctl(["log", "--json", id]).stdout.map {
                try JSONCoding.decode(LedgerEvent.self, from: $0)
            }
            for retry in events where retry.type == RunEventType.retryScheduled {
                let next = try #require(events.first { $0.seq > retry.seq && $0.type == UpstreamEventType.create })
                waits.append((retry, next))
                let payload = try JSONCoding.decode(RetryScheduled.self, from: retry.payload)
                #expect(payload.code == "rate_limit_exceeded" && payload.serverAsked)
                // The header's wait plus at most 10 % jitter, never less.
                #expect((Self.retryAfterMillis...(Self.retryAfterMillis * 11 / 10)).contains(payload.delayMillis))
                #expect(next.timestampMillis - retry.timestampMillis >= Int64(Self.retryAfterMillis))
            }
        }
        // Every 429 was waited out once, and no run gave up.
        #expect(waits.count == 8)
    }

    @Test func statusAndShowSayWhatARateLimitedRunWaitsFor() async throws {
        let harness = try await DaemonHarness()
        defer { Task { await harness.stop() } }
        try await armRateLimitStorm(harness, count: 1, retryAfterMillis: 30_000)
        let started = try await harness.agentctl(["start", "--detach", "--json", "--model", "emu-text", "hi"])
        let id = try #require(
            try JSONDecoder().decode([String: String].self, from: Data(started.stdout.joined().utf8))["id"])
        let watcher = try ChildProcess(
            "agentctl", ["attach", id, "--json"], environment: ["AGENTD_SOCKET": harness.socket])
        _ = try await watcher.waitForLine { $0.contains(#""type":"run.retry_scheduled""#) }
        watcher.signal(SIGTERM)
        _ = try? await watcher.waitForExit()

        let status = try await harness.agentctl(["status"])
        #expect(
            status.stdout.contains {
                // 30 s plus at most 10 % jitter.
                $0.hasPrefix("retrying") && $0.contains("\(id): rate_limit_exceeded, waiting 3")
                    && $0.hasSuffix(" s as the server asked (retry-after), attempt 1")
            }, "status: \(status.stdout)")
        let shown = try await harness.agentctl(["show", id])
        #expect(
            shown.stdout.contains {
                $0.hasPrefix("retry     waiting 3")
                    && $0.hasSuffix(" s (server asked: retry-after) after rate_limit_exceeded, attempt 1")
            }, "show: \(shown.stdout)")
        _ = try await harness.agentctl(["cancel", id])
    }

    @Test func reasoningSummariesCommentaryAndCutAnswersReachTheClient() async throws {
        let harness = try await DaemonHarness()
        defer { Task { await harness.stop() } }
        let live = try await harness.agentctl([
            "start", "--model", "emu-tools-2-commentary", "--effort", "low", "--max-output-tokens", "10", "go",
        ])
        #expect(live.status == 0, "stderr: \(live.stderr.suffix(3))")
        let answer = "Completed 2 tool calls.\ndigest=\(try toolLoopDigest(steps: 2))"
        // The cut answer is continued and joined; commentary is progress, not the answer.
        #expect(live.stdout.joined(separator: "\n").contains(answer))
        #expect(!live.stdout.contains { $0.contains("Running step") })
        #expect(live.stderr.contains { $0.contains("[commentary] Running step 0.") })
        #expect(
            live.stderr.contains {
                $0 == "[thinking] Planning the next step: checking what the earlier tool outputs say."
            })

        let id = String(try #require(live.stderr.first { $0.hasPrefix("run run_") }?.split(separator: " ")[1]))
        let shown = try JSONValue.parse(try await harness.agentctl(["show", id, "--json"]).stdout.joined())
        #expect(shown["output_text"]?.stringValue == answer)

        let events = try await harness.agentctl(["log", "--json", id]).stdout.map {
            try JSONCoding.decode(LedgerEvent.self, from: $0)
        }
        let creates = try events.filter { $0.type == UpstreamEventType.create }.map { try JSONValue.parse($0.payload) }
        #expect(
            creates.allSatisfy {
                $0["reasoning"] == ["effort": "low", "summary": "auto"] && $0["max_output_tokens"] == 10
            })
        // Each cut response is continued with no new input, from the cut response.
        let cuts = events.filter { $0.type == "response.incomplete" }
        #expect(cuts.count == 2)
        for cut in cuts {
            let response = try #require(try JSONValue.parse(cut.payload)["response"])
            #expect(response["incomplete_details"] == ["reason": "max_output_tokens"])
            let next = try #require(events.first { $0.seq > cut.seq && $0.type == UpstreamEventType.create })
            let frame = try JSONValue.parse(next.payload)
            #expect(frame["previous_response_id"] == response["id"])
            #expect(frame["input"] == .array([]))
        }
        // The reasoning summaries are in the ledger, so `attach --json` carries them.
        #expect(events.contains { $0.type == UpstreamEventType.reasoningSummaryDelta })
        // Commentary messages keep their phase in the conversation that a rebuild resends.
        #expect(events.contains { $0.type == "response.completed" && $0.payload.contains(#""phase":"commentary""#) })
    }

    @Test func automaticCompactionRulesOutSteeringAndInputGoesToTheNextRequestOnce() async throws {
        // The default config asks for compaction on every request, which the service does not steer.
        let harness = try await DaemonHarness()
        defer { Task { await harness.stop() } }
        let run = try await harness.startDetached(["--model", "emu-text-wait-steer", "first words"])
        let follower = try harness.follow(run)
        _ = try await follower.waitForLine { $0.contains(#""type":"response.output_text.delta""#) }
        let added = try await harness.agentctl(["input", run, "--id", "late", "--json", "queue", "me"])
        #expect(added.status == 0, "stderr: \(added.stderr)")
        #expect(try await follower.waitForExit(timeout: .seconds(60)) == 0)

        let events = try await harness.ledger(run)
        let refusals = events.filter { $0.type == SteerEventType.failed }
        #expect(refusals.count == 1)
        #expect(refusals.first?.payload.contains("steering_not_supported") == true)
        let shown = try JSONValue.parse(try await harness.agentctl(["show", run, "--json"]).stdout.joined())
        #expect(shown["output_text"]?.stringValue == "You said: first wordsYou said: queue me")
    }

    @Test func aContentFilterEndsTheRunWithAClearReason() async throws {
        let harness = try await DaemonHarness()
        defer { Task { await harness.stop() } }
        let live = try await harness.agentctl(["start", "--model", "emu-content-filter", "say something"])
        #expect(live.status != 0)
        #expect(live.stderr.contains { $0.contains("stopped by the content filter") })
    }

    /// The next `count` requests to the emulator get 429 with `retry-after-ms`.
    private func armRateLimitStorm(
        _ harness: DaemonHarness, count: Int, retryAfterMillis: Int = retryAfterMillis
    ) async throws {
        let base = harness.emulatorURL.replacingOccurrences(of: "/v1", with: "")
        var request = URLRequest(
            url: URL(string: base + "/emulator/rate-limit?count=\(count)&retry_after_ms=\(retryAfterMillis)")!)
        request.httpMethod = "POST"
        let (_, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
    }
}
