/// The control protocol's version, `major.minor`; a client with another major version is refused.
public struct ProtocolVersion: Hashable, Sendable, CustomStringConvertible {
    public var major: Int
    public var minor: Int

    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// The version this module speaks.
    public static let current = ProtocolVersion(major: 1, minor: 0)

    /// Parses `"1"` or `"1.0"`; `nil` for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let major = Int(parts[0]), major >= 0 else { return nil }
        var minor = 0
        if parts.count == 2 {
            guard let value = Int(parts[1]), value >= 0 else { return nil }
            minor = value
        }
        self.init(major: major, minor: minor)
    }

    public var description: String { "\(major).\(minor)" }
}
