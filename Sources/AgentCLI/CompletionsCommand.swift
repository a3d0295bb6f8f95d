import ArgumentParser

/// `agentctl completions SHELL`: the shell completion script, generated from the command definitions.
struct CompletionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "completions",
        abstract: "Print a completion script: agentctl completions bash > /etc/bash_completion.d/agentctl")

    @Argument(help: "bash, zsh or fish.")
    var shell: String

    func run() throws {
        guard let kind = CompletionShell(rawValue: shell) else {
            throw ValidationError("unknown shell '\(shell)'; use bash, zsh or fish")
        }
        Console.out(AgentCtl.completionScript(for: kind) + "\n")
    }
}
