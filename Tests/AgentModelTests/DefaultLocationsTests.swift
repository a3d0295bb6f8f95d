import AgentModel
import Testing

/// Where agentd looks for its configuration without `--config` (issue 13 item 5).
struct DefaultLocationsTests {
    @Test func theConfigFileIsTheFirstThatExistsOfXDGHomeAndEtc() {
        let environment = ["XDG_CONFIG_HOME": "/x", "HOME": "/home/u"]
        let all: Set = ["/x/agentd/agentd.toml", "/home/u/.config/agentd/agentd.toml", "/etc/agentd/agentd.toml"]
        #expect(DefaultLocations.configFile(environment: environment) { all.contains($0) } == "/x/agentd/agentd.toml")
        #expect(
            DefaultLocations.configFile(environment: environment) { $0 != "/x/agentd/agentd.toml" && all.contains($0) }
                == "/home/u/.config/agentd/agentd.toml")
        #expect(DefaultLocations.configFile(environment: [:]) { all.contains($0) } == "/etc/agentd/agentd.toml")
        #expect(DefaultLocations.configFile(environment: environment) { _ in false } == nil)
    }
}
