import AgentModel
import AgentProtocol
import ArgumentParser
import Foundation

/// `agentctl output`: the whole output of one tool call as the ledger keeps it (the model may have seen only a
/// head+tail excerpt); for an `apply_patch` call, the patch first, then the result.
struct OutputCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "output",
        abstract: "Print a finished tool call's full output as the ledger keeps it (the model may have seen an excerpt).")

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print standard error instead of standard output.")
    var stderr = false

    @Flag(help: "Print one JSON object: run_id, call_id, stream, source, total_bytes, data_base64.")
    var json = false

    @Argument(help: "The run: its id, a unique prefix of it, or @last.", completion: .custom(RunReference.complete))
    var run: String

    @Argument(help: "The tool call's id (see `agentctl log RUN`).")
    var call: String

    func validate() throws {
        try RunReference.checkShape(run)
    }

    func run() async throws {
        let session = try await Session.open(global)
        let id = try await RunReference.resolve(run, session)
        let stream: ToolOutput.Stream = stderr ? .stderr : .stdout
        var bytes: [UInt8] = []
        var last: ToolOutput.Result
        repeat {
            let params = ToolOutput.Params(runID: id, callID: call, stream: stream, offset: bytes.count)
            last = try await session.perform { try await $0.call(ToolOutput.self, params) }
            // An empty slice before the end would loop for ever: agentd sent something it should not have.
            guard let slice = Data(base64Encoded: last.dataBase64), slice.count > 0 || last.totalBytes == 0 else {
                Console.err("agentctl: agentd sent an unreadable slice of \(call)'s output at byte \(bytes.count)\n")
                throw ExitCodes.failed
            }
            bytes += slice
        } while bytes.count < last.totalBytes
        if !json, last.source == .output, bytes.starts(with: Array(#"{"error":"#.utf8)),
            let error = try await launchError(of: id, session)
        {
            // The call never ran: there is no stream to print, only why.
            Console.err("agentctl: tool call \(call) never ran: \(VisibleText.escaped(error))\n")
            throw ExitCodes.failed
        }
        if json {
            last.offset = 0
            last.dataBase64 = Data(bytes).base64EncodedString()
            Console.out(try JSONCoding.encode(last) + "\n")
        } else {
            if !stderr, let patch = try await patchCall(id, session) { Console.out(patch) }
            Console.out(bytes: bytes)
        }
    }

    /// For an `apply_patch` call: the patch it applied and the heading of its result, printed before its output.
    private func patchCall(_ id: RunID, _ session: Session) async throws -> String? {
        let run = try await session.perform { try await $0.call(RunGet.self, RunGet.Params(runID: id)).run }
        guard let info = run.toolCalls.first(where: { $0.callID == call }), info.name == "apply_patch",
            let patch = PatchSummary.patchText(arguments: info.arguments)
        else { return nil }
        let status = info.exitCode == 0 ? "completed" : "failed"
        return "patch:\n" + patch + (patch.hasSuffix("\n") ? "" : "\n") + "result (\(status)):\n"
    }

    /// Why the call never ran, if it never did (a missing program or working directory, refused arguments).
    private func launchError(of id: RunID, _ session: Session) async throws -> String? {
        let info = try await session.perform { try await $0.call(RunGet.self, RunGet.Params(runID: id)).run }
        return info.toolCalls.first { $0.callID == call }?.error
    }
}
