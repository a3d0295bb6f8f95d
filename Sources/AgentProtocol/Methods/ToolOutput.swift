import AgentModel

/// `tool/output`: the output of one finished tool call as the ledger keeps it, a slice at a time.
///
/// The model gets a head+tail excerpt of a long stream; the ledger keeps the whole stream (up to the tool's hard
/// cap) as a blob named in the call's `tool.finished`. A stream that fit the excerpt budget has no blob: it is
/// already whole in the output text the model received, which is returned instead (`source: "output"`).
public enum ToolOutput: ControlMethod {
    public static let name = "tool/output"
    /// The largest slice one request returns.
    public static let maxLimit = 4 << 20

    /// Which stream of the call.
    public enum Stream: String, Codable, Sendable, Equatable {
        case stdout, stderr
    }

    /// Where the bytes come from.
    public enum Source: String, Codable, Sendable, Equatable {
        /// The whole stream, from the ledger's blob table (the model saw an excerpt).
        case blob
        /// The output text the model received: the stream was not cut, so it is there whole.
        case output
    }

    public struct Params: Codable, Sendable, Equatable {
        public var runID: RunID
        public var callID: String
        /// Default `stdout`.
        public var stream: Stream?
        /// The first byte to return; default 0.
        public var offset: Int?
        /// At most this many bytes (1…``ToolOutput/maxLimit``); default ``ToolOutput/maxLimit``.
        public var limit: Int?

        public init(runID: RunID, callID: String, stream: Stream? = nil, offset: Int? = nil, limit: Int? = nil) {
            self.runID = runID
            self.callID = callID
            self.stream = stream
            self.offset = offset
            self.limit = limit
        }

        enum CodingKeys: String, CodingKey {
            case runID = "run_id"
            case callID = "call_id"
            case stream, offset, limit
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var runID: RunID
        public var callID: String
        public var stream: Stream
        public var source: Source
        /// The size of the whole stream (or output text) in bytes.
        public var totalBytes: Int
        /// The offset of the first byte in `data_base64`.
        public var offset: Int
        /// The slice, base64-encoded (tool output need not be UTF-8).
        public var dataBase64: String

        public init(
            runID: RunID, callID: String, stream: Stream, source: Source, totalBytes: Int, offset: Int,
            dataBase64: String
        ) {
            self.runID = runID
            self.callID = callID
            self.stream = stream
            self.source = source
            self.totalBytes = totalBytes
            self.offset = offset
            self.dataBase64 = dataBase64
        }

        enum CodingKeys: String, CodingKey {
            case runID = "run_id"
            case callID = "call_id"
            case stream, source
            case totalBytes = "total_bytes"
            case offset
            case dataBase64 = "data_base64"
        }
    }
}
