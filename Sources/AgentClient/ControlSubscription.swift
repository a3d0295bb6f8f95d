import AgentProtocol

/// An attached run: its state at attach time, the subscription id, and its events then the end marker.
public struct ControlSubscription: Sendable {
    public var run: RunInfo
    public var subscriptionID: String
    /// `run/event`s in seq order, then one ``AttachItem/ended(reason:nextSeq:)``; finishes after it, or throws
    /// when the connection is lost.
    public var events: AsyncThrowingStream<AttachItem, any Error>
}
