import AgentMCP
import Testing

@testable import agentd

/// `[[mcp.servers]]` entries: read into specs, bad ones refused with file:line, changes wait for a restart.
struct MCPServerConfigTests {
    @Test func anEntryBecomesASpec() throws {
        let config = try DaemonConfiguration.parse(
            """
            [[mcp.servers]]
            name = "files"
            command = "mcp-server-filesystem"
            args = ["/srv"]
            env = { LOG_LEVEL = "warn" }
            timeout_ms = 3000
            approval = "always"
            """, file: "agentd.toml")
        let expected = MCPServerSpec(
            name: "files", command: "mcp-server-filesystem", args: ["/srv"], env: ["LOG_LEVEL": "warn"],
            timeout: .milliseconds(3000), requiresApproval: true)
        #expect(config.mcp.servers == [expected])
    }

    @Test func badEntriesAreRefusedWithTheirLines() {
        let source = """
            [[mcp.servers]]
            name = "a"
            command = "x"
            env = { OPENAI_API_KEY = "sk-no" }

            [[mcp.servers]]
            name = "a"
            command = "y"
            approval = "sometimes"
            """
        let error = #expect(throws: ConfigErrors.self) {
            try DaemonConfiguration.parse(source, file: "agentd.toml")
        }
        let lines = error?.errors.map(\.description) ?? []
        #expect(
            lines == [
                "agentd.toml:4: mcp.servers[0].env: must not pass OPENAI_API_KEY to an MCP server",
                #"agentd.toml:9: mcp.servers[1].approval: must be one of "never", "always", got "sometimes""#,
                "agentd.toml: mcp.servers[1].name: 'a' is defined twice",
            ])
    }

    @Test func addingAServerNeedsARestart() throws {
        let started = DaemonConfiguration()
        let new = try DaemonConfiguration.parse(
            "[[mcp.servers]]\nname = \"a\"\ncommand = \"x\"\n", file: "agentd.toml")
        let changes = ConfigChanges(started: started, applied: started, new: new)
        #expect(changes == ConfigChanges(live: [], needRestart: ["mcp.servers"]))
    }
}
