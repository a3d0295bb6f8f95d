import AgentModel
import Foundation
import Glibc
import Testing

@testable import AgentTools

@Suite("list_dir")
struct ListDirToolTests {
    @Test func listsSortedEntriesWithKinds() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.write("b.txt", "hello")
        try box.write("a/inner.txt", "x")
        try box.write(".hidden", "")
        try FileManager.default.createSymbolicLink(atPath: box.path("link"), withDestinationPath: "b.txt")
        #expect(mkfifo(box.path("queue"), 0o600) == 0)
        #expect(
            await box.call("list_dir", ["path": "."])
                == succeeded(".hidden (0 bytes)\na/\nb.txt (5 bytes)\nlink -> b.txt\nqueue (fifo)"))
        #expect(await box.call("list_dir", ["path": "a"]) == succeeded("inner.txt (1 bytes)"))
    }

    @Test func capsTheEntryCountWithAMarker() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        for index in 0..<5 { try box.write("f\(index)", "") }
        var limits = fastLimits
        limits.files.listEntries = 2
        #expect(
            await box.call("list_dir", ["path": "."], limits: limits)
                == succeeded("f0 (0 bytes)\nf1 (0 bytes)\n[… 3 more entries …]"))
    }

    @Test func emptyDirectory() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        #expect(await box.call("list_dir", ["path": "."]) == succeeded("[empty directory]"))
    }

    @Test func notADirectoryOrMissingIsAnError() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.write("f.txt", "")
        #expect(await box.call("list_dir", ["path": "f.txt"]) == failed("'f.txt' is not a directory"))
        #expect(await box.call("list_dir", ["path": "missing"]) == failed("'missing' does not exist"))
    }

    @Test(arguments: [
        ("{}", "'path' must be a string"),
        (#"{"path":["."]}"#, "'path' must be a string"),
        (#"{"path":".","recursive":true}"#, "unknown argument 'recursive'"),
    ])
    func badArguments(arguments: String, message: String) async throws {
        let box = try Sandbox()
        defer { box.remove() }
        #expect(await box.call("list_dir", raw: arguments) == failed("invalid arguments: \(message)"))
    }
}
