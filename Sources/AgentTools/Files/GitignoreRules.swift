import Glibc

/// The simple patterns of one `.gitignore` file, matched against paths below its directory.
///
/// Supported: blank lines and `#` comments, `!` negation (the last matching rule wins), a trailing `/` for
/// directories only, patterns with a `/` anchored to the file's directory (matched with `fnmatch` on the whole
/// relative path), patterns without one matched against the name at any depth, `**/name` and a trailing `/**`.
/// Not supported: `**` in the middle and `.gitignore` files below the root.
struct GitignoreRules: Hashable {
    struct Rule: Hashable {
        var pattern: String
        var negated: Bool
        var directoryOnly: Bool
        var anchored: Bool
    }

    /// The directory the rules are relative to.
    let root: String
    let rules: [Rule]

    /// Parses the text of a `.gitignore` in `root`.
    init(root: String, text: String) {
        self.root = root
        self.rules = text.split(separator: "\n", omittingEmptySubsequences: true).compactMap(Self.rule)
    }

    /// The rules of `root/.gitignore`, or `nil` when there is none.
    static func load(root: String) -> GitignoreRules? {
        let path = root == "/" ? "/.gitignore" : root + "/.gitignore"
        guard let bytes = try? FileIO.readAll(
                path, shown: path, maxBytes: 1 << 20, paths: ConfinedPaths(roots: [root], confined: true)) else { return nil }
        return GitignoreRules(root: root, text: String(decoding: bytes, as: UTF8.self))
    }

    /// Whether the resolved `path` is ignored; paths outside ``root`` never are.
    func isIgnored(_ path: String, isDirectory: Bool) -> Bool {
        let prefix = root == "/" ? "/" : root + "/"
        guard path.hasPrefix(prefix) else { return false }
        let relative = String(path.dropFirst(prefix.count))
        let name = relative.split(separator: "/").last.map(String.init) ?? relative
        var ignored = false
        for rule in rules where !rule.directoryOnly || isDirectory {
            let subject = rule.anchored ? relative : name
            let flags: Int32 = rule.anchored ? FNM_PATHNAME : 0
            if fnmatch(rule.pattern, subject, flags) == 0 { ignored = !rule.negated }
        }
        return ignored
    }

    private static func rule(_ line: Substring) -> Rule? {
        var text = String(line)
        if text.hasSuffix("\r") { text.removeLast() }
        while text.hasSuffix(" ") && !text.hasSuffix("\\ ") { text.removeLast() }
        guard !text.isEmpty, !text.hasPrefix("#") else { return nil }
        var negated = false
        if text.hasPrefix("!") {
            negated = true
            text.removeFirst()
        }
        var directoryOnly = false
        if text.hasSuffix("/**") {
            text.removeLast(3)
            directoryOnly = true
        }
        if text.hasSuffix("/") {
            text.removeLast()
            directoryOnly = true
        }
        if text.hasPrefix("**/") { text.removeFirst(3) }
        let anchored = text.contains("/")
        if text.hasPrefix("/") { text.removeFirst() }
        guard !text.isEmpty else { return nil }
        return Rule(pattern: text, negated: negated, directoryOnly: directoryOnly, anchored: anchored)
    }
}
