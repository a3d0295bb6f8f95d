import AgentModel
import AgentTools
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
            samples.append((clock.now - start) / .milliseconds(1))
        }
        let percentiles = Percentiles(millis: samples)
        return (percentiles.p50, percentiles.p99)
    }
}
