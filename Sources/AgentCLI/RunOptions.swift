import AgentModel
import AgentProtocol
import ArgumentParser
import Foundation

/// The options of a new run (`agentctl start`, and `agentctl chat` when it starts the run).
struct RunOptions: ParsableArguments {
    @Option(help: "Model to use (default: the daemon's run.model).")
    var model: String?

    @Option(help: "Working directory for the run's tools (default: the current directory).")
    var cwd: String?

    @Option(help: "Instructions (system prompt) for the run.")
    var instructions: String?

    @Option(
        name: .customLong("tool"),
        help: "A tool added to the daemon's default set (run.tools) for this run (repeatable).")
    var tools: [String] = []

    @Option(
        name: .customLong("no-tool"),
        help: "A tool taken out of the run's set (repeatable; wins over --tool).")
    var noTools: [String] = []

    @Option(
        name: .customLong("require-approval"),
        help: "A tool whose calls wait for a person's approval in this run (repeatable).")
    var requireApproval: [String] = []

    @Option(help: "Reasoning effort for this run: none, minimal, low, medium, high or xhigh (default: run.reasoning_effort).")
    var effort: String?

    @Option(name: .customLong("max-output-tokens"), help: "max_output_tokens of each response (default: run.max_output_tokens).")
    var maxOutputTokens: Int?

    @Option(
        name: .customLong("tool-format"),
        help: """
            How shell and apply_patch are offered: native (the built-in tool types) or function \
            (default: run.tool_format).
            """)
    var toolFormat: String?

    func validate() throws {
        if let toolFormat, ToolFormat(rawValue: toolFormat) == nil {
            throw ValidationError("--tool-format must be native or function, got \"\(toolFormat)\"")
        }
    }

    /// Whether no option was given (the daemon's defaults apply).
    var isEmpty: Bool {
        model == nil && cwd == nil && instructions == nil && tools.isEmpty && noTools.isEmpty
            && requireApproval.isEmpty && effort == nil && maxOutputTokens == nil && toolFormat == nil
    }

    /// The `run/start` parameters of a run with these options and `prompt` (its first turn; none: an idle run).
    func startParams(prompt: String?, requestID: String? = nil) -> RunStart.Params {
        let directory = cwd.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
            ?? FileManager.default.currentDirectoryPath
        var params = RunStart.Params(
            prompt: prompt, model: model, cwd: directory, instructions: instructions,
            requireApproval: requireApproval.isEmpty ? nil : requireApproval, requestID: requestID,
            addTools: tools.isEmpty ? nil : tools, removeTools: noTools.isEmpty ? nil : noTools)
        params.effort = effort
        params.maxOutputTokens = maxOutputTokens
        params.toolFormat = toolFormat.flatMap(ToolFormat.init(rawValue:))
        return params
    }
}
