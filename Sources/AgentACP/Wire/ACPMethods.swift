/// Every ACP method `agentctl acp` answers, by name (the registry; anything else gets `-32601`).
public enum ACPMethods {
    /// Requests the editor sends to the agent.
    public static let requests: [String] = [
        ACPInitialize.name, SessionNew.name, SessionLoad.name, SessionPrompt.name, SessionList.name,
        SessionResume.name, SessionFork.name, SessionClose.name,
    ]
    /// Notifications the editor sends to the agent.
    public static let notifications: [String] = [SessionCancel.name]
}
