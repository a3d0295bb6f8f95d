/// Percentiles of a Prometheus histogram, estimated from its cumulative buckets as `histogram_quantile` does.
struct HistogramQuantiles: Codable, Equatable {
    /// What was measured (e.g. `tool call (shell)`).
    var name: String
    var count: Int
    /// Seconds, summed over every observation.
    var sum: Double
    /// Seconds; `nil` when nothing was observed.
    var p50: Double?
    var p95: Double?
    var p99: Double?

    /// Reads one labelled series of a histogram family.
    ///
    /// - Parameter matching: the labels the series must have (besides `le`).
    init?(_ family: PrometheusText.Family, name: String, matching: [String: String] = [:]) {
        let series = family.samples.filter { sample in matching.allSatisfy { sample.labels[$0.key] == $0.value } }
        let buckets = series.filter { $0.name == family.name + "_bucket" }.compactMap { sample -> (Double, Double)? in
            guard let bound = sample.labels["le"].flatMap(Self.bound) else { return nil }
            return (bound, sample.value)
        }.sorted { $0.0 < $1.0 }
        guard !buckets.isEmpty else { return nil }
        self.name = name
        count = Int(series.first { $0.name == family.name + "_count" }?.value ?? buckets.last!.1)
        sum = series.first { $0.name == family.name + "_sum" }?.value ?? 0
        p50 = Self.quantile(0.50, buckets)
        p95 = Self.quantile(0.95, buckets)
        p99 = Self.quantile(0.99, buckets)
    }

    /// Linear interpolation inside the bucket holding rank `q × total`; the `+Inf` bucket answers its lower bound.
    static func quantile(_ q: Double, _ buckets: [(bound: Double, cumulative: Double)]) -> Double? {
        guard let total = buckets.last?.cumulative, total > 0 else { return nil }
        let rank = q * total
        var lower = 0.0
        var below = 0.0
        for (bound, cumulative) in buckets {
            if cumulative >= rank {
                if bound == .infinity { return lower }
                let inBucket = cumulative - below
                guard inBucket > 0 else { return bound }
                return lower + (bound - lower) * (rank - below) / inBucket
            }
            lower = bound
            below = cumulative
        }
        return lower
    }

    private static func bound(_ text: String) -> Double? {
        text == "+Inf" ? .infinity : Double(text)
    }
}
