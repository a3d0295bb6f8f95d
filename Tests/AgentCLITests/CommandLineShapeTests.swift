@testable import AgentCLI
import Testing

/// Global options before the command, and "did you mean" for a mistyped command (issue 13 item 8).
struct CommandLineShapeTests {
    @Test func globalOptionsBeforeTheCommandMoveAfterIt() {
        #expect(CommandLineShape.normalized(["--socket", "/s", "list", "--json"]) == ["list", "--socket", "/s", "--json"])
        #expect(CommandLineShape.normalized(["--socket=/s", "show", "@last"]) == ["show", "--socket=/s", "@last"])
        #expect(CommandLineShape.normalized(["list", "--socket", "/s"]) == ["list", "--socket", "/s"])
        #expect(CommandLineShape.normalized(["--version"]) == ["--version"])
    }

    @Test func aMistypedCommandGetsTheClosestOne() async {
        let commands = ["start", "attach", "show", "list", "log", "status", "approve", "approvals"]
        #expect(CommandLineShape.suggestion(for: "lst", among: commands) == "list")
        #expect(CommandLineShape.suggestion(for: "stats", among: commands) == "status")
        #expect(CommandLineShape.suggestion(for: "atach", among: commands) == "attach")
        #expect(CommandLineShape.suggestion(for: "list", among: commands) == nil)
        #expect(CommandLineShape.suggestion(for: "frobnicate", among: commands) == nil)

        let result = await CLIResult.run(["lsit"])
        #expect(result.status == 64)
        #expect(result.stderr == "agentctl: unknown command 'lsit'; did you mean 'list'?\n")
    }

    @Test func aRunReferenceMustLookLikeAnIDPrefix() {
        #expect(throws: Never.self) { try RunReference.checkShape("1a251c06") }
        #expect(throws: Never.self) { try RunReference.checkShape("@last") }
        #expect(throws: (any Error).self) { try RunReference.checkShape("1a2") }
        #expect(throws: (any Error).self) { try RunReference.checkShape("x;rm") }
    }
}
