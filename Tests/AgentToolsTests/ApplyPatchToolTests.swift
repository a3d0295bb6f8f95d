import AgentModel
import Foundation
import Testing

@testable import AgentTools

@Suite("apply_patch")
struct ApplyPatchToolTests {
    func apply(_ box: Sandbox, _ patch: String) async -> ToolOutcome {
        await box.call("apply_patch", ["patch": .string(patch)])
    }

    @Test func modifiesAFile() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.write("src/main.c", "int a;\nint b;\nint c;\nint d;\nint e;\n")
        let patch = """
            diff --git a/src/main.c b/src/main.c
            index 1111111..2222222 100644
            --- a/src/main.c
            +++ b/src/main.c
            @@ -2,3 +2,3 @@
             int b;
            -int c;
            +long c;
             int d;

            """
        #expect(await apply(box, patch) == succeeded("applied patch:\nM src/main.c"))
        #expect(box.read("src/main.c") == "int a;\nint b;\nlong c;\nint d;\nint e;\n")
        #expect(box.tree() == ["src", "src/main.c"])
    }

    @Test func hunksApplyInOrderAndToleratesShiftedLineNumbers() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.write("a.txt", (1...10).map { "line \($0)" }.joined(separator: "\n") + "\n")
        // The second hunk's numbers are off by 2; it still matches exactly nearby.
        let patch = """
            --- a/a.txt
            +++ b/a.txt
            @@ -1,2 +1,3 @@
             line 1
            +inserted
             line 2
            @@ -6,2 +7,2 @@
             line 9
            -line 10
            +line ten

            """
        #expect(await apply(box, patch) == succeeded("applied patch:\nM a.txt"))
        let expected = ["line 1", "inserted"] + (2...9).map { "line \($0)" } + ["line ten"]
        #expect(box.read("a.txt") == expected.joined(separator: "\n") + "\n")
    }

    @Test func createsAndDeletesFiles() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.write("old.txt", "bye\nnow\n")
        let patch = """
            --- /dev/null
            +++ b/docs/new.md
            @@ -0,0 +1,2 @@
            +# Title
            +text
            --- a/old.txt
            +++ /dev/null
            @@ -1,2 +0,0 @@
            -bye
            -now

            """
        #expect(await apply(box, patch) == succeeded("applied patch:\nA docs/new.md\nD old.txt"))
        #expect(box.read("docs/new.md") == "# Title\ntext\n")
        #expect(box.tree() == ["docs", "docs/new.md"])
    }

    @Test func noNewlineAtEndOfFileMarkers() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.write("a.txt", "x\ny")
        let patch = """
            --- a/a.txt
            +++ b/a.txt
            @@ -1,2 +1,2 @@
             x
            -y
            \\ No newline at end of file
            +z
            --- /dev/null
            +++ b/b.txt
            @@ -0,0 +1 @@
            +no newline
            \\ No newline at end of file

            """
        #expect(await apply(box, patch) == succeeded("applied patch:\nM a.txt\nA b.txt"))
        #expect(box.read("a.txt") == "x\nz\n")
        #expect(box.read("b.txt") == "no newline")
    }

    @Test func aFailingHunkChangesNoFile() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.write("a.txt", "one\ntwo\n")
        try box.write("b.txt", "alpha\nbeta\ngamma\n")
        try box.write("gone.txt", "x\n")
        let patch = """
            --- a/a.txt
            +++ b/a.txt
            @@ -1,2 +1,2 @@
             one
            -two
            +2
            --- /dev/null
            +++ b/new/c.txt
            @@ -0,0 +1 @@
            +c
            --- a/gone.txt
            +++ /dev/null
            @@ -1 +0,0 @@
            -x
            --- a/b.txt
            +++ b/b.txt
            @@ -1,3 +1,3 @@
             alpha
            -BETA
            +beta2
             gamma

            """
        #expect(
            await apply(box, patch)
                == failed(
                    "patch not applied: hunk 1 (@@ -1,3 +1,3 @@) does not apply to 'b.txt': at line 2 expected "
                        + "\"BETA\", found \"beta\"; its context and removed lines do not appear together anywhere "
                        + "else in the file; no files were changed"))
        #expect(box.read("a.txt") == "one\ntwo\n")
        #expect(box.read("b.txt") == "alpha\nbeta\ngamma\n")
        #expect(box.read("gone.txt") == "x\n")
        #expect(box.tree() == ["a.txt", "b.txt", "gone.txt"])
    }

    @Test func contextPastTheEndOfTheFile() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.write("a.txt", "one\n")
        let patch = "--- a/a.txt\n+++ b/a.txt\n@@ -1,2 +1,2 @@\n one\n-two\n+2\n"
        #expect(
            await apply(box, patch)
                == failed(
                    "patch not applied: hunk 1 (@@ -1,2 +1,2 @@) does not apply to 'a.txt': at line 2 expected "
                        + "\"two\", found the end of the file; its context and removed lines do not appear together "
                        + "anywhere else in the file; no files were changed"))
    }

    @Test func refusesToCreateAnExistingFileOrPatchAMissingOne() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.write("a.txt", "a\n")
        #expect(
            await apply(box, "--- /dev/null\n+++ b/a.txt\n@@ -0,0 +1 @@\n+b\n")
                == failed(
                    "patch not applied: 'a.txt' already exists; a diff from /dev/null only creates new files; "
                        + "no files were changed"))
        #expect(
            await apply(box, "--- a/missing.txt\n+++ b/missing.txt\n@@ -1 +1 @@\n-a\n+b\n")
                == failed("patch not applied: 'missing.txt' does not exist; no files were changed"))
        #expect(box.read("a.txt") == "a\n")
    }

    @Test func aDeletionMustRemoveEveryLine() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.write("a.txt", "a\nb\n")
        #expect(
            await apply(box, "--- a/a.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-a\n")
                == failed(
                    "patch not applied: the diff deletes 'a.txt' but leaves 1 of its lines; its hunks must remove "
                        + "every line; no files were changed"))
        #expect(box.read("a.txt") == "a\nb\n")
    }

    @Test(arguments: [
        ("just some text", "no file headers found; a unified diff starts each file with '--- a/path' and '+++ b/path'"),
        ("@@ -1 +1 @@\n-a\n+b\n", "line 1: a hunk with no '--- a/path' and '+++ b/path' lines before it"),
        (
            // A V4A envelope is read as V4A (see V4APatchTests), and this one is cut short.
            "*** Begin Patch\n*** Update File: a\n",
            "the patch does not end with '*** End Patch'"
        ),
        (
            "*** Begin Patch\n*** Update File: a\n*** End Patch\n",
            "the diff for 'a' has no hunks"
        ),
        (
            "--- a/x\n+++ b/y\n@@ -1 +1 @@\n-a\n+b\n",
            "renaming 'x' to 'y' is not supported; delete the old file and create the new one"
        ),
        ("--- a/x\n+++ b/x\n@@ -1 +1 @@\n", "hunk 1 of 'x' has no lines"),
        (
            "--- a/x\n+++ b/x\n@@ -one +1 @@\n-a\n",
            "hunk 1 of 'x': malformed header '@@ -one +1 @@'; expected '@@ -l,s +l,s @@'"
        ),
        ("--- a/x\n+++ b/x\n", "no hunks for 'x'"),
        (
            "--- /dev/null\n+++ b/x\n@@ -1 +1 @@\n a\n+b\n",
            "hunk 1 of new file 'x' has context or removed lines; a file created from /dev/null has only added lines"
        ),
    ])
    func malformedPatchesAreRefused(patch: String, message: String) async throws {
        let box = try Sandbox()
        defer { box.remove() }
        #expect(await apply(box, patch) == failed("patch not applied: \(message); no files were changed"))
    }

    @Test func binaryTargetsAreRefused() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.write("a.bin", bytes: [0x61, 0x0A, 0x00])
        #expect(
            await apply(box, "--- a/a.bin\n+++ b/a.bin\n@@ -1 +1 @@\n-a\n+b\n")
                == failed("patch not applied: 'a.bin' is not a UTF-8 text file; no files were changed"))
    }

    @Test(arguments: [
        ("{}", "'patch' must be a string"),
        (#"{"patch":""}"#, "'patch' must not be empty"),
        (#"{"patch":"x","dry_run":true}"#, "unknown argument 'dry_run'"),
    ])
    func badArguments(arguments: String, message: String) async throws {
        let box = try Sandbox()
        defer { box.remove() }
        #expect(await box.call("apply_patch", raw: arguments) == failed("invalid arguments: \(message)"))
    }
}

@Suite("apply_patch parsing")
struct ApplyPatchParsingTests {
    @Test func toleratesWrongCountsBlankContextLinesAndSeparators() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.write("f.txt", "a\n\nb\nc\n")
        try box.write("g.txt", "x\n")
        // f's header understates its old lines, g's overstates them; blank lines separate the files.
        let patch =
            "--- a/f.txt\n+++ b/f.txt\n@@ -1,2 +1,2 @@\n a\n\n-b\n+B\n\n"
            + "--- a/g.txt\n+++ b/g.txt\n@@ -1,9 +1,9 @@\n-x\n+y\n\n"
        #expect(
            await box.call("apply_patch", ["patch": .string(patch)]) == succeeded("applied patch:\nM f.txt\nM g.txt"))
        #expect(box.read("f.txt") == "a\n\nB\nc\n")
        #expect(box.read("g.txt") == "y\n")
    }

    @Test func aFileMayAppearTwiceAndBareHunkHeadersMatchByContent() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.write("f.txt", "one\ntwo\nthree\n")
        let patch = "--- a/f.txt\n+++ b/f.txt\n@@\n-one\n+1\n--- a/f.txt\n+++ b/f.txt\n@@ @@\n two\n-three\n+3\n"
        #expect(await box.call("apply_patch", ["patch": .string(patch)]) == succeeded("applied patch:\nM f.txt"))
        #expect(box.read("f.txt") == "1\ntwo\n3\n")
    }

    @Test func parsesPathsHunksAndNewlineMarkers() throws {
        let diff = try UnifiedDiff.parse(
            "--- a/x.c\t2024-01-01 00:00:00\n+++ b/x.c\t2024-01-02\n@@ -3 +3,2 @@ int main()\n-a\n\\ No newline at end of file\n+b\n+c\n"
        )
        let hunk = UnifiedDiff.Hunk(
            header: "@@ -3 +3,2 @@ int main()", oldStart: 3, lines: [.removed("a"), .added("b"), .added("c")],
            oldMissingNewline: true, newMissingNewline: false)
        #expect(diff == UnifiedDiff(files: [.init(oldPath: "x.c", newPath: "x.c", hunks: [hunk])]))
    }
}
