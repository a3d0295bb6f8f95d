import AgentModel
import Foundation
import Testing

@testable import AgentTools

@Suite("search")
struct SearchToolTests {
    @Test func reportsMatchingLinesAsPathLineText() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.write("src/a.swift", "let x = 1\nfunc foo() {}\nfoo(); foo()\n")
        try box.write("src/b.swift", "// nothing\n")
        try box.write("README", "call foo here\n")
        #expect(
            await box.call("search", ["pattern": "foo\\("])
                == succeeded("src/a.swift:2:func foo() {}\nsrc/a.swift:3:foo(); foo()"))
        #expect(
            await box.call("search", ["pattern": "^foo|foo here$", "path": "."])
                == succeeded("README:1:call foo here\nsrc/a.swift:3:foo(); foo()"))
    }

    @Test func zeroLengthMatchesReportEachLineOnceAndNoLinePastTheEnd() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.write("f.txt", "a\n\nb\n")
        #expect(await box.call("search", ["pattern": "^$"]) == succeeded("f.txt:2:"))
        #expect(await box.call("search", ["pattern": "^"]) == succeeded("f.txt:1:a\nf.txt:2:\nf.txt:3:b"))
        #expect(await box.call("search", ["pattern": "(?i)B"]) == succeeded("f.txt:3:b"))
    }

    @Test func searchesOneFileOrASubdirectory() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.write("a.txt", "needle\n")
        try box.write("sub/b.txt", "needle\n")
        #expect(await box.call("search", ["pattern": "needle", "path": "sub"]) == succeeded("sub/b.txt:1:needle"))
        #expect(await box.call("search", ["pattern": "needle", "path": "a.txt"]) == succeeded("a.txt:1:needle"))
        #expect(await box.call("search", ["pattern": "nothing"]) == succeeded("[no matches]"))
    }

    @Test func skipsGitBinaryAndIgnoredFiles() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.write(".git/config", "needle\n")
        try box.write("blob.bin", bytes: Array("needle\n".utf8) + [0, 1])
        try box.write(".gitignore", "# build output\nbuild/\n*.log\n/top.txt\n!keep.log\n")
        try box.write("build/out.txt", "needle\n")
        try box.write("debug.log", "needle\n")
        try box.write("keep.log", "needle\n")
        try box.write("top.txt", "needle\n")
        try box.write("sub/top.txt", "needle\n")
        try box.write("sub/build", "needle\n")  // a file named like an ignored directory
        #expect(
            await box.call("search", ["pattern": "needle"])
                == succeeded("keep.log:1:needle\nsub/build:1:needle\nsub/top.txt:1:needle"))
    }

    @Test func capsMatchesAndLineLength() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.write(
            "a.txt", (1...5).map { "match \($0) " + String(repeating: "y", count: 20) }.joined(separator: "\n"))
        var limits = fastLimits
        limits.files.searchMatches = 2
        limits.files.searchLineCharacters = 10
        #expect(
            await box.call("search", ["pattern": "match"], limits: limits)
                == succeeded(
                    "a.txt:1:match 1 yy…\na.txt:2:match 2 yy…\n"
                        + "[… stopped after 2 matching lines; narrow the pattern or path …]"))
    }

    @Test func skipsFilesOverTheSizeCapAndSaysSo() async throws {
        let box = try Sandbox()
        defer { box.remove() }
        try box.write("big.txt", String(repeating: "needle\n", count: 10))
        try box.write("small.txt", "needle\n")
        var limits = fastLimits
        limits.files.searchFileBytes = 20
        #expect(
            await box.call("search", ["pattern": "needle"], limits: limits)
                == succeeded("small.txt:1:needle\n[… skipped 1 files larger than 20 bytes …]"))
    }

    @Test func doesNotFollowSymlinksOutOfTheWorkspace() async throws {
        let box = try Sandbox()
        let outside = try Sandbox()
        defer {
            box.remove()
            outside.remove()
        }
        try outside.write("secret.txt", "needle\n")
        try FileManager.default.createSymbolicLink(atPath: box.path("out"), withDestinationPath: outside.root)
        #expect(await box.call("search", ["pattern": "needle"]) == succeeded("[no matches]"))
    }

    @Test(arguments: [
        ("{}", "'pattern' must be a string"),
        (#"{"pattern":""}"#, "'pattern' must not be empty"),
        (#"{"pattern":"a("}"#, "'pattern' is not a valid regular expression"),
        (#"{"pattern":"a","path":""}"#, "'path' must not be empty"),
        (#"{"pattern":"a","glob":"*.c"}"#, "unknown argument 'glob'"),
    ])
    func badArguments(arguments: String, message: String) async throws {
        let box = try Sandbox()
        defer { box.remove() }
        #expect(await box.call("search", raw: arguments) == failed("invalid arguments: \(message)"))
    }
}
