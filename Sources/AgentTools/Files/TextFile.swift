/// A text file as lines, for applying ``UnifiedDiff`` hunks.
struct TextFile: Hashable {
    /// The lines without their `\n`.
    var lines: [String]
    /// Whether the last line ends with `\n` (an empty file counts as ending with one).
    var endsWithNewline: Bool

    /// An empty file.
    static let empty = TextFile(lines: [], endsWithNewline: true)

    /// The file with content `bytes`, or `nil` when they are not valid UTF-8.
    init?(bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.utf8.elementsEqual(bytes) else { return nil }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        endsWithNewline = lines.last == ""
        if endsWithNewline { lines.removeLast() }
        self.lines = lines
    }

    init(lines: [String], endsWithNewline: Bool) {
        self.lines = lines
        self.endsWithNewline = endsWithNewline
    }

    /// The file's content.
    var bytes: [UInt8] {
        guard !lines.isEmpty else { return [] }
        return Array((lines.joined(separator: "\n") + (endsWithNewline ? "\n" : "")).utf8)
    }

    /// Applies `hunks` in order; each goes where its old lines match, nearest to the line its header names.
    ///
    /// - Throws: ``FileToolError`` naming the hunk, the line where it should apply and the first line that differs.
    mutating func apply(_ hunks: [UnifiedDiff.Hunk], path: String) throws {
        var searchFrom = 0  // hunks apply in order and never overlap
        var delta = 0  // how far lines have moved from where the original file had them
        for (number, hunk) in zip(1..., hunks) {
            let old = hunk.old
            let new = hunk.new
            // 0-based index of the hunk's first old line in the original file (for an insertion: the line after).
            let originalStart = hunk.oldStart.map { old.isEmpty ? $0 : max(0, $0 - 1) }
            let hint = min(max(originalStart.map { $0 + delta } ?? searchFrom, searchFrom), lines.count)
            let position: Int
            if old.isEmpty {
                guard originalStart != nil || lines.isEmpty else {
                    throw FileToolError(
                        "hunk \(number) of '\(path)' has no context lines and no line numbers, so where it goes is "
                            + "unknown")
                }
                position = hint
            } else if let found = nearestMatch(of: old, around: hint, from: searchFrom) {
                position = found
            } else {
                throw mismatch(old, at: hint, number: number, hunk: hunk, path: path)
            }
            let reachesEnd = position + old.count == lines.count
            lines.replaceSubrange(position..<position + old.count, with: new)
            if reachesEnd { endsWithNewline = !hunk.newMissingNewline }
            searchFrom = position + new.count
            if let originalStart { delta = position + new.count - (originalStart + old.count) }
        }
    }

    /// The start of the match of `block` at or after `from` closest to `hint`.
    private func nearestMatch(of block: [String], around hint: Int, from: Int) -> Int? {
        let last = lines.count - block.count
        guard last >= from else { return nil }
        func matches(_ start: Int) -> Bool {
            start >= from && start <= last && lines[start] == block[0]
                && lines[start..<start + block.count].elementsEqual(block)
        }
        for distance in 0...max(hint - from, last - hint, 0) {
            if matches(hint + distance) { return hint + distance }
            if distance > 0 && matches(hint - distance) { return hint - distance }
        }
        return nil
    }

    private func mismatch(_ old: [String], at start: Int, number: Int, hunk: UnifiedDiff.Hunk, path: String)
        -> FileToolError
    {
        let offset = old.indices.first { start + $0 >= lines.count || lines[start + $0] != old[$0] } ?? 0
        let found =
            start + offset < lines.count ? "found \(Self.quoted(lines[start + offset]))" : "found the end of the file"
        return FileToolError(
            "hunk \(number) (\(hunk.header)) does not apply to '\(path)': at line \(start + offset + 1) expected "
                + "\(Self.quoted(old[offset])), \(found); its context and removed lines do not appear together "
                + "anywhere else in the file")
    }

    private static func quoted(_ line: String) -> String {
        let shown = line.count > 160 ? line.prefix(160) + "…" : Substring(line)
        return "\"\(shown)\""
    }
}
