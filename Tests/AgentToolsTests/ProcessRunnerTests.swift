import Foundation
import Glibc
import Testing

@testable import AgentTools

@Suite("ProcessRunner")
struct ProcessRunnerTests {
    let runner = ProcessRunner()

    @Test func capturesBothStreamsAndExitStatus() async throws {
        let result = try await runner.run(request("printf out; printf err >&2; exit 7"))
        #expect(result.termination == .exited(7))
        #expect(result.stdout == CapturedOutput(head: Array("out".utf8), tail: [], totalBytes: 3))
        #expect(result.stderr == CapturedOutput(head: Array("err".utf8), tail: [], totalBytes: 3))
        #expect(!result.timedOut && !result.cancelled && !result.outputAbandoned)
    }

    @Test func runsInItsOwnProcessGroupWithStdinFromDevNull() async throws {
        let result = try await runner.run(request("cut -d' ' -f1,5 /proc/$$/stat; cat"))
        let fields = String(decoding: result.stdout.head, as: UTF8.self).split(whereSeparator: \.isWhitespace)
        #expect(fields.count == 2 && fields[0] == fields[1] && Int32(fields[0]) == result.pid)
        #expect(result.termination == .exited(0))
    }

    @Test func closesTheDaemonsFileDescriptors() async throws {
        let result = try await runner.run(request("ls /proc/self/fd | sort -n | tr '\\n' ' '"))
        // 0-2 and the fd `ls` opens to read the directory.
        #expect(String(decoding: result.stdout.head, as: UTF8.self) == "0 1 2 3 ")
    }

    @Test func largeOutputOnBothStreamsIsCappedWithoutDeadlock() async throws {
        let command = "yes out | head -c 5000000 & yes err | head -c 5000000 >&2; wait"
        let result = try await runner.run(request(command))
        let kept = 16 * 1024
        let outLine = Array("out\n".utf8)
        #expect(
            result.stdout
                == CapturedOutput(
                    head: Array(repeatElement(outLine, count: kept / 4).joined()),
                    tail: Array(repeatElement(outLine, count: kept / 4).joined()),
                    totalBytes: 5_000_000))
        #expect(result.stderr.totalBytes == 5_000_000 && result.stderr.droppedBytes == 5_000_000 - 2 * kept)
        #expect(result.termination == .exited(0))
        #expect(result.durationMillis < 10_000)
    }

    @Test func timeoutSendsSigtermToTheGroup() async throws {
        let result = try await runner.run(request("sleep 100 & echo $!; sleep 30", timeout: .milliseconds(300)))
        #expect(result.timedOut)
        #expect(result.termination == .signaled(SIGTERM))
        #expect(result.durationMillis < 5_000)
        let background = pids(in: result.stdout)
        #expect(background.count == 1)
        #expect(await eventually { background.allSatisfy { !isRunning($0) } })
        #expect(await eventually { runningMembers(ofGroup: result.pid).isEmpty })
    }

    @Test func sigkillFollowsWhenSigtermIsIgnored() async throws {
        let result = try await runner.run(request("trap '' TERM; sleep 30", timeout: .milliseconds(300)))
        #expect(result.timedOut)
        #expect(result.termination == .signaled(SIGKILL))
        #expect(result.durationMillis < 5_000)
    }

    @Test func backgroundChildrenDoNotOutliveANormalExit() async throws {
        let result = try await runner.run(request("sleep 100 & echo $!; sleep 100 & echo $!; echo done >&2"))
        #expect(result.termination == .exited(0))
        #expect(!result.timedOut && !result.outputAbandoned)
        #expect(result.durationMillis < 5_000)
        let background = pids(in: result.stdout)
        #expect(background.count == 2)
        #expect(await eventually { background.allSatisfy { !isRunning($0) } })
        #expect(await eventually { runningMembers(ofGroup: result.pid).isEmpty })
    }

    @Test func cancellationKillsTheGroup() async throws {
        let task = Task { try await runner.run(request("sleep 30")) }
        task.cancel()
        let result = try await task.value
        #expect(result.cancelled && !result.timedOut)
        #expect(result.termination == .signaled(SIGTERM))
        #expect(result.durationMillis < 5_000)
    }

    @Test func missingWorkingDirectoryIsALaunchError() async {
        await #expect(throws: ProcessLaunchError(code: .workingDirectoryMissing, message: "")) {
            try await runner.run(request("true", cwd: "/nonexistent/agenttools"))
        }
    }

    @Test func resourceLimitsApplyBeforeTheCommandRuns() async throws {
        var limited = request(#"ulimit -t; ulimit -v; echo "$0 $#""#)
        limited.resourceLimits = ResourceLimits(cpuSeconds: 5, addressSpaceBytes: 1 << 30)
        let result = try await runner.run(limited)
        #expect(String(decoding: result.stdout.head, as: UTF8.self) == "5\n1048576\n/bin/sh 0\n")
        #expect(result.termination == .exited(0))
    }

    @Test func fileSizeLimitStopsAWriter() async throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var limited = request("head -c 100000 /dev/zero > big; echo $?", cwd: dir)
        limited.resourceLimits = ResourceLimits(fileSizeBytes: 4096)
        let result = try await runner.run(limited)
        // head dies of SIGXFSZ: the shell reports 128 + 25.
        #expect(String(decoding: result.stdout.head, as: UTF8.self) == "\(128 + SIGXFSZ)\n")
        let size = try FileManager.default.attributesOfItem(atPath: dir + "/big")[.size] as? Int
        #expect(size == 4096)
    }
}
