import Foundation
import Glibc
import Testing

@testable import AgentTools

/// Processes that leave the call's process group (`setsid`, double forks) are killed when the call ends, with the
/// per-call cgroup (when this machine delegates one) and with the marker sweep.
@Suite("EscapeContainment")
struct EscapeContainmentTests {
    static var containments: [EscapeContainment] {
        switch CgroupDelegation.detected {
        case .success(let base): [.cgroup(base: base), .markerSweep]
        case .failure: [.markerSweep]
        }
    }

    // Each escapee writes its own pid (after any fork `setsid` may do) into a fifo; `cat` waits for all three, so
    // every pid is known before the foreground `sleep 100` runs into the 1 s timeout.
    static let escapingCommand = """
        mkfifo a b c
        sh -c 'echo $$ > a; exec sleep 100' &
        setsid sh -c 'echo $$ > b; exec sleep 100' &
        (setsid sh -c 'sh -c "echo \\$\\$ > c; exec sleep 100" &' &)
        cat a b c
        sleep 100
        """

    @Test(arguments: containments)
    func backgroundSetsidAndDoubleForkDoNotSurviveATimeout(containment: EscapeContainment) async throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let runner = ProcessRunner(containment: containment)
        let result = try await runner.run(request(Self.escapingCommand, cwd: dir, timeout: .seconds(1)))
        let started = pids(in: result.stdout)
        defer { for pid in started where isRunning(pid) { kill(pid, SIGKILL) } }

        #expect(result.timedOut)
        #expect(!result.outputAbandoned)
        #expect(started.count == 3)
        let survivors = started.filter { !ProcessExit.wait(pid: $0, timeout: .seconds(5)) }
        #expect(survivors == [])
        // The two that left the group were found by the containment, not by the group kill.
        let escaped = Set(started.dropFirst())
        let missed = escaped.subtracting(result.killedEscapees)
        #expect(missed == [])
    }

    @Test(arguments: containments)
    func anEscapeeOutlivingANormalExitIsKilled(containment: EscapeContainment) async throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let runner = ProcessRunner(containment: containment)
        // The fifo makes the shell wait until the child has left the group (else the group kill may win the race).
        let command = "mkfifo ready; setsid sh -c 'echo $$ > ready; exec sleep 100' & cat ready"
        let result = try await runner.run(request(command, cwd: dir))
        let escaped = pids(in: result.stdout)
        defer { for pid in escaped where isRunning(pid) { kill(pid, SIGKILL) } }

        #expect(result.termination == .exited(0))
        #expect(!result.outputAbandoned)
        #expect(escaped.count == 1)
        let survivors = escaped.filter { !ProcessExit.wait(pid: $0, timeout: .seconds(5)) }
        #expect(survivors == [])
        #expect(result.killedEscapees == escaped)
    }

    @Test(arguments: containments)
    func escapeesOfAnotherRunningCallAreLeftAlone(containment: EscapeContainment) async throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fifo = dir + "/long"
        #expect(mkfifo(fifo, 0o600) == 0)
        let runner = ProcessRunner(containment: containment)
        let longCall = Task {
            try await runner.run(
                request("setsid sh -c 'echo $$ > long; exec sleep 100' & sleep 100", cwd: dir, timeout: .seconds(30)))
        }
        let longEscapee = try #require(await readLine(fromFIFO: fifo)).flatMap { Int32($0) }
        let pid = try #require(longEscapee)
        defer { if isRunning(pid) { kill(pid, SIGKILL) } }

        let short = try await runner.run(request("setsid sh -c 'exec sleep 100' & echo $!", cwd: dir))
        let shortEscapee = pids(in: short.stdout)
        let shortGone = shortEscapee.allSatisfy { ProcessExit.wait(pid: $0, timeout: .seconds(5)) }
        #expect(shortEscapee.count == 1 && shortGone)
        let longStillRunning = isRunning(pid)
        #expect(longStillRunning)

        longCall.cancel()
        let long = try await longCall.value
        #expect(long.cancelled)
        #expect(long.killedEscapees.contains(pid))
        #expect(ProcessExit.wait(pid: pid, timeout: .seconds(5)))
    }

    @Test func delegationProbeExplainsItsAnswer() {
        switch CgroupDelegation.probe() {
        case .success(let base):
            #expect(FileManager.default.fileExists(atPath: base + "/cgroup.procs"))
        case .failure(let unavailable):
            #expect(!unavailable.reason.isEmpty)
        }
    }
}

/// The first line written to the fifo at `path`, read on a dedicated thread (the open and the read block).
func readLine(fromFIFO path: String) async -> String? {
    await withCheckedContinuation { continuation in
        Thread.detachNewThread {
            guard let handle = FileHandle(forReadingAtPath: path) else { return continuation.resume(returning: nil) }
            defer { try? handle.close() }
            let data = handle.readDataToEndOfFile()
            let text = String(decoding: data, as: UTF8.self)
            continuation.resume(returning: text.split(separator: "\n").first.map(String.init))
        }
    }
}
