import ArgumentParser

/// `agentctl`: the command-line client of agentd.
public struct AgentCtl: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "agentctl",
        abstract: "Start, watch and inspect agent runs of the local agentd daemon.",
        discussion: """
            Exit codes: 0 the run completed (or the command succeeded), 1 the run failed, 2 the run was \
            cancelled or interrupted (also when agentd stops with SIGTERM during start/attach), 3 agentd is not \
            reachable or went away while a run was followed (the run goes on when it is back: agentctl attach \
            RUN), 4 the daemon refused the request (or another decision on an approval came first), 64 usage \
            error, 130 Ctrl-C during start/send/attach/resume: agentctl detached and the run continues (a second \
            Ctrl-C within a second offers to cancel it). In chat, Ctrl-C cancels the running turn (the chat \
            goes on) and Ctrl-D leaves (exit 0).
            """,
        version: AgentVersionString.value,
        subcommands: [
            StartCommand.self, SendCommand.self, ChatCommand.self, ForkCommand.self, AttachCommand.self,
            ShowCommand.self, ListCommand.self, LogCommand.self,
            StatusCommand.self, InputCommand.self, CancelCommand.self, ResumeCommand.self, ApproveCommand.self,
            ApprovalsCommand.self, StatsCommand.self, ExportCommand.self, OutputCommand.self, CompletionsCommand.self,
            AcpCommand.self,
        ]
    )

    public init() {}
}
