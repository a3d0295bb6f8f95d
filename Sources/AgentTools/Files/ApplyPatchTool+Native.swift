import AgentModel

extension ApplyPatchTool {
    /// Applies the `operation` of an `apply_patch_call`: `{"type": "create_file" | "update_file", "path", "diff"}`
    /// or `{"type": "delete_file", "path"}`, `diff` in V4A (see ``V4ADiff``).
    ///
    /// The outcome's exit code is 0 when the operation applied (the output item's `status` is `completed`) and
    /// `nil` when it did not (`failed`); the output is plain text for the model either way: what changed, or why
    /// nothing did.
    public func runNative(_ input: String, kind: ToolCallKind, context: ToolContext) async -> ToolOutcome {
        let clock = ContinuousClock()
        let start = clock.now
        func outcome(_ exitCode: Int32?, _ text: String) -> ToolOutcome {
            ToolOutcome(
                exitCode: exitCode, output: text, durationMillis: (clock.now - start).millis, timedOut: false,
                truncatedBytes: 0)
        }
        guard kind == .applyPatch else {
            return outcome(nil, "the apply_patch tool cannot be called as a \(kind.rawValue)")
        }
        do {
            let operation = try Self.operation(from: input)
            var plan = PatchPlan(
                workspace: try Workspace(context: context), maxFileBytes: context.limits.files.patchFileBytes)
            try plan.add(operation)
            return outcome(0, try plan.commit())
        } catch let error as ArgumentError {
            return outcome(nil, "invalid operation: \(error.message)")
        } catch let error as FileToolError {
            return outcome(nil, "patch not applied: \(error.message); the file was not changed")
        } catch {
            return outcome(nil, "\(error)")
        }
    }

    /// The V4A operation an `apply_patch_call`'s `operation` object describes.
    static func operation(from input: String) throws -> V4APatch.Operation {
        // Members beyond these are the API's business (a newer operation field), not an error of the model's.
        let known: Set<String> = ["type", "path", "diff"]
        let object = try ToolOutput.object(from: input).get()
        let members = try ToolArguments(
            parsing: try JSONCoding.encode(JSONValue.object(object.filter { known.contains($0.key) })), allowed: known)
        let type = try members.string("type")
        let path = try members.path("path")
        switch type {
        case "create_file":
            let diff = try members.string("diff")
            let lines = try V4ADiff.parseCreate(V4ADiff.lines(of: diff), path: path)
            return .create(path: path, lines: lines, crlf: diff.utf8.contains(UInt8(ascii: "\r")))
        case "update_file":
            let diff = try members.string("diff")
            return .update(path: path, hunks: try V4ADiff.parseHunks(V4ADiff.lines(of: diff), path: path), moveTo: nil)
        case "delete_file":
            return .delete(path: path)
        default:
            throw ArgumentError("'type' must be create_file, update_file or delete_file, not '\(type)'")
        }
    }
}
