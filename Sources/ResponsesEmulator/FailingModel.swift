/// `emu-fail`: starts, then fails with `server_error` (in-stream `error` event, then `response.failed`).
struct FailingModel: ScriptedModel {
    func plan(conversation: [JSONValue]) -> ModelPlan {
        .failure(.serverError)
    }
}
