import AgentCLI
import Synchronization

/// An ``OutputSink`` that keeps what was written, for a test to read.
final class CapturedOutput: OutputSink {
    private let bytes = Mutex<[UInt8]>([])

    func write(_ bytes: [UInt8]) {
        self.bytes.withLock { $0 += bytes }
    }

    var text: String { String(decoding: bytes.withLock { $0 }, as: UTF8.self) }
}

/// One agentctl invocation run in-process with captured streams.
struct CLIResult {
    var status: Int32
    var stdout: String
    var stderr: String

    static func run(_ arguments: [String]) async -> CLIResult {
        let out = CapturedOutput()
        let err = CapturedOutput()
        let status = await AgentCtl.run(arguments, streams: ConsoleStreams(out: out, err: err))
        return CLIResult(status: status, stdout: out.text, stderr: err.text)
    }
}
