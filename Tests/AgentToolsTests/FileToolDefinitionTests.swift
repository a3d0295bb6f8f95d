import AgentModel
import Testing

@testable import AgentTools

@Suite("File tool definitions")
struct FileToolDefinitionTests {
    let tools = BuiltinTools(limits: fastLimits, baseEnvironment: [:])

    @Test func everyToolIsAStrictFalseFunctionWithObjectParameters() throws {
        let names = ["read_file", "list_dir", "search", "write_file", "apply_patch"]
        let definitions = try tools.definitions(for: names)
        #expect(definitions.map { $0["name"] } == names.map { .string($0) })
        for definition in definitions {
            #expect(definition["type"] == "function")
            #expect(definition["strict"] == false)
            #expect(definition["parameters"]?["type"] == "object")
            #expect(definition["parameters"]?["additionalProperties"] == false)
            #expect(definition["description"]?.stringValue?.isEmpty == false)
        }
        #expect(
            definitions.map { $0["parameters"]?["required"] } == [
                ["path"], ["path"], ["pattern"], ["path", "content"], ["patch"],
            ])
    }

    @Test func readFileDefinitionIsStable() throws {
        let expected = #"""
            [{"description":"Read a text file in the workspace. Returns the file's text (no line numbers), at most 262144 bytes per call; a final line says where the text was cut and which offset reads on.","name":"read_file","parameters":{"additionalProperties":false,"properties":{"limit":{"description":"How many lines to return. Defaults to the rest of the file.","type":"integer"},"offset":{"description":"The first line to return, counting from 1. Defaults to 1.","type":"integer"},"path":{"description":"The file, relative to the run's working directory or absolute.","type":"string"}},"required":["path"],"type":"object"},"strict":false,"type":"function"}]
            """#
        #expect(try JSONCoding.encode(tools.definitions(for: ["read_file"])) == expected)
    }
}
