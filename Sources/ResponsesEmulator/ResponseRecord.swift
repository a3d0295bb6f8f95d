/// A finished (or prepared) response as the emulator remembers it, for continuations.
///
/// Records form a chain through ``parent`` so that a long tool loop costs memory linear in its length; the
/// whole conversation is rebuilt on demand.
final class ResponseRecord: Sendable {
    /// `resp_…`
    let id: String
    /// The response this one continued, if any.
    let parent: ResponseRecord?
    /// This turn's items: the request's input items, then the response's output items.
    let items: [JSONValue]
    /// The final Response object, as sent in the terminal event.
    let responseObject: JSONValue
    /// Whether the request asked to store it (then any connection may continue from it).
    let store: Bool
    /// Estimated tokens of the whole conversation up to and including this response's output.
    let conversationTokens: Int

    init(
        id: String,
        parent: ResponseRecord?,
        items: [JSONValue],
        responseObject: JSONValue,
        store: Bool,
        conversationTokens: Int
    ) {
        self.id = id
        self.parent = parent
        self.items = items
        self.responseObject = responseObject
        self.store = store
        self.conversationTokens = conversationTokens
    }

    /// Every item of the chain so far: all input items of every turn plus every output item, in order.
    var conversation: [JSONValue] {
        var chain: [ResponseRecord] = []
        var cursor: ResponseRecord? = self
        while let record = cursor {
            chain.append(record)
            cursor = record.parent
        }
        return chain.reversed().flatMap(\.items)
    }
}
