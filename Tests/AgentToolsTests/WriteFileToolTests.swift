import AgentModel
import Foundation
import Testing

@testable import AgentTools

@Suite("write_file")
struct WriteFileToolTests {
    @Test func createsParentsAndReportsBytes() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        #expect(
            await box.call("write_file", ["path": "a/b/c.txt", "content": "héllo\n"])
                == succeeded("wrote 7 bytes to a/b/c.txt (new file)"))
        #expect(box.read("a/b/c.txt") == "héllo\n")
        #expect(box.tree() == ["a", "a/b", "a/b/c.txt"])
    }

    @Test func replacesAtomicallyKeepingPermissionsAndLeavingNoTempFile() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.write("run.sh", "old")
        try FileManager.default.setAttributes([.posixPermissions: 0o750], ofItemAtPath: box.path("run.sh"))
        let before = try FileManager.default.attributesOfItem(atPath: box.path("run.sh"))[.systemFileNumber] as? Int
        #expect(
            await box.call("write_file", ["path": "run.sh", "content": "#!/bin/sh\n"])
                == succeeded("wrote 10 bytes to run.sh"))
        let attributes = try FileManager.default.attributesOfItem(atPath: box.path("run.sh"))
        #expect(box.read("run.sh") == "#!/bin/sh\n")
        #expect(attributes[.posixPermissions] as? Int == 0o750)
        // A new inode: the content was renamed into place, not written over the old file.
        #expect(attributes[.systemFileNumber] as? Int != before)
        #expect(box.tree() == ["run.sh"])
    }

    @Test func emptyContentMakesAnEmptyFile() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        #expect(
            await box.call("write_file", ["path": "e", "content": ""]) == succeeded("wrote 0 bytes to e (new file)"))
        #expect(box.read("e") == "")
    }

    @Test func aFailedWriteLeavesNothingBehind() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.write("dir/x", "")
        #expect(await box.call("write_file", ["path": "dir", "content": "x"]) == failed("'dir' is a directory"))
        // A file where a parent directory should be.
        #expect(
            await box.call("write_file", ["path": "dir/x/y.txt", "content": "x"])
                == failed("cannot write 'dir/x/y.txt': Not a directory"))
        #expect(box.tree() == ["dir", "dir/x"])
    }

    @Test(arguments: [
        (#"{"path":"a"}"#, "'content' must be a string"),
        (#"{"content":"x"}"#, "'path' must be a string"),
        (#"{"path":"a","content":5}"#, "'content' must be a string"),
        (#"{"path":"a","content":"x","mode":"0644"}"#, "unknown argument 'mode'"),
    ])
    func badArguments(arguments: String, message: String) async throws {
        let box = try Sandbox()
        defer { box.remove() }
        #expect(await box.call("write_file", raw: arguments) == failed("invalid arguments: \(message)"))
        #expect(box.tree() == [])
    }
}
