/// `emu-script`: does what the last user message says, so a client test can script a model turn by turn.
///
/// Each line of the last user message is a step: `call NAME {json arguments}` asks for a function call,
/// `say TEXT` adds a line to the final answer; other lines are ignored. The k-th response after that message
/// (k = `function_call_output` items since it) asks for the k-th call; once every call has its output, the
/// answer is the `say` lines joined by newlines (`Done.` when there are none). Example message:
/// `call shell {"cmd":"echo hi"}` / `say All done.`
struct ScriptModel: ScriptedModel {
    func plan(conversation: [JSONValue]) -> ModelPlan {
        var lastUser = -1
        for (index, item) in conversation.enumerated()
        where Conversation.type(of: item) == "message" && item["role"]?.stringValue == "user" {
            lastUser = index
        }
        let script = lastUser >= 0 ? Conversation.text(of: conversation[lastUser]["content"]) : ""
        var calls: [(String, String)] = []
        var said: [String] = []
        for line in script.split(separator: "\n") {
            if line.hasPrefix("call ") {
                let rest = line.dropFirst("call ".count)
                let name = rest.prefix { $0 != " " }
                let arguments = rest.dropFirst(name.count).drop { $0 == " " }
                calls.append((String(name), arguments.isEmpty ? "{}" : String(arguments)))
            } else if line.hasPrefix("say ") {
                said.append(String(line.dropFirst("say ".count)))
            }
        }
        let since = lastUser >= 0 ? Array(conversation[(lastUser + 1)...]) : conversation
        let k = Conversation.functionCallOutputs(since).count
        if k < calls.count {
            return .items([.functionCall(name: calls[k].0, arguments: calls[k].1)])
        }
        return .items([.message(text: said.isEmpty ? "Done." : said.joined(separator: "\n"))])
    }
}
