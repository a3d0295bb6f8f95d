import AgentModel
import Foundation

/// Micro-benchmarks of the tool runtime.
public enum ToolBenchmark {
    /// End-to-end latency of `shell` with `cmd: "true"` through ``BuiltinTools/execute(_:)``, in milliseconds.
    ///
    /// - Parameter iterations: calls to time (at least 1), run one after another after one warm-up call.
    public static func spawnOverhead(iterations: Int) async -> (p50Millis: Double, p99Millis: Double) {
        let tools = BuiltinTools()
        let cwd = FileManager.default.temporaryDirectory.path
        let call = ToolInvocation(callID: "bench", name: "shell", arguments: #"{"cmd":"true"}"#, cwd: cwd)
        _ = await tools.execute(call)
        let clock = ContinuousClock()
        var samples: [Double] = []
        for _ in 0..<max(1, iterations) {
            let start = clock.now
            _ = await tools.execute(call)
            samples.append((clock.now - start).millis)
        }
        samples.sort()
        func percentile(_ p: Double) -> Double {
            samples[min(samples.count - 1, Int((p * Double(samples.count)).rounded(.up)) - 1)]
        }
        return (percentile(0.50), percentile(0.99))
    }
}
