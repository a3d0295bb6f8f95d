/// A histogram's observations in fixed buckets, and percentiles estimated from them.
struct Histogram: Sendable, Equatable {
    /// Upper bounds of the finite buckets, in nanoseconds, ascending; one more bucket (`+Inf`) follows them.
    let bounds: [Int64]
    /// Observations per bucket (not cumulative): `bounds.count + 1` entries.
    private(set) var counts: [Int]
    private(set) var sumNanoseconds: Int64 = 0
    private(set) var count = 0

    init(bounds: [Int64]) {
        self.bounds = bounds
        counts = Array(repeating: 0, count: bounds.count + 1)
    }

    /// Counts one observation in the first bucket whose bound is at least `nanoseconds` (Prometheus' `le`).
    mutating func record(_ nanoseconds: Int64) {
        var index = 0
        while index < bounds.count, nanoseconds > bounds[index] { index += 1 }
        counts[index] += 1
        count += 1
        let (sum, overflow) = sumNanoseconds.addingReportingOverflow(nanoseconds)
        sumNanoseconds = overflow ? .max : sum
    }

    /// The `q` quantile in seconds, interpolated linearly within the bucket that holds rank `q × count`, as
    /// Prometheus' `histogram_quantile` does; an observation in the `+Inf` bucket answers the largest bound.
    /// `nil` when nothing was observed.
    func quantile(_ q: Double) -> Double? {
        guard count > 0 else { return nil }
        let rank = q * Double(count)
        var lower = 0.0
        var below = 0.0
        for (index, inBucket) in counts.enumerated() {
            let cumulative = below + Double(inBucket)
            if cumulative >= rank {
                guard index < bounds.count else { return lower }
                let upper = Double(bounds[index]) / 1e9
                guard inBucket > 0 else { return upper }
                return lower + (upper - lower) * (rank - below) / Double(inBucket)
            }
            if index < bounds.count { lower = Double(bounds[index]) / 1e9 }
            below = cumulative
        }
        return lower
    }
}
