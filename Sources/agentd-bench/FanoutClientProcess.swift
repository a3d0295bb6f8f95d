import Foundation

/// Runs `agentd-bench fanout-client` as a child process and reads back what its clients received.
enum FanoutClientProcess {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Starts the client process against `socketPath`; it starts the run with `model` itself, attaches every
    /// client and exits when all subscriptions ended.
    static func run(socketPath: String, clients: Int, model: String, directory: String) async throws
        -> FanoutReceipts
    {
        let out = directory + "/receipts.bin"
        let process = Process()
        process.executableURL = URL(
            fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                ?? CommandLine.arguments[0])
        process.arguments = [
            "fanout-client", "--socket", socketPath, "--clients", "\(clients)", "--model", model, "--cwd", directory,
            "--out", out,
        ]
        let status = try await withCheckedThrowingContinuation {
            (continuation: CheckedContinuation<Int32, any Error>) in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        guard status == 0 else { throw Failure(description: "fanout-client exited with status \(status)") }
        guard let receipts = FanoutReceipts(decoding: try Data(contentsOf: URL(fileURLWithPath: out))) else {
            throw Failure(description: "fanout-client wrote a truncated receipts file")
        }
        return receipts
    }
}
