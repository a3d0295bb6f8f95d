/// Order statistics of a sample of durations, in milliseconds.
struct Percentiles: CustomStringConvertible {
    let sorted: [Double]

    init(_ durations: [Duration]) {
        sorted = durations.map { $0 / .milliseconds(1) }.sorted()
    }

    init(millis: [Double]) { sorted = millis.sorted() }

    func quantile(_ q: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let index = min(sorted.count - 1, Int((q * Double(sorted.count - 1)).rounded()))
        return sorted[index]
    }

    var p50: Double { quantile(0.5) }
    var p99: Double { quantile(0.99) }

    var description: String {
        "n=\(sorted.count) p50=\(format(p50)) ms p99=\(format(p99)) ms max=\(format(sorted.last ?? .nan)) ms"
    }

    private func format(_ value: Double) -> String {
        let scaled = (value * 1000).rounded() / 1000
        return "\(scaled)"
    }
}
