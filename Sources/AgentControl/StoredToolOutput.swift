import AgentProtocol

/// One stream of a finished tool call as the ledger keeps it: where it comes from and its bytes.
public struct StoredToolOutput: Sendable, Equatable {
    public var source: ToolOutput.Source
    public var bytes: [UInt8]

    public init(source: ToolOutput.Source, bytes: [UInt8]) {
        self.source = source
        self.bytes = bytes
    }
}
