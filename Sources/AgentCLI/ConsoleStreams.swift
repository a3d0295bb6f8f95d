/// Where one agentctl invocation writes: the intended output, and everything else.
public struct ConsoleStreams: Sendable {
    public var out: any OutputSink
    public var err: any OutputSink

    public init(out: any OutputSink, err: any OutputSink) {
        self.out = out
        self.err = err
    }

    /// The process's stdout and stderr; a closed stdout ends agentctl quietly (exit 0).
    public static let standard = ConsoleStreams(
        out: FileDescriptorSink(descriptor: 1, closedReader: .exitQuietly),
        err: FileDescriptorSink(descriptor: 2, closedReader: .ignore))
}
