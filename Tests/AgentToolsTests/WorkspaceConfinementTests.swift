import AgentModel
import Foundation
import Testing

@testable import AgentTools

@Suite("Workspace confinement")
struct WorkspaceConfinementTests {
    @Test func dotDotOutOfTheWorkspaceIsRefused() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        let outcome = await box.call("read_file", ["path": "../../../../../../../etc/passwd"])
        #expect(
            outcome
                == failed(
                    "'../../../../../../../etc/passwd' (/etc/passwd) is outside the workspace (\(box.root)); "
                        + "file tools only reach files under the run's working directory"))
    }

    @Test func absolutePathsOutsideAreRefusedForEveryTool() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        let refusal = failed(
            "'/etc/passwd' is outside the workspace (\(box.root)); file tools only reach files under the run's "
                + "working directory")
        #expect(await box.call("read_file", ["path": "/etc/passwd"]) == refusal)
        #expect(await box.call("search", ["pattern": "root", "path": "/etc/passwd"]) == refusal)
        #expect(await box.call("write_file", ["path": "/etc/passwd", "content": "x"]) == refusal)
        #expect(
            await box.call("list_dir", ["path": "/etc"])
                == failed(
                    "'/etc' is outside the workspace (\(box.root)); file tools only reach files under the run's "
                        + "working directory"))
        #expect(
            await box.call("apply_patch", ["patch": "--- a/../x\n+++ b/../x\n@@ -1 +1 @@\n-a\n+b\n"])
                == failed(
                    "patch not applied: '../x' (\((box.root as NSString).deletingLastPathComponent)/x) is outside "
                        + "the workspace (\(box.root)); file tools only reach files under the run's working "
                        + "directory; no files were changed"))
    }

    @Test func symlinksPointingOutsideAreRefused() async throws {
        let box = try Sandbox()
        let outside = try Sandbox()
        defer {
            box.remove()
            outside.remove()
        }
        try outside.write("secret.txt", "secret\n")
        try FileManager.default.createSymbolicLink(
            atPath: box.path("link.txt"), withDestinationPath: outside.path("secret.txt"))
        try FileManager.default.createSymbolicLink(atPath: box.path("dir"), withDestinationPath: outside.root)
        let suffix =
            "is outside the workspace (\(box.root)); file tools only reach files under the run's working directory"
        #expect(
            await box.call("read_file", ["path": "link.txt"])
                == failed("'link.txt' (\(outside.path("secret.txt"))) \(suffix)"))
        #expect(
            await box.call("write_file", ["path": "dir/new.txt", "content": "x"])
                == failed("'dir/new.txt' (\(outside.path("new.txt"))) \(suffix)"))
        #expect(await box.call("list_dir", ["path": "dir"]) == failed("'dir' (\(outside.root)) \(suffix)"))
        #expect(outside.tree() == ["secret.txt"])
    }

    @Test func missingDirectoriesThenDotDotCannotSneakThroughASymlink() async throws {
        let box = try Sandbox()
        let outside = try Sandbox()
        defer {
            box.remove()
            outside.remove()
        }
        try FileManager.default.createSymbolicLink(atPath: box.path("out"), withDestinationPath: outside.root)
        let outcome = await box.call("write_file", ["path": "nope/../out/x.txt", "content": "x"])
        #expect(
            outcome
                == failed(
                    "'nope/../out/x.txt' (\(outside.path("x.txt"))) is outside the workspace (\(box.root)); file "
                        + "tools only reach files under the run's working directory"))
        #expect(outside.tree() == [])
    }

    @Test func danglingSymlinksAreRefused() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try FileManager.default.createSymbolicLink(atPath: box.path("dangling"), withDestinationPath: "/nonexistent/x")
        #expect(
            await box.call("write_file", ["path": "dangling", "content": "x"])
                == failed("'dangling' goes through a symlink that cannot be resolved"))
    }

    @Test func symlinksInsideTheWorkspaceAndDotDotThatStaysInsideWork() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.write("real/a.txt", "a\n")
        try FileManager.default.createSymbolicLink(atPath: box.path("alias"), withDestinationPath: "real")
        #expect(await box.call("read_file", ["path": "alias/a.txt"]) == succeeded("a\n"))
        #expect(await box.call("read_file", ["path": "real/../real/./a.txt"]) == succeeded("a\n"))
        #expect(await box.call("search", ["pattern": "a", "path": "alias"]) == succeeded("real/a.txt:1:a"))
    }

    @Test func extraRootsAndTheConfinementSwitch() async throws {
        let box = try Sandbox()
        let shared = try Sandbox()
        defer {
            box.remove()
            shared.remove()
        }
        try shared.write("lib.txt", "shared\n")
        var limits = fastLimits
        limits.workspaceRoots = [shared.root]
        #expect(
            await box.call("read_file", ["path": .string(shared.path("lib.txt"))], limits: limits)
                == succeeded("shared\n"))
        var open = fastLimits
        open.confineToWorkspace = false
        #expect(
            await box.call("read_file", ["path": .string(shared.path("lib.txt"))], limits: open)
                == succeeded("shared\n"))
    }

    @Test func aMissingWorkingDirectoryIsAnError() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        #expect(
            await box.call("read_file", ["path": "a"], cwd: "/nonexistent/agenttools")
                == failed("working directory '/nonexistent/agenttools' does not exist or is not a directory"))
    }
}
