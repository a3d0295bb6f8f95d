import ServiceLifecycle

/// A long-lived task as a `Service`: cancelled when the service group shuts down gracefully.
struct ClosureService: Service {
    let name: String
    let body: @Sendable () async throws -> Void

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await body()
        }
    }
}
