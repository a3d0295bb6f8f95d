import AgentModel

/// Why a subscription to a run's events ended; an open set of strings so new reasons can be added.
public struct AttachEndReason: RawRepresentable, Codable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    /// The run reached a terminal state and every event was delivered.
    public static let runEnded = AttachEndReason(rawValue: "run_ended")
    /// The client asked for it with `run/detach`.
    public static let detached = AttachEndReason(rawValue: "detached")
    /// The client did not read fast enough; reattach from `next_seq`.
    public static let slowConsumer = AttachEndReason(rawValue: "slow_consumer")
    /// The daemon is stopping; reattach from `next_seq` once it is back.
    public static let daemonShutdown = AttachEndReason(rawValue: "daemon_shutdown")
    /// The run is not running in this daemon (e.g. interrupted and not resumed); every event was delivered.
    public static let runNotActive = AttachEndReason(rawValue: "run_not_active")
    /// The daemon could not read the run's events from the ledger; reattach from `next_seq` later.
    public static let ledgerUnreadable = AttachEndReason(rawValue: "ledger_unreadable")

    public init(from decoder: Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }
}

/// One element of an attached run's event stream: an event, or the end marker with the seq to resume from.
public enum AttachItem: Hashable, Sendable {
    /// A committed ledger event, in seq order.
    case event(LedgerEvent)
    /// The end of the stream; `nextSeq` is the first seq not delivered (reattach from it).
    case ended(reason: AttachEndReason, nextSeq: Int64)
}
