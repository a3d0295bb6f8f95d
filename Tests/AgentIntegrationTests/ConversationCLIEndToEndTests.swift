import Foundation
import Testing

/// `agentctl chat` with its prompts on a pipe, and `agentctl fork`, against a real agentd and emulator
/// (`emu-script`: `say TEXT` makes the model answer TEXT).
@Suite(.serialized)
struct ConversationCLIEndToEndTests {
    @Test func aForkHoldsTheTurnsUpToItsTurnAndBothRunsGoOnApart() async throws {
        let harness = try await DaemonHarness()
        do {
            let chat = try await harness.agentctl(["chat", "--model", "emu-script"], stdin: "say one\nsay two\n")
            #expect(chat.status == 0, "\(chat.stderr)")
            #expect(chat.stdout == ["one", "two"])
            let run = try #require(chat.stderr.first?.firstMatch(of: /run_[0-9a-z]+/).map { String($0.output) })
            #expect(chat.stderr.last == "agentctl: left the chat; run \(run) stays: agentctl chat \(run)")

            let fork = try await harness.agentctl(["fork", run, "--at", "1"])
            #expect(fork.status == 0, "\(fork.stderr)")
            let forkID = try #require(fork.stdout.first)
            #expect(forkID != run && forkID.hasPrefix("run_"))
            #expect(try await Self.prompts(of: forkID, harness) == ["say one"])

            let forked = try await harness.agentctl(["chat", forkID], stdin: "say forked\n")
            #expect(forked.status == 0, "\(forked.stderr)")
            #expect(forked.stdout == ["forked"])
            #expect(try await Self.prompts(of: forkID, harness) == ["say one", "say forked"])
            #expect(try await Self.prompts(of: run, harness) == ["say one", "say two"])

            let list = try await harness.agentctl(["list"])
            #expect(list.stdout.contains { $0.hasPrefix(forkID) && $0.contains("  2  ") && $0.hasSuffix("say forked") })
            #expect(list.stdout.contains { $0.hasPrefix(run) && $0.contains("  2  ") && $0.hasSuffix("say two") })
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    /// The prompts of a run's turns, from `agentctl show --json`.
    static func prompts(of run: String, _ harness: DaemonHarness) async throws -> [String] {
        let show = try await harness.agentctl(["show", run, "--json"])
        let info = try JSONSerialization.jsonObject(with: Data(show.stdout.joined().utf8)) as? [String: Any]
        return (info?["turn_list"] as? [[String: Any]])?.compactMap { $0["prompt"] as? String } ?? []
    }
}
