import AgentTools
import Testing

@testable import agentd

/// `tools.sandbox`: `auto` (the default) runs tools in bubblewrap wherever the start-up probe found it working.
struct ToolSandboxConfigTests {
    static let probedOK: Result<BubblewrapSandbox, SandboxUnavailable> = .success(BubblewrapSandbox())
    static let probedMissing: Result<BubblewrapSandbox, SandboxUnavailable> =
        .failure(SandboxUnavailable(reason: "/usr/bin/bwrap is not installed"))

    @Test func theDefaultIsAuto() {
        #expect(DaemonConfiguration().tools.sandbox == "auto")
    }

    @Test func autoFollowsTheProbeAndNoneNeverSandboxes() {
        var configuration = DaemonConfiguration()
        let auto = [Self.probedOK, Self.probedMissing].map {
            Daemon.toolLimits(for: configuration, sandboxProbe: $0).sandbox
        }
        #expect(auto == [BubblewrapSandbox(), nil])
        configuration.tools.sandbox = "none"
        #expect(Daemon.toolLimits(for: configuration, sandboxProbe: Self.probedOK).sandbox == nil)
        configuration.tools.sandbox = "bwrap"
        #expect(Daemon.toolLimits(for: configuration, sandboxProbe: Self.probedOK).sandbox == BubblewrapSandbox())
    }

    @Test func theReportedContainmentFollowsTheSandbox() {
        let configuration = DaemonConfiguration()
        let sandboxed = ToolSetFactory.make(configuration, environment: [:], sandboxProbe: Self.probedOK)
        #expect(sandboxed.containment == .sandbox)
        let direct = ToolSetFactory.make(configuration, environment: [:], sandboxProbe: Self.probedMissing)
        #expect(direct.containment != .sandbox)
    }

    @Test func theSandboxHidesWhatItIsGiven() {
        let limits = Daemon.toolLimits(
            for: DaemonConfiguration(), sandboxProbe: Self.probedOK, hiding: ["/var/lib/agentd", "/run/agentd"])
        #expect(limits.sandbox?.hidden == ["/var/lib/agentd", "/run/agentd"])
    }
}
