/// A request method of the Agent Client Protocol: a name plus typed params and result (camelCase on the wire).
///
/// Each method lives in its own file under `Methods/` as a caseless type with `static let name` and nested
/// `Params`/`Result`, like the control protocol's methods in AgentProtocol.
public protocol ACPMethod {
    /// The params object the sender sends.
    associatedtype Params: Codable, Sendable, Equatable
    /// The result object the receiver answers with.
    associatedtype Result: Codable, Sendable, Equatable
    /// The JSON-RPC method name, e.g. `session/prompt`.
    static var name: String { get }
}

/// A notification of the Agent Client Protocol (no id, no answer).
public protocol ACPNotification {
    /// The params object carried by the notification.
    associatedtype Params: Codable, Sendable, Equatable
    /// The JSON-RPC method name, e.g. `session/update`.
    static var name: String { get }
}

/// The empty object `{}` that several ACP methods answer with.
public struct ACPEmpty: Codable, Sendable, Equatable {
    public init() {}
}
