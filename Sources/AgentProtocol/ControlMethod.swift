/// A request method of the control protocol: a name plus typed params and result.
///
/// Each method lives in its own file as a caseless type with `static let name` and nested `Params`/`Result`.
public protocol ControlMethod {
    /// The params object a client sends.
    associatedtype Params: Codable, Sendable, Equatable
    /// The result object the daemon answers with.
    associatedtype Result: Codable, Sendable, Equatable
    /// The JSON-RPC method name, e.g. `run/start`.
    static var name: String { get }
}

/// A notification the daemon sends (no id, no answer expected).
public protocol ControlNotification {
    /// The params object carried by the notification.
    associatedtype Params: Codable, Sendable, Equatable
    /// The JSON-RPC method name, e.g. `run/event`.
    static var name: String { get }
}

/// The empty object `{}`, used as params or result of methods that carry nothing.
public struct EmptyObject: Codable, Sendable, Equatable, Hashable {
    public init() {}
}
