@testable import AgentCLI
import Testing

/// Patch calls are shown as `path: +A -R` per file, and native `shell_call`s by their commands.
struct PatchSummaryTests {
    @Test func aNativeOperationIsSummarizedByItsPathAndLineCounts() {
        #expect(
            EventRenderer.summary(
                name: "apply_patch", arguments: #"{"diff":"@@\n alpha\n-beta\n+BETA\n+beta2\n gamma\n","path":"notes.txt","type":"update_file"}"#)
                == "apply_patch notes.txt: +2 -1")
        #expect(
            EventRenderer.summary(name: "apply_patch", arguments: #"{"diff":"+a\n+b\n+c\n","path":"new.txt","type":"create_file"}"#)
                == "apply_patch new.txt: +3 -0")
        #expect(
            EventRenderer.summary(name: "apply_patch", arguments: #"{"path":"old.txt","type":"delete_file"}"#)
                == "apply_patch old.txt: deleted")
    }

    @Test func aFunctionPatchIsSummarizedPerFileInV4AAndUnifiedForm() {
        let v4a = "*** Begin Patch\n*** Add File: a.txt\n+one\n*** Update File: b.txt\n@@ fn main\n ctx\n-old\n+new\n"
            + "*** Delete File: c.txt\n*** End Patch\n"
        #expect(PatchSummary.of(arguments: #"{"patch":\#(quoted(v4a))}"#) == "a.txt: +1 -0, b.txt: +1 -1, c.txt: deleted")
        let unified = "--- a/x.c\n+++ b/x.c\n@@ -1,2 +1,2 @@\n ctx\n-old\n+new\n--- a/gone.c\n+++ /dev/null\n@@ -1 +0,0 @@\n-bye\n"
        #expect(PatchSummary.of(arguments: #"{"patch":\#(quoted(unified))}"#) == "x.c: +1 -1, gone.c: deleted")
    }

    @Test func aNativeShellCallIsSummarizedByItsCommands() {
        #expect(
            EventRenderer.summary(name: "shell", arguments: #"{"commands":["ls -l","cat notes.txt"],"timeout_ms":500}"#)
                == "shell: ls -l; cat notes.txt")
    }

    @Test func theShownPatchOfANativeOperationIsItsV4AFileSection() {
        #expect(
            PatchSummary.patchText(arguments: #"{"diff":"@@\n-a\n+b\n","path":"n.txt","type":"update_file"}"#)
                == "*** Update File: n.txt\n@@\n-a\n+b\n")
    }

    func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\n", with: "\\n") + "\""
    }
}
