import AgentModel
import Foundation
import Glibc
import Testing

@testable import AgentTools

@Suite("ShellTool")
struct ShellToolTests {
    let tools = BuiltinTools(limits: fastLimits, baseEnvironment: ["PATH": "/usr/bin:/bin", "HOME": "/home/agent"])

    func call(_ arguments: String, cwd: String = "/") async -> ToolOutcome {
        await tools.execute(ToolInvocation(callID: "call_1", name: "shell", arguments: arguments, cwd: cwd))
    }

    @Test func reportsStdoutStderrAndExitCodeAsSortedJSON() async {
        let outcome = await call(#"{"cmd":"echo hello; echo oops >&2; exit 3"}"#)
        #expect(
            normalized(outcome)
                == ToolOutcome(
                    exitCode: 3, output: #"{"exit_code":3,"stderr":"oops\n","stdout":"hello\n"}"#, durationMillis: 0,
                    timedOut: false, truncatedBytes: 0))
    }

    @Test func runsInTheRunsWorkingDirectory() async throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let outcome = await call(#"{"cmd":"pwd"}"#, cwd: dir)
        let expected = try JSONCoding.encode(["exit_code": JSONValue(0), "stderr": "", "stdout": .string(dir + "\n")])
        #expect(outcome.output == expected)
    }

