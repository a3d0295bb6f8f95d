import AgentModel

enum AgentVersionString {
    static let value = AgentVersion.current
}
