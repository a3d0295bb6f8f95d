import AgentACP
import AgentModel
import ArgumentParser
import Foundation

/// `agentctl acp`: an Agent Client Protocol agent on stdin/stdout, for editors (see docs/editors.md).
struct AcpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "acp",
        abstract: "Serve an editor over the Agent Client Protocol on stdin/stdout (sessions are agentd runs).",
        discussion: """
            The editor starts `agentctl acp` as its agent and speaks newline-delimited JSON-RPC on its stdio; \
            diagnostics go to stderr. A session id is a run id: `agentctl attach/approve/cancel SESSION` work on \
            it. See docs/editors.md for Zed, JetBrains and Neovim configurations.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "Model of new sessions (default: agentd's).")
    var model: String?

    @Option(name: .customLong("require-approval"), help: "A tool whose calls wait for a decision in new sessions (repeatable).")
    var requireApproval: [String] = []

    @Option(name: .customLong("context-window"), help: "Context window in tokens, reported in usage updates.")
    var contextWindow: Int = 400_000

    func run() async throws {
        // A closed stdout is seen as EPIPE by the writer, not as a signal that kills the process.
        signal(SIGPIPE, SIG_IGN)
        let socketPath = global.socketPath
        let environment = ProcessInfo.processInfo.environment
        let uid = getuid()
        let status = await ACPAgent.serve(
            configuration: ACPAgentConfiguration(
                socketPath: socketPath, model: model, requireApproval: requireApproval, contextWindow: contextWindow,
                version: AgentVersion.current,
                connectionAdvice: { error in
                    switch error.code {
                    case .notRunning:
                        ConnectionAdvice.notRunning(socketPath: socketPath, environment: environment, uid: uid)
                    case .permissionDenied: ConnectionAdvice.permissionDenied(socketPath: socketPath, uid: uid)
                    default: ""
                    }
                },
                log: { Console.err($0 + "\n") }))
        if status != 0 { throw ExitCode(status) }
    }
}
