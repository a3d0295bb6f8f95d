import ArgumentParser

extension AgentCtl {
    /// Parses `arguments` (without the program name), runs the command with its output on `streams`, and
    /// returns the exit code; usage errors and help go to `streams` as ArgumentParser would print them.
    ///
    /// Global options may come before the command (`agentctl --socket X list`); a mistyped command gets a
    /// "did you mean".
    public static func run(_ arguments: [String], streams: ConsoleStreams) async -> Int32 {
        await Console.$streams.withValue(streams) {
            let arguments = CommandLineShape.normalized(arguments)
            let commands = configuration.subcommands.map { $0._commandName } + ["help"]
            if let first = arguments.first, let suggestion = CommandLineShape.suggestion(for: first, among: commands) {
                Console.err("agentctl: unknown command '\(first)'; did you mean '\(suggestion)'?\n")
                return ExitCodes.usage.rawValue
            }
            do {
                var command = try await asyncParseAsRoot(arguments)
                if var asyncCommand = command as? AsyncParsableCommand {
                    try await asyncCommand.run()
                } else {
                    try command.run()
                }
                return ExitCode.success.rawValue
            } catch {
                let code = exitCode(for: error)
                let message = fullMessage(for: error)
                if code == .success {
                    Console.out(message.isEmpty ? "" : message + "\n")
                } else {
                    Console.err(message.isEmpty ? "" : message + "\n")
                }
                return code.rawValue
            }
        }
    }
}
