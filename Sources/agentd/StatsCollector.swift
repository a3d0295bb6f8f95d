import AgentProtocol
import CoreMetrics
import Synchronization

/// A swift-metrics backend that keeps timers as histograms and counters as totals, for `daemon/stats`.
///
/// The daemon bootstraps it beside Prometheus (``MetricsExporter``), so `daemon/stats` answers with the same
/// observations `daemon/metrics` renders, as typed values: no client parses the Prometheus text back. Its buckets
/// are the Prometheus histograms' buckets, so the percentiles are those `histogram_quantile` would estimate.
final class StatsCollector: MetricsFactory, Sendable {
    /// A metric's name and labels (sorted by label name).
    struct Key: Hashable, Sendable {
        var label: String
        var dimensions: [String]

        init(_ label: String, _ dimensions: [(String, String)]) {
            self.label = label
            self.dimensions = dimensions.sorted { $0.0 < $1.0 }.flatMap { [$0.0, $0.1] }
        }

        var labels: [String: String] {
            Dictionary(stride(from: 0, to: dimensions.count - 1, by: 2).map { (dimensions[$0], dimensions[$0 + 1]) }) {
                first, _ in first
            }
        }
    }

    final class TimerHistogram: TimerHandler, Sendable {
        let histogram: Mutex<Histogram>

        init(bounds: [Int64]) { histogram = Mutex(Histogram(bounds: bounds)) }

        func recordNanoseconds(_ duration: Int64) { histogram.withLock { $0.record(max(0, duration)) } }

        func preferDisplayUnit(_ unit: TimeUnit) {}
    }

    final class CounterTotal: CounterHandler, Sendable {
        let total = Atomic<Int64>(0)

        func increment(by amount: Int64) { total.add(amount, ordering: .relaxed) }

        func reset() { total.store(0, ordering: .relaxed) }
    }

    private let bounds: [Int64]
    private let timers = Mutex<[Key: TimerHistogram]>([:])
    private let counters = Mutex<[Key: CounterTotal]>([:])

    /// - Parameter buckets: the upper bounds of the histograms' finite buckets.
    init(buckets: [Duration]) {
        bounds = buckets.map { $0.components.seconds * 1_000_000_000 + $0.components.attoseconds / 1_000_000_000 }
    }

    // MARK: MetricsFactory

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        // Handles are cached by name and labels, as Prometheus' are: a tool call's timer is made once per call.
        timers.withLock { timers in
            let key = Key(label, dimensions)
            if let timer = timers[key] { return timer }
            let timer = TimerHistogram(bounds: bounds)
            timers[key] = timer
            return timer
        }
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        counters.withLock { counters in
            let key = Key(label, dimensions)
            if let counter = counters[key] { return counter }
            let counter = CounterTotal()
            counters[key] = counter
            return counter
        }
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        NOOPMetricsHandler.instance
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        // Gauges are read at request time instead (``MetricsExporter/Snapshot``).
        NOOPMetricsHandler.instance
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        NOOPMetricsHandler.instance
    }

    func destroyCounter(_ handler: any CounterHandler) {}

    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {}

    func destroyMeter(_ handler: any MeterHandler) {}

    func destroyRecorder(_ handler: any RecorderHandler) {}

    func destroyTimer(_ handler: any TimerHandler) {}

    // MARK: Reading

    /// The total of counter `label` over all its label sets.
    func total(_ label: String) -> Int {
        counters.withLock { counters in
            counters.filter { $0.key.label == label }.values.reduce(0) { $0 + Int($1.total.load(ordering: .relaxed)) }
        }
    }

    /// Every timer with at least one observation: by metric name, then by labels.
    func timerStats() -> [DaemonStats.Timer] {
        let entries = timers.withLock { timers in timers.map { ($0.key, $0.value.histogram.withLock { $0 }) } }
        return entries.filter { $0.1.count > 0 }
            .sorted { a, b in
                guard a.0.label == b.0.label else { return a.0.label < b.0.label }
                return a.0.dimensions.lexicographicallyPrecedes(b.0.dimensions)
            }
            .map { key, histogram in
                DaemonStats.Timer(
                    metric: key.label, labels: key.labels, count: histogram.count,
                    sumSeconds: Double(histogram.sumNanoseconds) / 1e9, p50Seconds: histogram.quantile(0.5) ?? 0,
                    p95Seconds: histogram.quantile(0.95) ?? 0, p99Seconds: histogram.quantile(0.99) ?? 0)
            }
    }
}