    @Test func childEnvironmentHasNoSecrets() async {
        let source = [
            "PATH": "/usr/bin:/bin", "HOME": "/home/agent", "OPENAI_API_KEY": "sk-test-secret",
            "DEPLOY_TOKEN": "tok-secret", "UNLISTED": "x",
        ]
        var limits = fastLimits
        limits.environment.allowedNames += ["OPENAI_API_KEY", "DEPLOY_TOKEN"]
        limits.environment.secretNames.insert("DEPLOY_TOKEN")
        let tools = BuiltinTools(limits: limits, baseEnvironment: source)
        let outcome = await tools.execute(
            ToolInvocation(callID: "c", name: "shell", arguments: #"{"cmd":"env"}"#, cwd: "/"))
        let stdout = (try? JSONCoding.decode(JSONValue.self, from: outcome.output))?["stdout"]?.stringValue ?? ""
        let names = Set(stdout.split(separator: "\n").map { String($0.prefix { $0 != "=" }) })
        #expect(names.isSuperset(of: ["PATH", "HOME"]))
        #expect(names.isDisjoint(with: ["OPENAI_API_KEY", "DEPLOY_TOKEN", "UNLISTED"]))
        #expect(!stdout.contains("secret"))
    }

    @Test func cappedOutputShowsHeadMarkerAndTail() async {
        var limits = fastLimits
        limits.capture = CaptureLimits(headBytes: 8, tailBytes: 4)
        let tools = BuiltinTools(limits: limits, baseEnvironment: [:])
        let outcome = await tools.execute(
            ToolInvocation(callID: "c", name: "shell", arguments: #"{"cmd":"printf 0123456789abcdefghij"}"#, cwd: "/"))
        var expected = ToolOutcome(
            exitCode: 0, output: #"{"exit_code":0,"stderr":"","stdout":"01234567\n[… 8 bytes cut …]\nghij"}"#,
            durationMillis: 0, timedOut: false, truncatedBytes: 8)
        // The cut stream, whole, for the ledger's blob table.
        expected.fullStdout = Array("0123456789abcdefghij".utf8)
        #expect(normalized(outcome) == expected)
    }

    @Test func fiftyMegabytesAreCappedToHeadAndTail() async {
        let outcome = await call(#"{"cmd":"yes 0123456789abcde | head -c 52428800"}"#)
        let line = "0123456789abcde\n"
        let kept = String(repeating: line, count: 16 * 1024 / line.utf8.count)
        let cut = 52_428_800 - 2 * 16 * 1024
        let expected = try? JSONCoding.encode([
            "exit_code": JSONValue(0), "stderr": "", "stdout": .string(kept + "\n[… \(cut) bytes cut …]\n" + kept),
        ])
        #expect(outcome.output == expected)
        #expect(outcome.truncatedBytes == cut)
    }

    @Test func concurrentCallsKeepTheirOwnOutput() async {
        let outputs = await withTaskGroup(of: (Int, String).self) { group in
            for index in 0..<16 {
                group.addTask { (index, await call(#"{"cmd":"echo \#(index)"}"#).output) }
            }
            return await group.reduce(into: [Int: String]()) { $0[$1.0] = $1.1 }
        }
        #expect(
            outputs
                == Dictionary(
                    uniqueKeysWithValues: (0..<16).map {
                        ($0, #"{"exit_code":0,"stderr":"","stdout":"\#($0)\n"}"#)
                    }))
    }

    @Test func timeoutKillsAndIsReported() async {
        let outcome = await call(#"{"cmd":"sleep 30","timeout_ms":300}"#)
        #expect(
            normalized(outcome)
                == ToolOutcome(
                    exitCode: nil,
                    output: #"{"exit_code":143,"signal":"SIGTERM","stderr":"","stdout":"","timed_out":true}"#,
                    durationMillis: 0, timedOut: true, truncatedBytes: 0))
        // SIGTERM with `timed_out` is the proof that the sleep was killed rather than left to run its 30 s; how
        // long it took is not asserted (under load it is anyone's guess).
    }

    @Test(arguments: [
        ("not json", "arguments must be a JSON object"),
        ("[1]", "arguments must be a JSON object"),
        ("{}", "'cmd' must be a string"),
        (#"{"cmd":5}"#, "'cmd' must be a string"),
        (#"{"cmd":""}"#, "'cmd' must not be empty"),
        (#"{"cmd":"echo a\u0000b"}"#, "'cmd' must not contain NUL characters"),
        (#"{"cmd":"true","timeout_ms":0}"#, "'timeout_ms' must be an integer from 1 to 600000"),
        (#"{"cmd":"true","timeout_ms":600001}"#, "'timeout_ms' must be an integer from 1 to 600000"),
        (#"{"cmd":"true","timeout_ms":1.5}"#, "'timeout_ms' must be an integer from 1 to 600000"),
        (#"{"cmd":"true","timeout_ms":"100"}"#, "'timeout_ms' must be an integer from 1 to 600000"),
        (#"{"cmd":"true","cwd":"/"}"#, "unknown argument 'cwd'"),
    ])
    func badArgumentsComeBackAsAnErrorOutput(arguments: String, message: String) async throws {
        let outcome = await call(arguments)
        let expected = try JSONCoding.encode(["error": "invalid arguments: \(message)"])
        #expect(
            normalized(outcome)
                == ToolOutcome(exitCode: nil, output: expected, durationMillis: 0, timedOut: false, truncatedBytes: 0))
    }

    @Test func nullTimeoutMeansTheDefault() async {
        let outcome = await call(#"{"cmd":"echo ok","timeout_ms":null}"#)
        #expect(outcome.output == #"{"exit_code":0,"stderr":"","stdout":"ok\n"}"#)
    }

    @Test func missingWorkingDirectoryIsAnErrorOutput() async {
        let outcome = await call(#"{"cmd":"true"}"#, cwd: "/nonexistent/agenttools")
        #expect(
            normalized(outcome)
                == ToolOutcome(
                    exitCode: nil,
                    output: #"{"error":"working directory '/nonexistent/agenttools' "#
                        + #"does not exist or is not a directory"}"#,
                    durationMillis: 0, timedOut: false, truncatedBytes: 0))
    }

    @Test func definitionIsStable() throws {
        let definition = try tools.definitions(for: ["shell"])
        let expected = #"""
            [{"description":"Run a command with /bin/sh -c in the run's working directory and return its stdout, stderr and exit code.","name":"shell","parameters":{"additionalProperties":false,"properties":{"cmd":{"description":"The shell command. Long output is cut in the middle; redirect it to a file and read parts if you need all of it.","type":"string"},"timeout_ms":{"description":"Wall-clock limit in milliseconds, 1 to 600000; the process group is killed when it expires. Defaults to the daemon's setting.","type":"integer"}},"required":["cmd"],"type":"object"},"strict":false,"type":"function"}]
            """#
        #expect(try JSONCoding.encode(definition) == expected)
    }
}
