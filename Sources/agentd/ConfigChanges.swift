/// The keys that differ between two configurations (named as in the TOML file, e.g. `upstream.connections`), split
/// into those a reload applies at once and those that take effect only after a restart.
struct ConfigChanges: Equatable {
    /// Changed keys applied by the reload.
    var live: [String] = []
    /// Changed keys that keep their old value until agentd restarts.
    var needRestart: [String] = []

    var isEmpty: Bool { live.isEmpty && needRestart.isEmpty }

    /// Compares `new` with `applied` (for live keys) and with `started` (for restart-only keys, which were never
    /// applied since start-up).
    init(started: DaemonConfiguration, applied: DaemonConfiguration, new: DaemonConfiguration) {
        live = Self.changedKeys(applied, new).filter { Self.isLive($0, in: new) }
        needRestart = Self.changedKeys(started, new).filter { !Self.isLive($0, in: new) }
    }

    init(live: [String], needRestart: [String]) {
        self.live = live
        self.needRestart = needRestart
    }

    /// Whether a reload applies `key`: the log level, every `[tools]` key, the run defaults (model, tools, tool
    /// format), and the number of
    /// WebSocket connections. Removing
    /// `run.instructions` is the exception: new runs fall back to the start-up default until a restart. So are the
    /// `[[tools.command]]` tools: which of them need approval is fixed in the engine at start-up, and a tool added
    /// live could otherwise run without the approval its table asks for.
    static func isLive(_ key: String, in new: DaemonConfiguration) -> Bool {
        switch key {
        case "daemon.log_level", "run.model", "run.tools", "run.tool_format", "run.native_tool_models": true
        // The WebSocket pool resizes; over HTTP+SSE the count bounds requests in flight, fixed at start-up.
        case "upstream.connections": new.upstream.transport != "sse"
        case "run.instructions": new.run.instructions != nil
        case "tools.command": false
        default: key.hasPrefix("tools.")
        }
    }

    /// Every key whose value differs, sorted.
    static func changedKeys(_ old: DaemonConfiguration, _ new: DaemonConfiguration) -> [String] {
        let before = flattened(old)
        let after = flattened(new)
        return after.keys.filter { before[$0] != after[$0] }.sorted()
    }

    /// Every key of the configuration with its value as text, through reflection so that new keys are covered
    /// without a list to keep up to date.
    static func flattened(_ configuration: DaemonConfiguration) -> [String: String] {
        var result: [String: String] = [:]
        for section in Mirror(reflecting: configuration).children {
            guard let sectionName = section.label else { continue }
            for field in Mirror(reflecting: section.value).children {
                guard let name = field.label else { continue }
                let key = sectionName + "." + tomlName(name)
                result[renamed[key] ?? key] = String(describing: field.value)
            }
        }
        return result
    }

    /// Keys whose TOML name is not their property's (an array of tables is named in the singular).
    static let renamed = ["tools.commands": "tools.command"]

    /// The TOML key of a property: `connectTimeoutMillis` → `connect_timeout_ms`, `baseURL` → `base_url`.
    static func tomlName(_ property: String) -> String {
        var words: [String] = []
        var word = ""
        let characters = Array(property)
        for (index, character) in characters.enumerated() {
            let next = index + 1 < characters.count ? characters[index + 1] : nil
            let previous = index > 0 ? characters[index - 1] : nil
            // A word starts at an upper-case letter after a lower-case one, or at the last capital of an acronym
            // followed by a lower-case letter other than a plural "s" (`URLPath` → url, path; `UIDs` → uids).
            let startsWord =
                character.isUppercase
                && (previous?.isLowercase == true
                    || (previous?.isUppercase == true && next?.isLowercase == true && next != "s"))
            if startsWord, !word.isEmpty {
                words.append(word)
                word = ""
            }
            word.append(character)
        }
        if !word.isEmpty { words.append(word) }
        var name = words.map { $0.lowercased() }.joined(separator: "_")
        for (long, short) in [("_millis", "_ms"), ("_seconds", "_s")] where name.hasSuffix(long) {
            name = String(name.dropLast(long.count)) + short
        }
        return name
    }
}
