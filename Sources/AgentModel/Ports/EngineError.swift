/// Errors the engine reports to its callers (here, beside the other ports' errors, so that the control server maps
/// them to wire errors in its one place, `ControlErrorMapping`, without importing the engine).
public struct EngineError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Machine-readable reason.
    public enum Code: String, Sendable {
        case runNotFound = "run_not_found"
        case invalidRequest = "invalid_request"
        case ledgerUnavailable = "ledger_unavailable"
        case shuttingDown = "shutting_down"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
