#if canImport(Glibc)
    import Glibc
#endif

/// An ``OutputSink`` on a file descriptor, written with `write(2)` directly: no buffering, no `try!`.
///
/// A reader that went away (EPIPE: `agentctl log RUN | head -1`) is not an error of agentctl's: on stdout it
/// ends the process quietly with exit 0, as `git log` does; on stderr the text is dropped.
public struct FileDescriptorSink: OutputSink {
    /// What to do when the reader closed its end.
    public enum ClosedReader: Sendable {
        /// End the process at once with exit 0 (nothing agentctl prints after this can be read).
        case exitQuietly
        /// Drop the text.
        case ignore
    }

    let descriptor: Int32
    let closedReader: ClosedReader

    public init(descriptor: Int32, closedReader: ClosedReader) {
        self.descriptor = descriptor
        self.closedReader = closedReader
    }

    public func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written >= 0 {
                    offset += written
                    continue
                }
                switch errno {
                case EINTR, EAGAIN:
                    continue
                case EPIPE where closedReader == .exitQuietly:
                    exit(0)
                default:
                    // EPIPE on stderr, or a descriptor that cannot take more (EIO, ENOSPC): nothing better to
                    // say it on.
                    return
                }
            }
        }
    }
}
