/// The machine-readable result line every benchmark prints besides its human output:
/// `metric <snake_case_name> <number> <unit>`; scripts/bench.sh collects these lines into docs/benchmarks.md.
enum MetricLine {
    /// Prints one `metric` line to stdout.
    /// - Parameters:
    ///   - name: snake_case metric name, unique within the subcommand's output.
    ///   - value: the number (NaN and infinities are printed as `nan` so a script sees the gap).
    ///   - unit: `ms`, `events/s`, `MiB`, …
    static func emit(_ name: String, _ value: Double, _ unit: String) {
        let number = value.isFinite ? String((value * 1000).rounded() / 1000) : "nan"
        print("metric \(name) \(number) \(unit)")
    }
}
