/// Order statistics of a sample of durations, in milliseconds.
package struct Percentiles: CustomStringConvertible {
    package let sorted: [Double]

    package init(_ durations: [Duration]) {
        sorted = durations.map { $0 / .milliseconds(1) }.sorted()
    }

    package init(millis: [Double]) { sorted = millis.sorted() }

    package func quantile(_ q: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let index = min(sorted.count - 1, Int((q * Double(sorted.count - 1)).rounded()))
        return sorted[index]
    }

    package var p50: Double { quantile(0.5) }
    package var p99: Double { quantile(0.99) }

    package var description: String {
        "n=\(sorted.count) p50=\(format(p50)) ms p99=\(format(p99)) ms max=\(format(sorted.last ?? .nan)) ms"
    }

    private func format(_ value: Double) -> String {
        let scaled = (value * 1000).rounded() / 1000
        return "\(scaled)"
    }
}
