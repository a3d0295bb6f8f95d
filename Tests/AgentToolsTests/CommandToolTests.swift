import AgentModel
import Foundation
import Testing

@testable import AgentTools

/// `[[tools.command]]` tools: schema-checked arguments filled into an argv, run without a shell.
@Suite("CommandTool")
struct CommandToolTests {
    static let parameters: JSONValue = [
        "type": "object",
        "properties": [
            "word": ["type": "string"],
            "count": ["type": "integer", "default": 2],
            "flags": ["type": "array", "items": ["type": "string"]],
            "mode": ["type": "string", "enum": ["a", "b"]],
        ],
        "required": ["word"],
    ]

    func run(_ argv: [String], _ arguments: String, parameters: JSONValue = parameters) async -> ToolOutcome {
        let tool = CommandTool(spec: CommandToolSpec(name: "t", description: "d", argv: argv, parameters: parameters))
        let context = ToolContext(
            callID: "c", cwd: "/", environment: ["PATH": EnvironmentPolicy.defaultPath], limits: fastLimits)
        return await tool.run(arguments: arguments, context: context)
    }

    @Test func placeholdersBecomeArgumentsAndNothingIsParsedByAShell() async {
        let outcome = await run(
            ["printf", "%s|", "{word}", "n={count}", "{flags}", "--mode={mode}", "{{literal}}"],
            #"{"word":"$(echo pwned); *","flags":["-x","y z"]}"#)
        #expect(outcome.exitCode == 0)
        #expect(outcome.output.contains(#""stdout":"$(echo pwned); *|n=2|-x|y z|{literal}|""#))
    }

    @Test(arguments: [
        (#"{}"#, "invalid arguments: 'word' is required"),
        (#"{"word":1}"#, "invalid arguments: 'word' must be a string"),
        (#"{"word":"w","count":1.5}"#, "invalid arguments: 'count' must be an integer"),
        (#"{"word":"w","mode":"c"}"#, #"invalid arguments: 'mode' must be one of ["a","b"]"#),
        (#"{"word":"w","other":1}"#, "invalid arguments: unknown argument 'other'"),
        ("[1]", "invalid arguments: arguments must be a JSON object"),
    ])
    func badArgumentsComeBackAsAnErrorOutput(arguments: String, message: String) async throws {
        let outcome = await run(["echo", "{word}"], arguments)
        let expected = try JSONCoding.encode(["error": message])
        #expect(outcome.output == expected)
        #expect(outcome.exitCode == nil)
    }

    @Test func aMissingProgramIsAnErrorOutput() async {
        let outcome = await run(["no-such-program-agentd"], #"{"word":"w"}"#)
        #expect(outcome.exitCode == nil)
        #expect(outcome.output.contains("was not found in PATH"))
    }

    @Test func specProblemsAreReported() {
        let spec = CommandToolSpec(name: "bad.name", description: "", argv: ["x", "{nope}", "{open"])
        #expect(spec.problems() == [
            "name 'bad.name' must be 1 to 64 characters of a-z, A-Z, 0-9, '_' and '-'",
            "argv uses {nope}, which is not in parameters.properties",
            "argv element '{open': unclosed '{' (write '{{' for a literal brace)",
        ])
    }

    @Test func theDefinitionCarriesTheSchema() {
        let tool = CommandTool(spec: CommandToolSpec(name: "lint", description: "Run make lint", argv: ["make", "lint"]))
        let expected: JSONValue = [
            "type": "function", "name": "lint", "description": "Run make lint",
            "parameters": ["type": "object", "properties": [:]], "strict": false,
        ]
        #expect(tool.definition == expected)
    }
}
