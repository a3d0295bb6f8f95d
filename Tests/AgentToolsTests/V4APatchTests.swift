import AgentModel
import Foundation
import Testing

@testable import AgentTools

/// Every case of the V4A format, through the tools as the engine calls them: `apply_patch_call` operations
/// (native) and `*** Begin Patch` envelopes (the function tool), on real files.
@Suite("V4A patches")
struct V4APatchTests {
    /// Applies one `apply_patch_call` operation in `box`.
    func native(_ box: Sandbox, _ operation: JSONValue) async -> ToolOutcome {
        let tools = BuiltinTools(limits: fastLimits, baseEnvironment: [:])
        let input = (try? JSONCoding.encode(operation)) ?? "{}"
        var outcome = await tools.execute(
            ToolInvocation(callID: "c", name: "apply_patch", arguments: input, cwd: box.root, kind: .applyPatch))
        outcome.durationMillis = 0
        return outcome
    }

    func update(_ box: Sandbox, _ path: String, _ diff: String) async -> ToolOutcome {
        await native(box, ["type": "update_file", "path": .string(path), "diff": .string(diff)])
    }

    func applied(_ summary: String) -> ToolOutcome {
        ToolOutcome(exitCode: 0, output: "applied patch:\n\(summary)", durationMillis: 0, timedOut: false, truncatedBytes: 0)
    }

    func refused(_ message: String) -> ToolOutcome {
        ToolOutcome(exitCode: nil, output: message, durationMillis: 0, timedOut: false, truncatedBytes: 0)
    }

