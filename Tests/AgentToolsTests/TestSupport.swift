import AgentModel
import Foundation
import Glibc

@testable import AgentTools

/// Limits with short grace periods so kill paths finish quickly.
let fastLimits = ToolLimits(killGrace: .milliseconds(200), drainGrace: .milliseconds(300))

/// A fresh directory under the system temp dir, with symlinks resolved (what `pwd` prints).
func makeTemporaryDirectory() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("agenttools-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    guard let resolved = realpath(path, nil) else { return path }
    defer { free(resolved) }
    return String(cString: resolved)
}

/// A request with the fast test limits and a minimal environment.
func request(_ command: String, cwd: String = "/", timeout: Duration = .seconds(20)) -> ProcessRequest {
    ProcessRequest(
        command: command, workingDirectory: cwd, environment: ["PATH": EnvironmentPolicy.defaultPath],
        timeout: timeout, killGrace: .milliseconds(200), drainGrace: .milliseconds(300))
}

/// The outcome with its duration zeroed, to compare whole values.
func normalized(_ outcome: ToolOutcome) -> ToolOutcome {
    var copy = outcome
    copy.durationMillis = 0
    return copy
}

/// `(state, pgrp)` of a process from `/proc/<pid>/stat`, or `nil` when it no longer exists.
func processStatus(_ pid: Int32) -> (state: String, pgrp: Int32)? {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
    else { return nil }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    guard fields.count > 2, let pgrp = Int32(fields[2]) else { return nil }
    return (String(fields[0]), pgrp)
}

/// Whether `pid` is a running (not zombie, not gone) process.
func isRunning(_ pid: Int32) -> Bool {
    guard let status = processStatus(pid) else { return false }
    return status.state != "Z" && status.state != "X"
}

/// Running processes whose process group is `pgid`.
func runningMembers(ofGroup pgid: Int32) -> [Int32] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap(Int32.init).filter { pid in
        guard let status = processStatus(pid) else { return false }
        return status.pgrp == pgid && status.state != "Z" && status.state != "X"
    }
}

/// Polls `condition` until it holds or `timeout` passes (SIGKILL delivery and exit are asynchronous).
func eventually(within timeout: Duration = .seconds(3), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}

/// Pids printed one per line.
func pids(in output: CapturedOutput) -> [Int32] {
    String(decoding: output.head + output.tail, as: UTF8.self).split(separator: "\n").compactMap { Int32($0) }
}
