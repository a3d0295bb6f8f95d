import ArgumentParser

extension AgentCtl {
    /// Parses `arguments` (without the program name), runs the command with its output on `streams`, and
    /// returns the exit code; usage errors and help go to `streams` as ArgumentParser would print them.
    public static func run(_ arguments: [String], streams: ConsoleStreams) async -> Int32 {
        await Console.$streams.withValue(streams) {
            do {
                var command = try parseAsRoot(arguments)
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
