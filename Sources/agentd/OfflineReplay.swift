import AgentModel
import AgentProtocol
import ArgumentParser
import Foundation

/// `agentd --replay FILE`: folds an exported run (JSON lines of ledger events) through the same reducer the
/// daemon uses and prints the resulting state in the shape of `agentctl show --json` (one mapping of a run to JSON,
/// ``RunInfo``, for both); no socket, no network, no ledger.
enum OfflineReplay {
    static func run(path: String) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            FileHandle.standardError.write(Data("agentd: cannot read \(path)\n".utf8))
            throw ExitCode(66)
        }
        var events: [LedgerEvent] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            do {
                events.append(try JSONCoding.decode(LedgerEvent.self, from: String(line)))
            } catch {
                FileHandle.standardError.write(Data("agentd: \(path):\(index + 1): not a ledger event: \(error)\n".utf8))
                throw ExitCode(65)
            }
        }
        guard let run = events.first?.runID else {
            FileHandle.standardError.write(Data("agentd: \(path) holds no events\n".utf8))
            throw ExitCode(65)
        }
        guard events.allSatisfy({ $0.runID == run }),
            events.map(\.seq) == Array(events.indices).map(Int64.init)
        else {
            FileHandle.standardError.write(
                Data("agentd: \(path) must hold one run's events from seq 0 without gaps\n".utf8))
            throw ExitCode(65)
        }
        print(try JSONCoding.encode(RunInfo(RunReducer.replay(run, events))))
    }
}
