/// A program's name and version (`clientInfo`, `agentInfo`).
public struct Implementation: Codable, Sendable, Equatable {
    public var name: String
    public var title: String?
    public var version: String

    public init(name: String, title: String? = nil, version: String) {
        self.name = name
        self.title = title
        self.version = version
    }
}
