/// One hunk of a V4A update diff: optional `@@ anchor` lines, then context (`' '`), removed (`-`) and added (`+`)
/// lines, optionally closed by `*** End of File`.
struct V4AHunk: Hashable {
    /// One body line of a hunk, without its prefix.
    enum Line: Hashable {
        case context(String)
        case removed(String)
        case added(String)
    }

    /// The hunk's position in its diff, 1-based, for messages.
    var number: Int
    /// The non-empty `@@ …` anchors, in order: each moves the search past the next line equal to it.
    var anchors: [String]
    var lines: [Line]
    /// `*** End of File` closed the hunk: its context is matched at the end of the file first.
    var endOfFile: Bool

    /// The lines the file must have where the hunk applies: context and removed lines, in order.
    var old: [String] {
        lines.compactMap {
            switch $0 {
            case .context(let text), .removed(let text): text
            case .added: nil
            }
        }
    }

    /// The replacements within ``old``: at `offset` (an index into ``old``), `removed` lines become `added`.
    var edits: [(offset: Int, removed: Int, added: [String])] {
        var result: [(offset: Int, removed: Int, added: [String])] = []
        var offset = 0
        var removed = 0
        var added: [String] = []
        func flush() {
            if removed > 0 || !added.isEmpty { result.append((offset - removed, removed, added)) }
            removed = 0
            added = []
        }
        for line in lines {
            switch line {
            case .context:
                flush()
                offset += 1
            case .removed:
                removed += 1
                offset += 1
            case .added(let text):
                added.append(text)
            }
        }
        flush()
        return result
    }
}
