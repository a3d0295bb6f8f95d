import Foundation
import Testing

/// Ctrl-C while a run is followed on a terminal: agentctl detaches and says how to follow the run again; a second
/// Ctrl-C within a second offers to cancel it.
extension TerminalSnapshotTests {
    @Test func ctrlCDetachesAndTheRunContinues() async throws {
        try await withTerminal { harness, terminal in
            try await terminal.typeLine("agentctl start --model emu-slow-1-4000 'one slow step'")
            try await terminal.waitForScreen("the spinner") { screen in
                screen.split(separator: "\n").last.map { Self.isSpinnerLine(String($0)) } ?? false
            }
            try await terminal.press("C-c")
            try await terminal.waitForScreen("the shell again") { $0.hasSuffix("$") }
            try await terminal.typeLine("echo exit=$?")
            let screen = try await terminal.waitForScreen("the exit code") { $0.hasSuffix("$") && $0.contains("exit=") }

            #expect(
                Self.normalized(screen) == """
                    $ agentctl start --model emu-slow-1-4000 'one slow step'
                    run RUN started (model emu-slow-1-4000)
                    [thinking] Planning the next step: checking what the earlier tool outputs say.
                    agentctl: detached; the run continues: agentctl attach RUN
                    $ echo exit=$?
                    exit=130
                    $
                    """)
            let run = try #require(screen.firstMatch(of: /run_[0-9a-z]+/).map { String($0.output) })
            let attach = try await harness.agentctl(["attach", run])
            #expect(attach.status == 0, "the run went on to complete: \(attach.stderr)")
        }
    }

    @Test func aSecondCtrlCOffersToCancelTheRun() async throws {
        try await withTerminal { harness, terminal in
            try await terminal.typeLine("agentctl start --model emu-slow-1-4000 'one slow step'")
            try await terminal.waitForScreen("the spinner") { screen in
                screen.split(separator: "\n").last.map { Self.isSpinnerLine(String($0)) } ?? false
            }
            try await terminal.press("C-c")
            try await terminal.press("C-c")
            try await terminal.waitForScreen("the question") { $0.hasSuffix("[y/N]") }
            try await terminal.press("y")
            try await terminal.waitForScreen("the shell again") { $0.hasSuffix("$") }
            try await terminal.typeLine("echo exit=$?")
            let screen = try await terminal.waitForScreen("the exit code") { $0.hasSuffix("$") && $0.contains("exit=") }

            #expect(
                Self.normalized(screen) == """
                    $ agentctl start --model emu-slow-1-4000 'one slow step'
                    run RUN started (model emu-slow-1-4000)
                    [thinking] Planning the next step: checking what the earlier tool outputs say.
                    agentctl: detached; the run continues: agentctl attach RUN
                    cancel run RUN? [y/N] yes
                    run RUN: cancel requested
                    $ echo exit=$?
                    exit=2
                    $
                    """)
            let run = try #require(screen.firstMatch(of: /run_[0-9a-z]+/).map { String($0.output) })
            let attach = try await harness.agentctl(["attach", run])
            #expect(attach.status == 2, "the run ended cancelled: \(attach.stderr)")
            #expect(attach.stderr.last?.hasPrefix("run \(run) cancelled") == true, "\(attach.stderr)")
        }
    }
}
