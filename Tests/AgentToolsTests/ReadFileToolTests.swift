import AgentModel
import Testing

@testable import AgentTools

@Suite("read_file")
struct ReadFileToolTests {
    @Test func readsTheWholeFile() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.write("src/a.txt", "one\ntwo\nthree\n")
        #expect(await box.call("read_file", ["path": "src/a.txt"]) == succeeded("one\ntwo\nthree\n"))
        #expect(await box.call("read_file", ["path": .string(box.path("src/a.txt"))]) == succeeded("one\ntwo\nthree\n"))
    }

    @Test func offsetAndLimitSelectLines() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.write("a.txt", "1\n2\n3\n4\n5")
        #expect(await box.call("read_file", ["path": "a.txt", "offset": 2, "limit": 2]) == succeeded("2\n3\n"))
        #expect(await box.call("read_file", ["path": "a.txt", "offset": 4]) == succeeded("4\n5"))
        #expect(await box.call("read_file", ["path": "a.txt", "limit": 1]) == succeeded("1\n"))
        #expect(await box.call("read_file", ["path": "a.txt", "offset": 5, "limit": 10]) == succeeded("5"))
        #expect(
            await box.call("read_file", ["path": "a.txt", "offset": 6])
                == failed("offset 6 is past the end of 'a.txt', which has 5 lines"))
    }

    @Test func linesSpanningReadChunksAreKeptWhole() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        let long = String(repeating: "x", count: 100_000)
        try box.write("a.txt", "a\n\(long)\nb\n")
        #expect(await box.call("read_file", ["path": "a.txt", "offset": 2, "limit": 1]) == succeeded(long + "\n"))
        #expect(await box.call("read_file", ["path": "a.txt", "offset": 3]) == succeeded("b\n"))
    }

    @Test func cutsAfterTheLastWholeLineThatFitsTheCap() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.write("a.txt", "aaaa\nbbbb\ncccc\ndddd\n")
        var limits = fastLimits
        limits.files.readBytes = 12
        #expect(
            await box.call("read_file", ["path": "a.txt"], limits: limits)
                == succeeded(
                    "aaaa\nbbbb\n\n[… cut at 12 bytes after line 2; read on with offset 3 …]", truncatedBytes: 10))
        #expect(
            await box.call("read_file", ["path": "a.txt", "offset": 2, "limit": 3], limits: limits)
                == succeeded(
                    "bbbb\ncccc\n\n[… cut at 12 bytes after line 3; read on with offset 4 …]", truncatedBytes: 5))
    }

    @Test func aLineLongerThanTheCapIsCutAtACharacterBoundary() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.write("a.txt", "ééééé\nnext\n")  // two bytes per é
        var limits = fastLimits
        limits.files.readBytes = 5
        #expect(
            await box.call("read_file", ["path": "a.txt"], limits: limits)
                == succeeded(
                    "éé\n[… line 1 is longer than 5 bytes; cut after its first 4 bytes …]", truncatedBytes: 12))
    }

    @Test func emptyFile() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.write("empty", "")
        #expect(await box.call("read_file", ["path": "empty"]) == succeeded("[empty file]"))
    }

    @Test func binaryFilesAreRefused() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.write("blob.bin", bytes: [0x7F, 0x45, 0x4C, 0x46, 0, 1, 2])
        #expect(
            await box.call("read_file", ["path": "blob.bin"])
                == failed("'blob.bin' is a binary file; read_file only returns text"))
    }

    @Test func missingFilesAndDirectoriesAreErrors() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.write("dir/a.txt", "a")
        #expect(await box.call("read_file", ["path": "nope.txt"]) == failed("'nope.txt' does not exist"))
        #expect(await box.call("read_file", ["path": "dir"]) == failed("'dir' is a directory"))
    }

    @Test(arguments: [
        ("not json", "arguments must be a JSON object"),
        ("{}", "'path' must be a string"),
        (#"{"path":7}"#, "'path' must be a string"),
        (#"{"path":""}"#, "'path' must not be empty"),
        (#"{"path":"a\u0000b"}"#, "'path' must not contain NUL characters"),
        (#"{"path":"a","offset":0}"#, "'offset' must be an integer of at least 1"),
        (#"{"path":"a","offset":1.5}"#, "'offset' must be an integer of at least 1"),
        (#"{"path":"a","limit":"3"}"#, "'limit' must be an integer of at least 1"),
        (#"{"path":"a","lines":3}"#, "unknown argument 'lines'"),
    ])
    func badArguments(arguments: String, message: String) async throws {
        let box = try Sandbox()
        defer { box.remove() }
        #expect(await box.call("read_file", raw: arguments) == failed("invalid arguments: \(message)"))
    }

    @Test func nullOptionalArgumentsMeanTheDefaults() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.write("a.txt", "a\nb\n")
        #expect(await box.call("read_file", ["path": "a.txt", "offset": nil, "limit": nil]) == succeeded("a\nb\n"))
    }
}
