/// Numbers measured by ``LedgerBenchmark/run(directory:events:)``.
public struct LedgerBenchmarkResult: Hashable, Sendable, CustomStringConvertible {
    /// Events streamed per measurement.
    public var events: Int
    /// Bytes of each streamed event's payload.
    public var payloadBytes: Int
    /// Streamed deltas of one run (`enqueue` each, then one `append`) per second under `synchronous=FULL`.
    public var streamedFullPerSecond: Double
    /// The same under `synchronous=NORMAL`.
    public var streamedNormalPerSecond: Double
    /// Streamed deltas of 8 interleaved runs per second under `synchronous=FULL`.
    public var interleavedFullPerSecond: Double
    /// Sequential single-event appends timed for the latency percentiles.
    public var latencySamples: Int
    /// Median latency of one single-event `append` under FULL, in milliseconds.
    public var appendLatencyP50Millis: Double
    /// 99th percentile of the same, in milliseconds.
    public var appendLatencyP99Millis: Double
    /// Events per second read back through `events(of:fromSeq:limit:)` in pages.
    public var readBackPerSecond: Double
    /// Page size used for the read-back.
    public var readPageSize: Int

    public init(
        events: Int, payloadBytes: Int, streamedFullPerSecond: Double, streamedNormalPerSecond: Double,
        interleavedFullPerSecond: Double, latencySamples: Int, appendLatencyP50Millis: Double,
        appendLatencyP99Millis: Double,
        readBackPerSecond: Double, readPageSize: Int
    ) {
        self.events = events
        self.payloadBytes = payloadBytes
        self.streamedFullPerSecond = streamedFullPerSecond
        self.streamedNormalPerSecond = streamedNormalPerSecond
        self.interleavedFullPerSecond = interleavedFullPerSecond
        self.latencySamples = latencySamples
        self.appendLatencyP50Millis = appendLatencyP50Millis
        self.appendLatencyP99Millis = appendLatencyP99Millis
        self.readBackPerSecond = readBackPerSecond
        self.readPageSize = readPageSize
    }

    public var description: String {
        """
        ledger benchmark: \(events) events of \(payloadBytes) payload bytes
          streamed append, 1 run, FULL:     \(Self.rate(streamedFullPerSecond)) events/s
          streamed append, 1 run, NORMAL:   \(Self.rate(streamedNormalPerSecond)) events/s
          streamed append, 8 runs, FULL:    \(Self.rate(interleavedFullPerSecond)) events/s
          single append latency, FULL:      p50 \(Self.millis(appendLatencyP50Millis)) ms, \
        p99 \(Self.millis(appendLatencyP99Millis)) ms (\(latencySamples) sequential)
          read-back, pages of \(readPageSize):       \(Self.rate(readBackPerSecond)) events/s
        """
    }

    private static func rate(_ value: Double) -> String {
        String(Int(value.rounded()))
    }

    private static func millis(_ value: Double) -> String {
        String(Double(Int((value * 1000).rounded())) / 1000)
    }
}
