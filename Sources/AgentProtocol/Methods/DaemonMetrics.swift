/// `daemon/metrics`: the daemon's measurements in the Prometheus text exposition format (version 0.0.4).
///
/// The text is what a Prometheus scrape would read; `agentctl stats` turns it into a summary with percentiles.
public enum DaemonMetrics: ControlMethod {
    public static let name = "daemon/metrics"

    /// The content type of ``Result/text``.
    public static let contentType = "text/plain; version=0.0.4"

    public typealias Params = EmptyObject

    public struct Result: Codable, Sendable, Equatable {
        /// Always ``DaemonMetrics/contentType``.
        public var contentType: String
        /// Every metric family, one `# TYPE` line then its samples.
        public var text: String

        public init(contentType: String = DaemonMetrics.contentType, text: String) {
            self.contentType = contentType
            self.text = text
        }

        enum CodingKeys: String, CodingKey {
            case contentType = "content_type"
            case text
        }
    }
}
