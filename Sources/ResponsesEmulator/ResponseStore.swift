import Foundation

/// Responses created with `store: true`, shared by all connections and HTTP requests. Thread-safe.
final class ResponseStore: @unchecked Sendable {
    private let lock = NSLock()
    private var records: [String: ResponseRecord] = [:]

    func get(_ id: String) -> ResponseRecord? {
        lock.withLock { records[id] }
    }

    func put(_ record: ResponseRecord) {
        lock.withLock { records[record.id] = record }
    }
}
