// Entry point: parse flags and serve until SIGTERM/SIGINT (see EmulatorCommand).
do {
    let command = try EmulatorCommand.parse()
    try await command.serve()
} catch {
    EmulatorCommand.exit(withError: error)
}