    @Test func createFileWritesEveryAddedLineWithANewline() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        let outcome = await native(box, ["type": "create_file", "path": "src/hello.py", "diff": "+def hello():\n+    return 1\n+\n"])
        #expect(outcome == applied("A src/hello.py"))
        #expect(box.read("src/hello.py") == "def hello():\n    return 1\n\n")
    }

    @Test func updateWithOneHunk() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.write("a.txt", "one\ntwo\nthree\nfour\n")
        let outcome = await update(box, "a.txt", "@@\n two\n-three\n+THREE\n four\n")
        #expect(outcome == applied("M a.txt"))
        #expect(box.read("a.txt") == "one\ntwo\nTHREE\nfour\n")
    }

    @Test func firstHunkMayOmitItsHeaderAndHunksApplyInOrder() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.write("a.txt", (1...12).map { "line \($0)\n" }.joined())
        let diff = " line 1\n-line 2\n+line two\n@@\n line 6\n+after six\n line 7\n@@\n line 11\n-line 12\n"
        #expect(await update(box, "a.txt", diff) == applied("M a.txt"))
        let expected =
            ["line 1", "line two"] + (3...6).map { "line \($0)" } + ["after six"] + (7...11).map { "line \($0)" }
        #expect(box.read("a.txt") == expected.map { $0 + "\n" }.joined())
    }

    @Test func anchorPicksTheOccurrenceAfterIt() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.write("m.py", "def a():\n    x = 1\n    return x\n\ndef b():\n    x = 1\n    return x\n")
        #expect(await update(box, "m.py", "@@ def b():\n-    x = 1\n+    x = 2\n     return x\n") == applied("M m.py"))
        #expect(box.read("m.py") == "def a():\n    x = 1\n    return x\n\ndef b():\n    x = 2\n    return x\n")
    }

    @Test func stackedAnchorsNarrowOneAfterTheOther() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        let text = "class A:\n    def run(self):\n        pass\nclass B:\n    def run(self):\n        pass\n"
        try box.write("c.py", text)
        let diff = "@@ class B:\n@@     def run(self):\n-        pass\n+        return 2\n"
        #expect(await update(box, "c.py", diff) == applied("M c.py"))
        #expect(
            box.read("c.py") == "class A:\n    def run(self):\n        pass\nclass B:\n    def run(self):\n        return 2\n")
    }

    @Test func endOfFileHunkAppliesAtTheEndNotAtAnEarlierMatch() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.write("e.txt", "end\nmiddle\nend\n")
        #expect(await update(box, "e.txt", "@@\n end\n+appended\n*** End of File\n") == applied("M e.txt"))
        #expect(box.read("e.txt") == "end\nmiddle\nend\nappended\n")
    }

    @Test func endOfFileKeepsAMissingFinalNewlineMissing() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.write("n.txt", "a\nb")
        #expect(await update(box, "n.txt", "@@\n-b\n+B\n*** End of File\n") == applied("M n.txt"))
        #expect(box.read("n.txt") == "a\nB")
    }

    @Test func contextMatchesIgnoringTrailingWhitespaceAndKeepsTheFilesLines() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.write("w.txt", "alpha  \nbeta\t\ngamma\n")
        // The model dropped the trailing blanks; the file's context lines stay as they were.
        #expect(await update(box, "w.txt", "@@\n alpha\n-beta\n+BETA\n gamma\n") == applied("M w.txt"))
        #expect(box.read("w.txt") == "alpha  \nBETA\ngamma\n")
    }

    @Test func contextMatchesIgnoringSurroundingWhitespace() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.write("w.py", "if x:\n\tif y:\n\t\tgo()\n")
        // The model re-indented with spaces.
        #expect(await update(box, "w.py", "@@\n     if y:\n-        go()\n+\t\tstop()\n") == applied("M w.py"))
        #expect(box.read("w.py") == "if x:\n\tif y:\n\t\tstop()\n")
    }

    @Test func anExactMatchWinsOverAnEarlierLooseOne() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.write("x.txt", "  key\nvalue 1\nkey\nvalue 2\n")
        #expect(await update(box, "x.txt", "@@\n key\n-value 2\n+value two\n") == applied("M x.txt"))
        #expect(box.read("x.txt") == "  key\nvalue 1\nkey\nvalue two\n")
    }

    @Test func crlfFileStaysCRLFAndAddedLinesGetCRLF() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.write("dos.txt", "one\r\ntwo\r\nthree\r\n")
        #expect(await update(box, "dos.txt", "@@\n one\r\n-two\r\n+2\r\n+2.5\r\n three\r\n") == applied("M dos.txt"))
        #expect(box.read("dos.txt") == "one\r\n2\r\n2.5\r\nthree\r\n")
    }

    @Test func mixedLineEndsAreKeptLineByLine() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.write("mix.txt", "a\r\nb\nc\r\n")
        #expect(await update(box, "mix.txt", "@@\n a\n-b\n+B\n c\n") == applied("M mix.txt"))
        // Untouched lines keep their own ends; the added line takes the file's CRLF.
        #expect(box.read("mix.txt") == "a\r\nB\r\nc\r\n")
    }

    @Test func deleteFileRemovesIt() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.write("gone.txt", "bye\n")
        #expect(await native(box, ["type": "delete_file", "path": "gone.txt"]) == applied("D gone.txt"))
        #expect(box.tree() == [])
        #expect(
            await native(box, ["type": "delete_file", "path": "gone.txt"])
                == refused("patch not applied: 'gone.txt' does not exist, so it cannot be deleted; the file was not changed"))
    }

    @Test func contextNotFoundNamesTheHunkTheLineAndTheClosestPlace() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        let text = "def f():\n    a = 1\n    b = 2\n    return a + b\n"
        try box.write("f.py", text)
        let diff = "@@\n-    a = 1\n+    a = 10\n     b = 3\n     return a + b\n"
        let outcome = await update(box, "f.py", diff)
        #expect(
            outcome
                == refused(
                    "patch not applied: hunk 1 of 'f.py' does not apply: its line 3, \"    b = 3\", was not found; the "
                        + "closest place, line 2, matches the 1 line(s) before it, then the file has \"    b = 2\" at "
                        + "line 3 (lines are compared exactly, then ignoring trailing whitespace, then ignoring "
                        + "surrounding whitespace); the file was not changed"))
        #expect(box.read("f.py") == text)
    }

    @Test func aLaterHunkThatFailsLeavesTheFileUntouched() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.write("t.txt", "a\nb\nc\n")
        let outcome = await update(box, "t.txt", "@@\n-a\n+A\n@@\n-zzz\n+Z\n")
        #expect(
            outcome
                == refused(
                    "patch not applied: hunk 2 of 't.txt' does not apply: its line 1, \"zzz\", is not in the file "
                        + "after line 1 (lines are compared exactly, then ignoring trailing whitespace, then ignoring "
                        + "surrounding whitespace); the file was not changed"))
        #expect(box.read("t.txt") == "a\nb\nc\n")
    }

    @Test func anAnchorThatIsNowhereIsAnError() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.write("a.py", "x = 1\n")
        #expect(
            await update(box, "a.py", "@@ def missing():\n-x = 1\n+x = 2\n")
                == refused(
                    "patch not applied: hunk 1 of 'a.py' does not apply: its anchor '@@ def missing():' names a line "
                        + "that is not in the file (not even ignoring whitespace); the file was not changed"))
    }

    @Test func malformedDiffsNameTheLine() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.write("a.txt", "a\n")
        #expect(
            await update(box, "a.txt", "@@\n a\n*bad\n")
                == refused(
                    "patch not applied: line 3 of the diff for 'a.txt' (\"*bad\") does not start with ' ' (context), "
                        + "'-' (remove) or '+' (add); the file was not changed"))
        #expect(
            await update(box, "a.txt", "@@\n-a\n*** End of File\n+b\n")
                == refused(
                    "patch not applied: line 4 of the diff for 'a.txt' follows '*** End of File'; start the next hunk "
                        + "with '@@'; the file was not changed"))
        #expect(
            await native(box, ["type": "create_file", "path": "n.txt", "diff": "+ok\nnot added\n"])
                == refused(
                    "patch not applied: line 2 of the diff for new file 'n.txt' (\"not added\") does not start with "
                        + "'+'; every line of a new file is added; the file was not changed"))
        #expect(
            await native(box, ["type": "rename_file", "path": "a.txt"])
                == refused("invalid operation: 'type' must be create_file, update_file or delete_file, not 'rename_file'"))
        #expect(box.tree() == ["a.txt"])
    }

    @Test(arguments: ["../outside.txt", "/etc/agentd-v4a-test.txt", "link/escape.txt"])
    func pathsOutsideTheWorkspaceAreRefused(_ path: String) async throws {
        let box = try Sandbox()
        let outside = try Sandbox()
        defer {
            box.remove()
            outside.remove()
        }
        try FileManager.default.createSymbolicLink(atPath: box.path("link"), withDestinationPath: outside.root)
        let outcome = await native(box, ["type": "create_file", "path": .string(path), "diff": "+x\n"])
        #expect(outcome.exitCode == nil)
        #expect(outcome.output.hasPrefix("patch not applied: '\(path)'"))
        #expect(outcome.output.contains("is outside the workspace"))
        #expect(outside.tree() == [])
        #expect(box.tree() == ["link"])
    }

    @Test func envelopeThroughTheFunctionToolAddsUpdatesMovesAndDeletes() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.write("keep.txt", "k1\nk2\n")
        try box.write("old.txt", "o1\no2\n")
        try box.write("drop.txt", "d\n")
        let patch = """
            *** Begin Patch
            *** Add File: new/n.txt
            +n1
            +n2

            *** Update File: keep.txt
            @@
             k1
            -k2
            +K2
            *** Update File: old.txt
            *** Move to: moved.txt
            @@
            -o1
            +O1
            *** Delete File: drop.txt
            *** End Patch

            """
        let outcome = await box.call("apply_patch", ["patch": .string(patch)])
        #expect(outcome == succeeded("applied patch:\nA new/n.txt\nM keep.txt\nD old.txt\nA moved.txt\nD drop.txt"))
        #expect(box.tree() == ["keep.txt", "moved.txt", "new", "new/n.txt"])
        #expect(box.read("new/n.txt") == "n1\nn2\n")
        #expect(box.read("keep.txt") == "k1\nK2\n")
        #expect(box.read("moved.txt") == "O1\no2\n")
    }

    @Test func envelopeWithAFailingHunkChangesNothing() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.write("a.txt", "a\n")
        let patch = "*** Begin Patch\n*** Add File: b.txt\n+b\n*** Update File: a.txt\n@@\n-nope\n+x\n*** End Patch\n"
        let outcome = await box.call("apply_patch", ["patch": .string(patch)])
        #expect(
            outcome
                == failed(
                    "patch not applied: hunk 1 of 'a.txt' does not apply: its line 1, \"nope\", is not in the file "
                        + "(lines are compared exactly, then ignoring trailing whitespace, then ignoring surrounding "
                        + "whitespace); no files were changed"))
        #expect(box.tree() == ["a.txt"])
    }

    @Test func envelopeWithoutItsEndIsRefused() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        let outcome = await box.call("apply_patch", ["patch": "*** Begin Patch\n*** Add File: b.txt\n+b\n"])
        #expect(outcome == failed("patch not applied: the patch does not end with '*** End Patch'; no files were changed"))
    }
}
