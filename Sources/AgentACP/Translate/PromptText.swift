import AgentProtocol

/// The text agentd sends the model for an ACP prompt: text blocks as they are, resource links as references,
/// embedded resources as context blocks.
enum PromptText {
    /// Joins `blocks` into one prompt.
    ///
    /// - Throws: ``ControlError`` `-32602` naming the block agentd cannot take (images, audio, binary resources),
    ///   or when nothing is left.
    static func make(_ blocks: [ContentBlock]) throws(ControlError) -> String {
        var parts: [String] = []
        for (index, block) in blocks.enumerated() {
            switch block {
            case .text(let text): parts.append(text)
            case .resourceLink(let uri, let name): parts.append("[\(name)](\(uri))")
            case .resource(let uri, let text, _):
                guard let text else {
                    throw .invalidParams(
                        field: "prompt[\(index)].resource", "binary resources are not supported; send text")
                }
                parts.append("<context uri=\"\(uri)\">\n\(text)\n</context>")
            case .unsupported(let type):
                throw .invalidParams(
                    field: "prompt[\(index)].type", "\(type) content is not supported (see promptCapabilities)")
            }
        }
        let text = parts.joined(separator: "\n")
        guard !text.isEmpty else { throw .invalidParams(field: "prompt", "the prompt is empty") }
        return text
    }
}
