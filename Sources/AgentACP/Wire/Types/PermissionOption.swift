/// One choice offered with `session/request_permission`.
public struct PermissionOption: Codable, Sendable, Equatable {
    /// The four kinds ACP defines.
    public enum Kind: String, Codable, Sendable, Equatable, CaseIterable {
        case allowOnce = "allow_once"
        case allowAlways = "allow_always"
        case rejectOnce = "reject_once"
        case rejectAlways = "reject_always"
    }

    public var optionId: String
    public var name: String
    public var kind: Kind

    public init(optionId: String, name: String, kind: Kind) {
        self.optionId = optionId
        self.name = name
        self.kind = kind
    }

    /// The options agentd offers for every call (the option id is the kind's name).
    public static func standard(tool: String) -> [PermissionOption] {
        [
            PermissionOption(optionId: Kind.allowOnce.rawValue, name: "Allow once", kind: .allowOnce),
            PermissionOption(
                optionId: Kind.allowAlways.rawValue, name: "Always allow \(tool) in this session", kind: .allowAlways),
            PermissionOption(optionId: Kind.rejectOnce.rawValue, name: "Reject", kind: .rejectOnce),
            PermissionOption(
                optionId: Kind.rejectAlways.rawValue, name: "Always reject \(tool) in this session", kind: .rejectAlways),
        ]
    }
}
