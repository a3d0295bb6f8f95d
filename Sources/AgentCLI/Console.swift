/// Where agentctl writes: the intended output on stdout, everything else on stderr.
///
/// The streams are task-local, so a test runs a command with captured streams (``AgentCtl/run(_:streams:)``)
/// and tasks the command starts write to the same place.
enum Console {
    @TaskLocal static var streams = ConsoleStreams.standard

    static func out(_ text: String) {
        guard !text.isEmpty else { return }
        streams.out.write(Array(text.utf8))
    }

    static func out(bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        streams.out.write(bytes)
    }

    static func err(_ text: String) {
        guard !text.isEmpty else { return }
        streams.err.write(Array(text.utf8))
    }
}
