import AgentBenchKit
import ArgumentParser
import Foundation

import Glibc

extension BenchCommand {
    /// The client side of `fanout`, run by it as a child process: N connections on one thread with `poll`, the
    /// first starts the run, all attach from seq 0 and record when each text delta arrives (`CLOCK_MONOTONIC`).
    /// Lines are classified by a byte scanner, so the client stays far cheaper than the server it measures.
    struct FanoutClientCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fanout-client", abstract: "The client process of `fanout` (not meant to be run by hand).",
            shouldDisplay: false)

        @Option var socket: String
        @Option var clients = 32
        @Option var model: String
        @Option var cwd: String
        @Option(help: "File the receipts are written to.") var out: String
        @Option(help: "Give up after this many seconds.") var timeout = 300

        func run() throws {
            let sockets = try (0..<clients).map { _ in try FanoutClientSocket(path: socket) }
            var receipts = FanoutReceipts(clients: Array(repeating: FanoutReceipts.Client(), count: clients))
            for index in receipts.clients.indices {
                receipts.clients[index].seqs.reserveCapacity(65_536)
                receipts.clients[index].receivedNanos.reserveCapacity(65_536)
            }
            for (index, connection) in sockets.enumerated() {
                try connection.send(
                    #"{"id":1,"jsonrpc":"2.0","method":"initialize","params":{"client":{"name":"fanout-\#(index)","#
                        + #""version":"1"},"protocol_version":"1.0"}}"# + "\n")
            }
            try sockets[0].send(
                #"{"id":2,"jsonrpc":"2.0","method":"run/start","params":{"cwd":"\#(cwd)","model":"\#(model)","#
                    + #""prompt":"fan out"}}"# + "\n")
            var runID: String?
            var ended = 0
            var polls = sockets.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
            let deadline = MonotonicNanos.now() + Int64(timeout) * 1_000_000_000
            while ended < clients {
                guard MonotonicNanos.now() < deadline else {
                    throw FanoutClientSocket.Failure(description: "timed out")
                }
                let ready = poll(&polls, nfds_t(polls.count), 1000)
                if ready < 0 && errno == EINTR { continue }
                guard ready >= 0 else { throw FanoutClientSocket.Failure(description: "poll: errno \(errno)") }
                for index in polls.indices where polls[index].revents != 0 {
                    let now = MonotonicNanos.now()
                    var attachNow = false
                    let open = try sockets[index].readLines { line in
                        switch FanoutLineScanner.classify(line) {
                        case .delta(let seq):
                            receipts.clients[index].seqs.append(seq)
                            receipts.clients[index].receivedNanos.append(now)
                        case .ended(let reason):
                            receipts.clients[index].endReason = reason
                            ended += 1
                        case .result(let id):
                            if index == 0, runID == nil, let id {
                                runID = id
                                attachNow = true
                            }
                        case .error(let line):
                            throw FanoutClientSocket.Failure(description: "client \(index) got an error: \(line)")
                        case .otherEvent, .other:
                            break
                        }
                    }
                    if attachNow, let runID {
                        for connection in sockets {
                            try connection.send(
                                #"{"id":3,"jsonrpc":"2.0","method":"run/attach","params":{"from_seq":0,"#
                                    + #""run_id":"\#(runID)"}}"# + "\n")
                        }
                    }
                    if !open {
                        polls[index].fd = -1
                        guard receipts.clients[index].endReason.isEmpty else { continue }
                        throw FanoutClientSocket.Failure(description: "client \(index): the daemon closed the socket")
                    }
                }
            }
            try receipts.encoded().write(to: URL(fileURLWithPath: out))
        }
    }
}
