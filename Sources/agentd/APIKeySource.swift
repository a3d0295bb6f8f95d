import Foundation

/// Finds the upstream API key without ever printing it.
enum APIKeySource {
    /// `OPENAI_API_KEY`, else the first line of `keyFile`, else `$CREDENTIALS_DIRECTORY/openai-api-key`.
    static func resolve(environment: [String: String], keyFile: String?) throws -> String? {
        if let key = environment["OPENAI_API_KEY"], !key.isEmpty { return key }
        var candidates: [String] = []
        if let keyFile { candidates.append(keyFile) }
        if let credentials = environment["CREDENTIALS_DIRECTORY"] { candidates.append(credentials + "/openai-api-key") }
        for path in candidates where FileManager.default.fileExists(atPath: path) {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw DaemonError("cannot read the API key file \(path)")
            }
            let key = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            if !key.isEmpty { return key.trimmingCharacters(in: .whitespaces) }
        }
        if let keyFile, !FileManager.default.fileExists(atPath: keyFile) {
            throw DaemonError("upstream.api_key_file \(keyFile) does not exist")
        }
        return nil
    }
}

/// A start-up failure, with a message that says what to do.
struct DaemonError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
