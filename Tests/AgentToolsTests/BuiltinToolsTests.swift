import AgentModel
import Testing

@testable import AgentTools

@Suite("BuiltinTools")
struct BuiltinToolsTests {
    let tools = BuiltinTools(limits: fastLimits, baseEnvironment: [:])

    @Test func definitionsNameTheUnknownTool() {
        #expect(
            throws: ToolFailure(
                message: "unknown tool 'grep'; available: apply_patch, list_dir, read_file, search, shell, write_file")
        ) {
            try tools.definitions(for: ["shell", "grep"])
        }
    }

    @Test func executingAnUnknownToolIsAnErrorOutput() async {
        let outcome = await tools.execute(ToolInvocation(callID: "c", name: "nope", arguments: "{}", cwd: "/"))
        #expect(
            outcome
                == ToolOutcome(
                    exitCode: nil, output: #"{"error":"unknown tool 'nope'"}"#, durationMillis: 0, timedOut: false,
                    truncatedBytes: 0))
    }

    @Test func idempotency() {
        #expect(tools.toolNames == ["apply_patch", "list_dir", "read_file", "search", "shell", "write_file"])
        #expect(tools.toolNames.filter(tools.isIdempotent) == ["list_dir", "read_file", "search"])
        #expect(!tools.isIdempotent("nope"))
    }

    @Test func environmentPolicyKeepsOnlyAllowedNonSecretNames() {
        let policy = EnvironmentPolicy(allowedNames: ["HOME", "OPENAI_API_KEY", "TZ"], secretNames: ["OPENAI_API_KEY"])
        let source = ["HOME": "/h", "OPENAI_API_KEY": "sk", "SSH_AUTH_SOCK": "/s", "TZ": "UTC"]
        #expect(
            policy.childEnvironment(from: source) == ["HOME": "/h", "TZ": "UTC", "PATH": EnvironmentPolicy.defaultPath])
        #expect(EnvironmentPolicy().childEnvironment(from: ["PATH": "/p"]) == ["PATH": "/p"])
    }
}
