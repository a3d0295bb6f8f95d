/// The version of agentd and agentctl (one number for the whole package).
public enum AgentVersion {
    public static let current = "0.1.0"
}
