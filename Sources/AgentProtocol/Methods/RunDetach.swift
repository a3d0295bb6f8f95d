/// `run/detach`: ends a subscription; its `run/attach_ended` (reason `detached`) precedes this response.
public enum RunDetach: ControlMethod {
    public static let name = "run/detach"

    public struct Params: Codable, Sendable, Equatable {
        public var subscriptionID: String

        public init(subscriptionID: String) { self.subscriptionID = subscriptionID }

        enum CodingKeys: String, CodingKey {
            case subscriptionID = "subscription_id"
        }
    }

    public typealias Result = EmptyObject
}
