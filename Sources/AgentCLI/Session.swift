import AgentClient
import AgentModel
import AgentProtocol
import ArgumentParser
import Foundation

/// A connected, initialized client, with the error handling every command shares.
struct Session {
    let client: ControlClient

    /// Connects and performs the handshake; a daemon that is not running is reported with what to do.
    static func open(_ options: GlobalOptions) async throws -> Session {
        do {
            let client = try await ControlClient.connect(socketPath: options.socketPath)
            _ = try await client.initialize(clientName: "agentctl", version: AgentVersion.current)
            return Session(client: client)
        } catch let error as ControlClientError {
            Console.err("agentctl: \(error.message)\n")
            let environment = ProcessInfo.processInfo.environment
            if error.code == .notRunning {
                Console.err(
                    ConnectionAdvice.notRunning(socketPath: options.socketPath, environment: environment, uid: getuid()))
            } else if error.code == .permissionDenied {
                Console.err(ConnectionAdvice.permissionDenied(socketPath: options.socketPath, uid: getuid()))
            }
            throw ExitCodes.unreachable
        } catch let error as ControlError {
            Console.err("agentctl: \(error.message)\n")
            throw ExitCodes.refused
        }
    }

    /// Runs `body`, turning daemon errors into a one-line message and exit code 4 (or 3 when the socket died).
    func perform<T>(_ body: (ControlClient) async throws -> T) async throws -> T {
        do {
            return try await body(client)
        } catch let error as ControlError {
            Console.err("agentctl: \(error.message)\n")
            throw ExitCodes.refused
        } catch let error as ControlClientError {
            Console.err("agentctl: \(error.message)\n")
            throw ExitCodes.unreachable
        }
    }

    /// Prints the events committed so far, from `fromSeq`, as JSON lines, and returns (no live events).
    ///
    /// Cut off as a slow client (the output is read slower than the daemon sends), it reattaches where it stopped;
    /// any other end before the last committed event is an error, never a silently short log.
    func printCommittedEvents(
        of runID: RunID, fromSeq: Int64, as line: (LedgerEvent) throws -> String = { try JSONCoding.encode($0) }
    ) async throws {
        let last = try await perform { try await $0.call(RunGet.self, RunGet.Params(runID: runID)).run.lastSeq }
        var next = fromSeq
        while next <= last {
            let subscription = try await perform { try await $0.attach(RunAttach.Params(runID: runID, fromSeq: next)) }
            var endReason: AttachEndReason?
            for try await item in subscription.events {
                switch item {
                case .event(let event):
                    Console.out(try line(event) + "\n")
                    next = event.seq + 1
                case .ended(let reason, let nextSeq):
                    endReason = reason
                    next = nextSeq
                }
                if next > last { break }
            }
            guard next <= last else { return }
            guard endReason == .slowConsumer else {
                let why = endReason.map { "\($0.rawValue)" } ?? "the connection closed"
                Console.err("agentctl: the log of \(runID) stopped at seq \(next) of \(last): \(why)\n")
                throw ExitCodes.failed
            }
        }
    }
}
