import AgentModel
import Foundation
import Testing

/// `--tool-format native`: `shell` and `apply_patch` are offered as the built-in Responses tool types, the model's
/// `shell_call` and `apply_patch_call` items run through the same journal, approvals and crash recovery as function
/// calls, and an item of the type the run did not offer is refused, never run.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct NativeToolsEndToEndTests {
    @Test func aNativeRunCreatesUpdatesRetriesAFailedHunkAndPrintsTheFile() async throws {
        let harness = try await DaemonHarness()
        defer { Task { await harness.stop() } }
        let live = try await harness.agentctl([
            "start", "--model", "emu-native-patch", "--tool-format", "native", "--tool", "apply_patch", "edit notes",
        ])
        #expect(live.status == 0, "stderr: \(live.stderr); agentd: \(harness.daemon.stderr.suffix(12))")
        let content = try String(contentsOfFile: harness.workDirectory + "/notes.txt", encoding: .utf8)
        #expect(content == "alpha\nBETA\nGAMMA\n")
        // Shown as compact diff summaries.
        #expect(live.stdout.contains { $0.hasPrefix("[tool] apply_patch notes.txt: +3 -0 -> exit 0") }, "\(live.stdout)")
        #expect(live.stdout.contains { $0.hasPrefix("[tool] apply_patch notes.txt: +1 -1 -> error") }, "\(live.stdout)")
        #expect(live.stdout.contains { $0.hasPrefix("[tool] shell: cat notes.txt -> exit 0") }, "\(live.stdout)")

        let run = try #require(live.stderr.first { $0.hasPrefix("run run_") }?.split(separator: " ")[1]).description
        #expect(live.stderr.contains("run \(run) started (model emu-native-patch, native tools)"), "\(live.stderr)")
        let shownRun = try await harness.agentctl(["show", run])
        #expect(shownRun.stdout.contains("model     emu-native-patch (native tools)"), "\(shownRun.stdout)")
        let ledger = try await harness.ledger(run)
        let started = try ledger.filter { $0.type == ToolEventType.started }.map {
            try JSONCoding.decode(ToolStarted.self, from: $0.payload)
        }
        #expect(started.map(\.kind) == [.applyPatch, .applyPatch, .applyPatch, .applyPatch, .shell])
        let digest = try sha256sum("completed\ncompleted\nfailed\ncompleted\nalpha\nBETA\nGAMMA\n\n")
        let answer = ledger.last { $0.type == "response.completed" }?.payload ?? ""
        #expect(answer.contains("digest=\(digest)"))

        // The built-in types were offered, and the failed hunk went back to the model naming its context line.
        let recording = try await harness.emulatorRecording()
        #expect(recording.violations == [])
        let requests = recording.connections.flatMap(\.inbound).compactMap { try? JSONValue.parse($0) }
        let tools = try #require(requests.first?["tools"]?.arrayValue)
        #expect(tools == [["type": "shell", "environment": ["type": "local"]], ["type": "apply_patch"]])
        let outputs = requests.flatMap { Items.normalize($0["input"]) }.filter {
            $0["type"] == "apply_patch_call_output"
        }
        #expect(outputs.map { $0["status"]?.stringValue } == ["completed", "completed", "failed", "completed"])
        let failure = try #require(outputs[2]["output"]?.stringValue)
        #expect(failure.contains("hunk 1") && failure.contains("delta"), "\(failure)")

        // `agentctl output` shows the failed call's patch, then its result.
        let failedCall = started[2].callID
        let shown = try await harness.agentctl(["output", run, failedCall])
        #expect(shown.status == 0, "stderr: \(shown.stderr)")
        #expect(Array(shown.stdout.prefix(6)) == ["patch:", "*** Update File: notes.txt", "@@", " delta", "-gamma", "+GAMMA"])
        #expect(shown.stdout.contains("result (failed):"))
        #expect(shown.stdout.last?.contains("hunk 1") == true)
    }

    @Test func aFiveCallShellCallRunRunsEachCommandOnce() async throws {
        let harness = try await DaemonHarness()
        defer { Task { await harness.stop() } }
        let live = try await harness.agentctl(["start", "--model", "emu-native-shell-5", "--tool-format", "native", "go"])
        #expect(live.status == 0, "stderr: \(live.stderr); agentd: \(harness.daemon.stderr.suffix(12))")
        let run = try #require(live.stderr.first { $0.hasPrefix("run run_") }?.split(separator: " ")[1]).description
        let ledger = try await harness.ledger(run)
        let started = try ledger.filter { $0.type == ToolEventType.started }.map {
            try JSONCoding.decode(ToolStarted.self, from: $0.payload)
        }
        #expect(started.map(\.kind) == Array(repeating: .shell, count: 5))
        #expect(Set(started.map(\.callID)).count == 5)
        let commands = started.compactMap { try? JSONValue.parse($0.arguments)["commands"] }
        #expect(commands == (0..<5).map { JSONValue.array([.string("echo step-\($0) $((\($0) * 7 + 3))")]) })
        let answer = ledger.last { $0.type == "response.completed" }?.payload ?? ""
        let digest = try toolLoopDigest(steps: 5)
        #expect(answer.contains("Completed 5 tool calls.") && answer.contains("digest=\(digest)"))
        #expect(try await harness.emulatorRecording().violations == [])
    }

    @Test func aShellCallWaitsForApprovalWhenShellRequiresIt() async throws {
        let harness = try await DaemonHarness()
        defer { Task { await harness.stop() } }
        let run = try await harness.startDetached([
            "--model", "emu-native-shell-1", "--tool-format", "native", "--require-approval", "shell", "go",
        ])
        let follower = try harness.follow(run)
        let call = try await follower.nextApprovalRequest(excluding: [])
        // Nothing ran before the decision.
        #expect(try await harness.ledger(run).filter { $0.type == ToolEventType.started }.isEmpty)
        let approvals = try await harness.agentctl(["approvals"])
        #expect(approvals.stdout.contains { $0.contains("shell: echo step-0") }, "\(approvals.stdout)")
        let decision = try await harness.agentctl(["approve", run, call])
        #expect(decision.status == 0, "stderr: \(decision.stderr)")
        #expect(try await follower.waitForExit(timeout: .seconds(60)) == 0)
        let answer = try await harness.ledger(run).last { $0.type == "response.completed" }?.payload ?? ""
        let digest = try toolLoopDigest(steps: 1)
        #expect(answer.contains("digest=\(digest)"))
    }

    @Test func aShellCallCutShortByACrashWaitsForAPerson() async throws {
        let harness = try await DaemonHarness()
        defer { Task { await harness.stop() } }
        let run = try await harness.startDetached(["--model", "emu-native-slow-1-60000", "--tool-format", "native", "go"])
        let watcher = try harness.follow(run)
        _ = try await watcher.waitForLine { $0.contains(#""type":"tool.started""#) }
        try await harness.crashAndRestartDaemon()
        _ = try? await watcher.waitForExit(timeout: .seconds(30))

        let follower = try harness.follow(run)
        let call = try await follower.nextApprovalRequest(excluding: [])
        let request = try #require(try await harness.ledger(run).last { $0.type == ControlEventType.approvalRequested })
        let requested = try JSONCoding.decode(ApprovalRequested.self, from: request.payload)
        #expect(requested.reason == .uncertain && requested.callID == call && requested.name == "shell")
        let decision = try await harness.agentctl(["approve", run, call, "--deny"])
        #expect(decision.status == 0, "stderr: \(decision.stderr)")
        #expect(try await follower.waitForExit(timeout: .seconds(60)) == 0)

        // The denial went back as the shell_call's own output type; the call never ran again.
        let ledger = try await harness.ledger(run)
        #expect(ledger.last { $0.kind == .run }?.type == RunEventType.completed)
        #expect(ledger.filter { $0.type == ToolEventType.started }.count == 1)
        let recording = try await harness.emulatorRecording()
        #expect(recording.violations == [])
        let answered = recording.connections.flatMap(\.inbound).compactMap { try? JSONValue.parse($0) }
            .flatMap { Items.normalize($0["input"]) }.filter { $0["call_id"]?.stringValue == call }
        #expect(answered.map { $0["type"]?.stringValue } == ["shell_call", "shell_call_output"])
    }

    @Test func theConfiguredToolFormatChoosesByModelPrefixAndAReloadChangesIt() async throws {
        let harness = try await DaemonHarness(daemonConfig: "[run]\nmodel = \"emu-native-shell-1\"\n")
        defer { Task { await harness.stop() } }
        // auto, and "emu-native" is not a prefix of native_tool_models: function tools, so the shell_call is refused.
        let before = try await harness.agentctl(["start", "go"])
        #expect(before.status == 0, "stderr: \(before.stderr)")
        #expect(!before.stderr.contains { $0.contains("native tools") })
        #expect(before.stderr.contains { $0.contains("refused, not run") })

        try "[run]\nmodel = \"emu-native-shell-1\"\ntool_format = \"auto\"\nnative_tool_models = [\"gpt-5\", \"emu-native\"]\n"
            .write(toFile: harness.directory + "/agentd.toml", atomically: true, encoding: .utf8)
        harness.daemon.signal(SIGHUP)
        let reloaded = try await harness.daemon.waitForLine { $0.contains("configuration reloaded") }
        #expect(reloaded.contains("config.applied=run.native_tool_models"), "\(reloaded)")
        let after = try await harness.agentctl(["start", "go"])
        #expect(after.status == 0, "stderr: \(after.stderr)")
        #expect(after.stderr.contains { $0.contains("(model emu-native-shell-1, native tools)") }, "\(after.stderr)")
        #expect(after.stdout.contains { $0.hasPrefix("[tool] shell: echo step-0") && $0.contains("-> exit 0") })
        #expect(!after.stderr.contains { $0.contains("refused") })
    }

    @Test func anItemOfTheTypeTheRunDidNotOfferIsRefusedNeverRun() async throws {
        let harness = try await DaemonHarness()
        defer { Task { await harness.stop() } }
        for (model, format, answer) in [
            ("emu-native-shell-1", "function", "shell_call_output"), ("emu-tools-1", "native", "function_call_output"),
        ] {
            let live = try await harness.agentctl(["start", "--model", model, "--tool-format", format, "go"])
            #expect(live.status == 0, "stderr: \(live.stderr); agentd: \(harness.daemon.stderr.suffix(12))")
            #expect(live.stderr.contains { $0.contains("refused, not run: the run offers this tool as another item type") })
            let run = try #require(live.stderr.first { $0.hasPrefix("run run_") }?.split(separator: " ")[1]).description
            let ledger = try await harness.ledger(run)
            #expect(ledger.filter { $0.type == ToolEventType.started }.isEmpty)
            let refused = try ledger.filter { $0.type == ToolEventType.refused }.map {
                try JSONCoding.decode(ToolRefused.self, from: $0.payload)
            }
            #expect(refused.map(\.reason) == [.wrongItemType])
            let requests = try await harness.emulatorRecording().connections.flatMap(\.inbound)
                .compactMap { try? JSONValue.parse($0) }.filter { $0["model"]?.stringValue == model }
            let outputs = requests.flatMap { Items.normalize($0["input"]) }.filter { $0["call_id"] != nil }
            #expect(outputs.map { $0["type"]?.stringValue } == [answer], "\(outputs)")
        }
        #expect(try await harness.emulatorRecording().violations == [])
    }

    @Test func sendChangesTheToolFormatFromItsTurnOn() async throws {
        let harness = try await DaemonHarness()
        defer { Task { await harness.stop() } }
        let first = try await harness.agentctl(["start", "--model", "emu-chat", "--tool-format", "function", "hello"])
        #expect(first.status == 0, "stderr: \(first.stderr)")
        let run = try #require(first.stderr.first { $0.hasPrefix("run run_") }?.split(separator: " ")[1]).description
        let second = try await harness.agentctl(["send", "--tool-format", "native", run, "again"])
        #expect(second.status == 0, "stderr: \(second.stderr)")

        let creates = try await harness.emulatorRecording().connections.flatMap(\.inbound)
            .compactMap { try? JSONValue.parse($0) }.filter { $0["type"] == "response.create" }
        #expect(creates.count == 2)
        let offered = creates.map { create in
            (create["tools"]?.arrayValue ?? []).filter { $0["type"] == "shell" || $0["name"] == "shell" }
        }
        #expect(offered.first?.first?["type"] == "function")
        #expect(offered.last == [["type": "shell", "environment": ["type": "local"]]])
        let shown = try JSONValue.parse(try await harness.agentctl(["show", run, "--json"]).stdout.joined())
        #expect(shown["tool_format"] == "native")
        #expect(shown["turns"] == 2)
    }
}
