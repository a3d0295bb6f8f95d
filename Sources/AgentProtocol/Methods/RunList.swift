import AgentModel

/// `run/list`: runs, newest first, a page at a time.
public enum RunList: ControlMethod {
    public static let name = "run/list"

    /// Default and maximum page sizes.
    public static let defaultLimit = 50
    public static let maximumLimit = 1000

    public struct Params: Codable, Sendable, Equatable {
        /// Page size, 1…1000 (default 50).
        public var limit: Int?
        /// The `next_cursor` of the previous page.
        public var cursor: String?

        public init(limit: Int? = nil, cursor: String? = nil) {
            self.limit = limit
            self.cursor = cursor
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var runs: [RunListEntry]
        /// Pass as `cursor` to get the next page; absent on the last page.
        public var nextCursor: String?

        public init(runs: [RunListEntry], nextCursor: String? = nil) {
            self.runs = runs
            self.nextCursor = nextCursor
        }

        enum CodingKeys: String, CodingKey {
            case runs
            case nextCursor = "next_cursor"
        }
    }
}
