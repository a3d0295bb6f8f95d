/// The digest `emu-tools-N` reports in its final answer (`digest=<hex>`), for clients that want to check it.
public enum EmulatorDigest {
    /// Computes the digest of tool outputs given in call order.
    ///
    /// Rule: for each output, if it parses as a JSON object with a string field `"stdout"`, take that string,
    /// else the raw output; append `"\n"`; concatenate all; return the lowercase hex SHA-256 of the UTF-8 bytes.
    /// - Parameter toolOutputs: the `output` strings of the chain's `function_call_output` items, in call order.
    /// - Returns: 64 lowercase hex characters.
    public static func digest(toolOutputs: [String]) -> String {
        var text = ""
        for output in toolOutputs {
            text += stdout(of: output) + "\n"
        }
        return HexSHA256.of(text)
    }

    /// The `stdout` string of a JSON-object output, or the output itself.
    static func stdout(of output: String) -> String {
        if let parsed = try? JSONParser.parse(output), case .object = parsed, let stdout = parsed["stdout"]?.stringValue {
            return stdout
        }
        return output
    }
}
