/// Applies V4A hunks to a file's text, all or nothing.
///
/// Hunks apply in order, each after the previous one. A hunk's `@@ anchor` lines move the search past the next
/// line equal to each anchor. Its context and removed lines (``V4AHunk/old``) are then looked for from there:
/// exactly, else ignoring trailing whitespace, else ignoring surrounding whitespace (the first pass that matches
/// anywhere wins). A hunk closed by `*** End of File` is tried at the end of the file first. Where a pass matched
/// loosely the file's own context lines are kept; removed lines go and added lines come in with the file's line
/// end. The semantics follow `agents/apply_diff.py` of openai-agents (tested against it), except that an anchor
/// found nowhere is an error instead of being ignored: a hunk is never applied at a place its anchor does not name.
enum V4AApplier {
    /// How lines are compared, strictest first.
    enum Comparison: CaseIterable {
        case exact, ignoringTrailingWhitespace, ignoringSurroundingWhitespace

        func key(_ line: String) -> Substring {
            switch self {
            case .exact: Substring(line)
            case .ignoringTrailingWhitespace: trimmedEnd(Substring(line))
            case .ignoringSurroundingWhitespace: trimmedEnd(Substring(line).drop { $0.isWhitespace })
            }
        }

        private func trimmedEnd(_ line: Substring) -> Substring {
            guard let last = line.lastIndex(where: { !$0.isWhitespace }) else { return line[line.startIndex..<line.startIndex] }
            return line[...last]
        }
    }

    /// The text after applying `hunks` to `text`.
    ///
    /// - Throws: ``FileToolError`` naming the hunk and the anchor or context line that was not found, and the
    ///   closest place in the file; nothing is applied then.
    static func apply(_ hunks: [V4AHunk], to text: String, path: String) throws -> String {
        var file = V4AText(text)
        var replacements: [(position: Int, removed: Int, added: [String])] = []
        var cursor = 0
        for hunk in hunks {
            for (index, anchor) in hunk.anchors.enumerated() {
                cursor = try advance(past: anchor, first: index == 0, in: file.lines, from: cursor, hunk: hunk, path: path)
            }
            let old = hunk.old
            guard let position = find(old, in: file, from: cursor, endOfFile: hunk.endOfFile) else {
                let limit = hunk.endOfFile ? file.realLineCount : file.lines.count
                throw mismatch(hunk, in: file.lines, from: cursor, limit: limit, path: path)
            }
            for edit in hunk.edits {
                replacements.append((position + edit.offset, edit.removed, edit.added))
            }
            cursor = position + old.count
        }
        // Back to front, so earlier positions stay valid.
        for replacement in replacements.reversed() {
            file.replace(at: replacement.position, count: replacement.removed, with: replacement.added)
        }
        return file.text
    }

    /// The index after the first line at or after `cursor` equal to `anchor` (strictest comparison first).
    private static func advance(
        past anchor: String, first: Bool, in lines: [String], from cursor: Int, hunk: V4AHunk, path: String
    ) throws -> Int {
        for comparison in Comparison.allCases {
            let key = comparison.key(anchor)
            if let found = lines[cursor...].firstIndex(where: { comparison.key($0) == key }) { return found + 1 }
        }
        // The reference applier lets a hunk's first anchor name a line the previous hunk already passed.
        let passed = Comparison.ignoringSurroundingWhitespace
        if first && lines[..<cursor].contains(where: { passed.key($0) == passed.key(anchor) }) { return cursor }
        throw FileToolError(
            "hunk \(hunk.number) of '\(path)' does not apply: its anchor '@@ \(anchor)' names a line that is not in "
                + "the file\(cursor > 0 ? " after line \(cursor)" : "") (not even ignoring whitespace)")
    }

    /// Where `old` starts at or after `cursor`; an end-of-file hunk is tried at the end first.
    private static func find(_ old: [String], in file: V4AText, from cursor: Int, endOfFile: Bool) -> Int? {
        let limit = endOfFile ? file.realLineCount : file.lines.count
        if old.isEmpty { return endOfFile ? limit : min(cursor, limit) }
        if endOfFile, limit - old.count >= 0, let atEnd = match(old, in: file.lines, at: [limit - old.count]) {
            return atEnd
        }
        guard cursor <= limit - old.count else { return nil }
        return match(old, in: file.lines, at: Array(cursor...(limit - old.count)))
    }

    /// The first of `starts` where `old` matches, trying every start with one comparison before the next.
    private static func match(_ old: [String], in lines: [String], at starts: [Int]) -> Int? {
        for comparison in Comparison.allCases {
            let keys = old.map(comparison.key)
            for start in starts where lines[start..<start + old.count].map(comparison.key) == keys { return start }
        }
        return nil
    }

    /// The error for a hunk whose lines are not in the file: the first line that differs at the closest place.
    private static func mismatch(
        _ hunk: V4AHunk, in lines: [String], from cursor: Int, limit: Int, path: String
    ) -> FileToolError {
        let old = hunk.old
        let loose = Comparison.ignoringSurroundingWhitespace
        // The closest place: the start at or after the cursor where the most leading lines match loosely.
        var best = (start: cursor, matched: 0)
        for start in cursor..<max(cursor, limit) {
            var matched = 0
            // Short of the whole hunk: a loose match of all of it would have been found (within `limit`).
            while matched < old.count - 1, start + matched < limit,
                loose.key(lines[start + matched]) == loose.key(old[matched])
            {
                matched += 1
            }
            if matched > best.matched { best = (start, matched) }
        }
        // The hunk's own line number (counting its '+' lines too) of the old line that failed.
        var oldSeen = 0
        var hunkLine = 1
        for (index, line) in hunk.lines.enumerated() {
            if case .added = line { continue }
            if oldSeen == best.matched {
                hunkLine = index + 1
                break
            }
            oldSeen += 1
        }
        let expected = V4ADiff.quoted(old[best.matched])
        let searched = cursor > 0 ? " after line \(cursor)" : ""
        let how = "lines are compared exactly, then ignoring trailing whitespace, then ignoring surrounding whitespace"
        guard best.matched > 0 else {
            return FileToolError(
                "hunk \(hunk.number) of '\(path)' does not apply: its line \(hunkLine), \(expected), is not in the "
                    + "file\(searched) (\(how))")
        }
        let row = best.start + best.matched
        let found =
            row < lines.count && !(row == lines.count - 1 && lines[row] == "")
            ? "has \(V4ADiff.quoted(lines[row]))" : "ends"
        return FileToolError(
            "hunk \(hunk.number) of '\(path)' does not apply: its line \(hunkLine), \(expected), was not found; the "
                + "closest place, line \(best.start + 1), matches the \(best.matched) line(s) before it, then the "
                + "file \(found) at line \(row + 1) (\(how))")
    }
}
