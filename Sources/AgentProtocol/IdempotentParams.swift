/// Params of a method that accepts an idempotency key (`request_id`), the Stripe rule.
///
/// A repeat of the same `request_id` (from the same uid) with identical params returns the stored result; the same
/// key with different params is refused with ``ControlError/Code/idempotencyKeyReused``.
public protocol IdempotentParams: Codable, Sendable, Equatable {
    /// The client-chosen idempotency key; `nil` means the request is not deduplicated.
    var requestID: String? { get }
}
