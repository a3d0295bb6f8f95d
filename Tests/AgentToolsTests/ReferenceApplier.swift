import Foundation

/// The reference V4A applier, `agents/apply_diff.py` of openai-agents, in a throwaway venv the test creates.
///
/// Only the wheel is installed (`--no-deps`): `apply_diff.py` needs nothing but the standard library, and is
/// loaded by path so the package's own imports never run.
enum ReferenceApplier {
    /// The pinned release whose `apply_diff.py` the differential test compares against.
    static let version = "0.25.0"

    /// Whether the reference is usable, unreachable (pip cannot reach PyPI: the test is skipped, saying so) or
    /// broken (anything else: the test fails).
    enum Setup {
        case ready(python: String, script: String)
        case unreachable(String)
        case broken(String)
    }

    /// Created once per test process.
    static let setup: Setup = makeSetup()

    static var reachable: Bool {
        if case .unreachable = setup { return false }
        return true
    }

    /// One input for `apply_diff(input, diff, mode)`.
    struct Case: Codable, Hashable {
        var input: String
        var diff: String
        var mode: String
    }

    /// The reference's answer: the new text, or the message of the exception it raised.
    struct Answer: Codable, Hashable {
        var ok: Bool
        var text: String?
        var error: String?
    }

    /// Runs every case through the reference in one process.
    static func answers(_ cases: [Case]) throws -> [Answer] {
        guard case .ready(let python, let script) = setup else {
            throw ReferenceError("reference applier unavailable: \(setup)")
        }
        // A file, not a pipe: writing to a driver that died early would kill the test process with SIGPIPE.
        let casesFile = FileManager.default.temporaryDirectory.appendingPathComponent("v4a-cases-\(UUID()).json")
        try JSONEncoder().encode(cases).write(to: casesFile)
        defer { try? FileManager.default.removeItem(at: casesFile) }
        let (status, output, errors) = run(python, [script, casesFile.path])
        guard status == 0 else { throw ReferenceError("driver failed (\(status)): \(errors)") }
        return try JSONDecoder().decode([Answer].self, from: Data(output.utf8))
    }

    private static let driver = """
        import importlib.util, json, sys, sysconfig
        path = sysconfig.get_paths()["purelib"] + "/agents/apply_diff.py"
        spec = importlib.util.spec_from_file_location("apply_diff", path)
        module = importlib.util.module_from_spec(spec)
        sys.modules["apply_diff"] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
        answers = []
        for case in json.load(open(sys.argv[1])):
            try:
                answers.append({"ok": True, "text": module.apply_diff(case["input"], case["diff"], case["mode"])})
            except Exception as error:
                answers.append({"ok": False, "error": str(error)})
        json.dump(answers, sys.stdout)
        """

    private static func makeSetup() -> Setup {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("v4a-reference-\(UUID())").path
        let venv = directory + "/venv"
        let (made, _, madeErrors) = run("/usr/bin/env", ["python3", "-m", "venv", venv])
        guard made == 0 else { return .broken("python3 -m venv failed: \(madeErrors)") }
        let (installed, _, installErrors) = run(
            venv + "/bin/pip",
            ["install", "-q", "--disable-pip-version-check", "--no-deps", "openai-agents==\(version)"])
        guard installed == 0 else {
            let offline = ["Max retries exceeded", "NewConnectionError", "name resolution", "Network is unreachable",
                "ProxyError", "timed out"]
            if offline.contains(where: installErrors.contains) { return .unreachable(installErrors) }
            return .broken("pip install openai-agents==\(version) failed: \(installErrors)")
        }
        let script = directory + "/driver.py"
        guard FileManager.default.createFile(atPath: script, contents: Data(driver.utf8)) else {
            return .broken("could not write \(script)")
        }
        return .ready(python: venv + "/bin/python", script: script)
    }

    private static func run(_ executable: String, _ arguments: [String]) -> (Int32, String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return (-1, "", "\(executable) could not start: \(error)")
        }
        // Read both pipes on their own threads so neither fills while the other is drained.
        let collected = OutputCollector()
        let group = DispatchGroup()
        for (pipe, isError) in [(output, false), (errors, true)] {
            group.enter()
            DispatchQueue.global().async {
                collected.set(pipe.fileHandleForReading.readDataToEndOfFile(), isError: isError)
                group.leave()
            }
        }
        group.wait()
        process.waitUntilExit()
        return (process.terminationStatus, collected.text(isError: false), collected.text(isError: true))
    }
}

/// Both output streams of a child, filled from two threads.
private final class OutputCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var data: [Bool: Data] = [:]

    func set(_ value: Data, isError: Bool) { lock.withLock { data[isError] = value } }

    func text(isError: Bool) -> String { lock.withLock { String(decoding: data[isError] ?? Data(), as: UTF8.self) } }
}

struct ReferenceError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) { self.description = description }
}
