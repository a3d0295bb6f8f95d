import Foundation

/// Identifies one run: `run_` followed by a time-ordered, random suffix (sortable by creation time).
public struct RunID: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    /// A new identifier: milliseconds since the epoch in hex, then 8 random hex digits.
    public static func generate(now: Date = Date()) -> RunID {
        let millis = UInt64(max(0, now.timeIntervalSince1970 * 1000))
        let random = UInt32.random(in: .min ... .max)
        return RunID(rawValue: "run_" + String(millis, radix: 16) + hex(random))
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }

    /// Whether `text` has the shape of a run id (used to validate client input early).
    public static func isWellFormed(_ text: String) -> Bool {
        text.hasPrefix("run_") && text.count <= 64
            && text.dropFirst(4).allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
    }

    public var description: String { rawValue }

    public static func < (lhs: RunID, rhs: RunID) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
