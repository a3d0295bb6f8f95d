/// `emu-native-patch`: edits `notes.txt` with the built-in `apply_patch` tool type, including a patch whose context
/// does not match, then prints the file with a `shell_call`.
///
/// Step k (k = `apply_patch_call_output` and `shell_call_output` items in the chain so far):
/// 0. `create_file` `notes.txt`: `alpha`, `beta`, `gamma`;
/// 1. `update_file`: `beta` → `BETA` (context `alpha`, `gamma`);
/// 2. `update_file` whose context line `delta` is not in the file (`gamma` → `GAMMA`): a client answers `failed`;
/// 3. the same change with the right context (`BETA`);
/// 4. a `shell_call` running `cat notes.txt`;
/// 5. the answer `"Patched notes.txt.\ndigest=<hex>"` (``NativeOutputs/digest(of:)``: for a client that applies
///    the patches right, the SHA-256 of `"completed\ncompleted\nfailed\ncompleted\nalpha\nBETA\nGAMMA\n\n"`).
struct NativePatchModel: ScriptedModel {
    static let path = "notes.txt"

    /// The operations of steps 0–3.
    static let operations: [JSONValue] = [
        operation("create_file", diff: "+alpha\n+beta\n+gamma\n"),
        operation("update_file", diff: "@@\n alpha\n-beta\n+BETA\n gamma\n"),
        operation("update_file", diff: "@@\n delta\n-gamma\n+GAMMA\n"),
        operation("update_file", diff: "@@\n BETA\n-gamma\n+GAMMA\n"),
    ]

    static func operation(_ type: String, diff: String) -> JSONValue {
        .object([("type", .string(type)), ("path", .string(path)), ("diff", .string(diff))])
    }

    func plan(conversation: [JSONValue]) -> ModelPlan {
        let k = Conversation.nativeOutputs(conversation).count
        if k < Self.operations.count { return .items([.reasoning, .applyPatchCall(operation: Self.operations[k])]) }
        if k == Self.operations.count { return .items([.shellCall(commands: ["cat \(Self.path)"])]) }
        return .items([.message(text: "Patched \(Self.path).\ndigest=\(NativeOutputs.digest(of: conversation))")])
    }
}
