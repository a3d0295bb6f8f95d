/// The `-commentary` knob: wraps a model so that its assistant messages carry `phase` (gpt-5.3-codex and
/// later): a `commentary` message ("Running step k.") precedes every function call, and the final message is the
/// `final_answer`.
struct CommentaryModel: ScriptedModel {
    var inner: any ScriptedModel

    var eventInterval: Duration? { inner.eventInterval }

    func plan(conversation: [JSONValue]) -> ModelPlan {
        guard case .items(let items) = inner.plan(conversation: conversation) else {
            return inner.plan(conversation: conversation)
        }
        let step = Conversation.functionCallOutputs(conversation).count
        var labelled: [PlannedItem] = []
        for item in items {
            switch item {
            case .functionCall:
                labelled.append(.phasedMessage(text: "Running step \(step).", phase: "commentary"))
                labelled.append(item)
            case .message(let text):
                labelled.append(.phasedMessage(text: text, phase: "final_answer"))
            default:
                labelled.append(item)
            }
        }
        return .items(labelled)
    }
}
