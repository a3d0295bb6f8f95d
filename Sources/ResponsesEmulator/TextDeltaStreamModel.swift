/// `emu-text-deltas-N-RATE`: one assistant message of N words, streamed as N `response.output_text.delta`
/// events at RATE events per second over WebSocket (for fan-out benchmarks). `emu-text-deltas-N` streams them
/// at the configured inter-event delay.
struct TextDeltaStreamModel: ScriptedModel {
    let deltaCount: Int
    let eventInterval: Duration?

    /// Reads N and RATE from the model name; a name without a valid N streams one delta.
    init(name: String) {
        let parts = name.dropFirst("emu-text-deltas-".count).split(separator: "-")
        deltaCount = parts.first.flatMap { Int($0) }.map { max(1, $0) } ?? 1
        if parts.count > 1, let rate = Int(parts[1]), rate > 0 {
            eventInterval = .nanoseconds(1_000_000_000 / rate)
        } else {
            eventInterval = nil
        }
    }

    func plan(conversation: [JSONValue]) -> ModelPlan {
        // Each word (with its leading space) becomes one delta, as a tokenizer would split it.
        let text = (0..<deltaCount).map { $0 == 0 ? "w0" : " w\($0)" }.joined()
        return .items([.message(text: text)])
    }
}
