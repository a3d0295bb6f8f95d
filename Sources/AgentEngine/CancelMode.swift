/// How `run/cancel` stops a run.
public enum CancelMode: String, Sendable, Codable {
    /// Stop at once: abandon the streaming response and kill running tools.
    case now
    /// Let the running tool finish, then stop before the next request.
    case afterTool = "after_tool"
}
