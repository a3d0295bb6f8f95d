/// The body of one V4A file operation, as the Responses API's `apply_patch_call` carries it in `operation.diff` and
/// a `*** Begin Patch` envelope carries it after `*** Add File:` / `*** Update File:`.
///
/// An update diff is a list of hunks. A hunk starts with `@@` or `@@ anchor` (several stacked `@@` lines narrow
/// the search one after the other); only the first hunk may omit it. Body lines start with `' '` (context), `-`
/// (removed) or `+` (added); an empty line is an empty context line. `*** End of File` closes a hunk that must
/// apply at the end of the file. A create diff is lines that all start with `+`. Lines may end with `\r\n`.
enum V4ADiff {
    static let endOfFile = "*** End of File"
    static let endPatch = "*** End Patch"

    /// The diff's lines without their line ends; a final empty line (the diff's own last `\n`) is dropped.
    static func lines(of diff: String) -> [String] {
        var lines = V4AText.split(diff).map(\.line)
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// Parses an update diff into hunks.
    ///
    /// - Parameter startLine: the line number of the diff's first line in the text the model wrote (for messages
    ///   about a diff inside an envelope).
    /// - Throws: ``FileToolError`` naming the first line that breaks the format.
    static func parseHunks(_ lines: [String], path: String, startLine: Int = 1) throws -> [V4AHunk] {
        var hunks: [V4AHunk] = []
        var current: V4AHunk?
        func fail(_ index: Int, _ problem: String) -> FileToolError {
            FileToolError("line \(startLine + index) of the diff for '\(path)' \(problem)")
        }
        for (index, line) in lines.enumerated() {
            if line == "@@" || line.hasPrefix("@@ ") {
                // Stacked `@@` lines before any body line belong to one hunk.
                if current == nil || !(current!.lines.isEmpty && !current!.endOfFile) {
                    if let done = current { hunks.append(done) }
                    current = V4AHunk(number: hunks.count + 1, anchors: [], lines: [], endOfFile: false)
                }
                let anchor = String(line.dropFirst(3))
                if !anchor.allSatisfy(\.isWhitespace) { current!.anchors.append(anchor) }
                continue
            }
            if line == endOfFile {
                guard let hunk = current, !hunk.lines.isEmpty, !hunk.endOfFile else {
                    throw fail(index, "is '\(endOfFile)' where no hunk has lines to close")
                }
                current!.endOfFile = true
                continue
            }
            if line == endPatch {
                // A model sometimes closes a bare diff like an envelope; nothing may follow.
                guard index == lines.count - 1 else { throw fail(index, "is '\(endPatch)' but more lines follow") }
                break
            }
            if current == nil {
                guard hunks.isEmpty else { throw fail(index, "must start a hunk with '@@'") }
                current = V4AHunk(number: 1, anchors: [], lines: [], endOfFile: false)
            }
            if current!.endOfFile {
                throw fail(index, "follows '\(endOfFile)'; start the next hunk with '@@'")
            }
            // By byte: a combining mark after the prefix would make `Character`s see no prefix at all.
            let body = String(decoding: line.utf8.dropFirst(), as: UTF8.self)
            switch line.utf8.first {
            case nil: current!.lines.append(.context(""))
            case UInt8(ascii: " "): current!.lines.append(.context(body))
            case UInt8(ascii: "-"): current!.lines.append(.removed(body))
            case UInt8(ascii: "+"): current!.lines.append(.added(body))
            default:
                throw fail(index, "(\(quoted(line))) does not start with ' ' (context), '-' (remove) or '+' (add)")
            }
        }
        if let done = current { hunks.append(done) }
        guard !hunks.isEmpty else { throw FileToolError("the diff for '\(path)' has no hunks") }
        if let empty = hunks.first(where: { $0.lines.isEmpty }) {
            throw FileToolError("hunk \(empty.number) of the diff for '\(path)' has no lines")
        }
        return hunks
    }

    /// The lines of a file a create diff makes: every line must start with `+`.
    ///
    /// - Throws: ``FileToolError`` naming the first line without `+`.
    static func parseCreate(_ lines: [String], path: String, startLine: Int = 1) throws -> [String] {
        var body = lines
        if body.last == endPatch { body.removeLast() }
        return try body.enumerated().map { index, line in
            guard line.utf8.first == UInt8(ascii: "+") else {
                throw FileToolError(
                    "line \(startLine + index) of the diff for new file '\(path)' (\(quoted(line))) does not start "
                        + "with '+'; every line of a new file is added")
            }
            return String(decoding: line.utf8.dropFirst(), as: UTF8.self)
        }
    }

    /// `line` in quotes, cut at 160 characters, for messages.
    static func quoted(_ line: String) -> String {
        let shown = line.count > 160 ? line.prefix(160) + "…" : Substring(line)
        return "\"\(shown)\""
    }
}
