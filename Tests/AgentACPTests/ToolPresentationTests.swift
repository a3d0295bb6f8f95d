import AgentModel
import Testing

@testable import AgentACP

@Suite("ToolPresentation")
struct ToolPresentationTests {
    @Test func aPatchShowsEachFileAsADiff() {
        let patch = "--- a/src/a.c\n+++ b/src/a.c\n@@ -1,3 +1,3 @@\n int x;\n-int y;\n+long y;\n int z;\n--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1 @@\n+hello\n"
        let arguments = JSONValue.object(["patch": .string(patch)]).serialized
        let presentation = ToolPresentation(name: "apply_patch", arguments: arguments, cwd: "/w")
        #expect(presentation.kind == .edit)
        #expect(presentation.title == "Patch src/a.c, new.txt")
        #expect(presentation.locations == [ToolCallLocation(path: "/w/src/a.c"), ToolCallLocation(path: "/w/new.txt")])
        #expect(
            presentation.diffs == [
                .diff(path: "/w/src/a.c", oldText: "int x;\nint y;\nint z;\n", newText: "int x;\nlong y;\nint z;\n"),
                .diff(path: "/w/new.txt", oldText: nil, newText: "hello\n"),
            ])
    }

    @Test func kindsAndTitlesOfTheBuiltInTools() {
        let cases: [(String, String, ToolCallFields.Kind, String)] = [
            ("shell", #"{"cmd":"make test\nmore"}"#, .execute, "make test …"),
            ("read_file", #"{"path":"./src/../a.txt"}"#, .read, "Read ./src/../a.txt"),
            ("search", #"{"pattern":"TODO"}"#, .search, "Search . for TODO"),
            ("list_dir", #"{"path":"src"}"#, .read, "List src"),
            ("github__create_issue", "{}", .other, "github: create_issue"),
            ("shell", #"{"commands":["ls","pwd"],"timeout_ms":1000}"#, .execute, "ls && pwd"),
            ("apply_patch", #"{"type":"update_file","path":"a.c","diff":"@@\n-x\n+y"}"#, .edit, "Patch a.c"),
        ]
        for (name, arguments, kind, title) in cases {
            let presentation = ToolPresentation(name: name, arguments: arguments, cwd: "/w")
            #expect(presentation.kind == kind, "\(name)")
            #expect(presentation.title == title, "\(name)")
        }
        #expect(ToolPresentation(name: "read_file", arguments: #"{"path":"./src/../a.txt"}"#, cwd: "/w").locations == [ToolCallLocation(path: "/w/a.txt")])
    }
}
