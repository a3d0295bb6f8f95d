/// Builds a child's environment from an allow-list; secrets never pass, even when allow-listed.
public struct EnvironmentPolicy: Sendable, Hashable {
    /// The default allow-list.
    public static let defaultAllowedNames: [String] = [
        "PATH", "HOME", "LANG", "LC_ALL", "TERM", "USER", "LOGNAME", "SHELL", "TMPDIR", "TZ",
    ]
    /// The default secret names.
    public static let defaultSecretNames: Set<String> = ["OPENAI_API_KEY"]
    /// `PATH` used when the source has none.
    public static let defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    /// Names copied from the source environment when present.
    public var allowedNames: [String]
    /// Names never copied, whatever the allow-list says.
    public var secretNames: Set<String>
    /// `PATH` when the source has none (or only a secret-named one).
    public var fallbackPath: String

    /// Creates a policy.
    public init(
        allowedNames: [String] = EnvironmentPolicy.defaultAllowedNames,
        secretNames: Set<String> = EnvironmentPolicy.defaultSecretNames,
        fallbackPath: String = EnvironmentPolicy.defaultPath
    ) {
        self.allowedNames = allowedNames
        self.secretNames = secretNames
        self.fallbackPath = fallbackPath
    }

    /// The environment a child gets when the daemon's environment is `source`.
    public func childEnvironment(from source: [String: String]) -> [String: String] {
        var result: [String: String] = [:]
        for name in allowedNames where !secretNames.contains(name) {
            if let value = source[name] { result[name] = value }
        }
        if result["PATH"] == nil && !secretNames.contains("PATH") { result["PATH"] = fallbackPath }
        return result
    }
}
