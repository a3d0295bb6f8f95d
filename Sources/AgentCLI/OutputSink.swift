/// A place agentctl's text goes: the process's stdout or stderr, or a buffer in a test.
public protocol OutputSink: Sendable {
    /// Writes `bytes` whole (or, for a reader that went away, as the sink's policy says).
    func write(_ bytes: [UInt8])
}
