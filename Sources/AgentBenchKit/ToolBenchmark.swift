import AgentModel
import AgentTools
import Foundation

/// Micro-benchmarks of the tool runtime.
public enum ToolBenchmark {
    /// End-to-end latency of `shell` with `cmd: "true"` through ``BuiltinTools/execute(_:)``, in milliseconds.
    ///
    /// - Parameters:
    ///   - iterations: calls to time (at least 1), run one after another after one warm-up call.
    ///   - sandbox: when set, each call runs inside it (bubblewrap's namespaces and mounts), as with
    ///     `tools.sandbox = "auto"` where bwrap works.
    public static func spawnOverhead(
        iterations: Int, sandbox: BubblewrapSandbox? = nil
    ) async -> (p50Millis: Double, p99Millis: Double) {
        var limits = ToolLimits()
        limits.sandbox = sandbox
        let tools = BuiltinTools(limits: limits)
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
