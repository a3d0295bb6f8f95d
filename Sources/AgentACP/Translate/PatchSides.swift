/// The old and new text of each file a unified diff touches, as far as its hunks show them (for `diff` blocks).
///
/// A loose reading for display only: the tool itself validates the patch. Context lines go to both sides, `-`
/// lines to the old side, `+` lines to the new; a file created from `/dev/null` has no old text.
struct PatchSides: Equatable {
    struct File: Equatable {
        var path: String
        var oldText: String?
        var newText: String
    }

    var files: [File]

    init(patch: String) {
        files = []
        var current: File?
        var oldLines: [Substring] = []
        var newLines: [Substring] = []
        var created = false
        func flush() {
            guard var file = current else { return }
            file.oldText = created ? nil : oldLines.map { $0 + "\n" }.joined()
            file.newText = newLines.map { $0 + "\n" }.joined()
            files.append(file)
        }
        let lines = patch.split(separator: "\n", omittingEmptySubsequences: false)
        var index = 0
        while index < lines.count {
            let line = lines[index]
            if line.hasPrefix("--- "), index + 1 < lines.count, lines[index + 1].hasPrefix("+++ ") {
                flush()
                let oldPath = Self.path(line.dropFirst(4))
                let newPath = Self.path(lines[index + 1].dropFirst(4))
                created = oldPath == nil
                current = File(path: newPath ?? oldPath ?? "", oldText: nil, newText: "")
                oldLines = []
                newLines = []
                index += 2
                continue
            }
            if current != nil && !line.hasPrefix("@@") {
                if line.hasPrefix("-") {
                    oldLines.append(line.dropFirst())
                } else if line.hasPrefix("+") {
                    newLines.append(line.dropFirst())
                } else if line.hasPrefix(" ") {
                    oldLines.append(line.dropFirst())
                    newLines.append(line.dropFirst())
                }
            }
            index += 1
        }
        flush()
    }

    /// The path of a `---`/`+++` header without its `a/`/`b/` prefix; nil for `/dev/null`.
    private static func path(_ field: Substring) -> String? {
        let name = field.split(separator: "\t", maxSplits: 1).first.map(String.init) ?? ""
        if name == "/dev/null" { return nil }
        if name.hasPrefix("a/") || name.hasPrefix("b/") { return String(name.dropFirst(2)) }
        return name
    }
}
