/// A V4A patch: the `*** Begin Patch` envelope models write, or one operation of an `apply_patch_call`.
///
/// ```
/// *** Begin Patch
/// *** Add File: path          (then lines starting with '+')
/// *** Update File: path       (optionally '*** Move to: new path', then hunks, see ``V4ADiff``)
/// *** Delete File: path
/// *** End Patch
/// ```
struct V4APatch: Hashable {
    /// One file operation.
    enum Operation: Hashable {
        /// Creates (or replaces) `path` with `lines`, each ending with a newline.
        case create(path: String, lines: [String], crlf: Bool)
        /// Applies `hunks` to `path`, then renames it to `moveTo` when set.
        case update(path: String, hunks: [V4AHunk], moveTo: String?)
        /// Removes `path`.
        case delete(path: String)

        /// The path the operation reads.
        var path: String {
            switch self {
            case .create(let path, _, _), .update(let path, _, _), .delete(let path): path
            }
        }
    }

    var operations: [Operation]

    static let begin = "*** Begin Patch"
    private static let add = "*** Add File: "
    private static let update = "*** Update File: "
    private static let delete = "*** Delete File: "
    private static let move = "*** Move to: "

    /// Whether `text` is a V4A envelope (its first non-blank line is `*** Begin Patch`).
    static func isEnvelope(_ text: String) -> Bool {
        V4AText.split(text).first { !$0.line.allSatisfy(\.isWhitespace) }?.line
            .trimmingWhitespace() == begin
    }

    /// Parses a `*** Begin Patch` … `*** End Patch` envelope.
    ///
    /// - Throws: ``FileToolError`` naming the line that breaks the format.
    static func parse(envelope text: String) throws -> V4APatch {
        let all = V4ADiff.lines(of: text)
        guard let first = all.firstIndex(where: { !$0.allSatisfy(\.isWhitespace) }),
            all[first].trimmingWhitespace() == begin
        else { throw FileToolError("the patch does not start with '\(begin)'") }
        guard let last = all.lastIndex(where: { !$0.allSatisfy(\.isWhitespace) }),
            all[last].trimmingWhitespace() == V4ADiff.endPatch, last > first
        else { throw FileToolError("the patch does not end with '\(V4ADiff.endPatch)'") }
        var operations: [Operation] = []
        var index = first + 1
        while index < last {
            let line = all[index]
            // Lines up to the next file header form this operation's diff.
            var end = index + 1
            while end < last && !isHeader(all[end]) { end += 1 }
            var body = Array(all[(index + 1)..<end])
            if let path = value(line, after: add) {
                // Blank lines before the next header separate operations; a new file's blank line is a bare '+'.
                while body.last?.allSatisfy(\.isWhitespace) == true { body.removeLast() }
                operations.append(
                    .create(path: path, lines: try V4ADiff.parseCreate(body, path: path, startLine: index + 2),
                        crlf: text.utf8.contains(UInt8(ascii: "\r"))))
            } else if let path = value(line, after: delete) {
                guard body.allSatisfy({ $0.allSatisfy(\.isWhitespace) }) else {
                    throw FileToolError("line \(index + 2) of the patch follows '\(delete)\(path)'; a deletion has no lines")
                }
                operations.append(.delete(path: path))
            } else if let path = value(line, after: update) {
                var hunkLines = body[...]
                var moveTo: String?
                if let first = hunkLines.first, let target = value(first, after: move) {
                    moveTo = target
                    hunkLines = hunkLines.dropFirst()
                }
                let start = index + 2 + (moveTo == nil ? 0 : 1)
                operations.append(
                    .update(
                        path: path, hunks: try V4ADiff.parseHunks(Array(hunkLines), path: path, startLine: start),
                        moveTo: moveTo))
            } else if line.allSatisfy(\.isWhitespace) {
                // Blank lines between operations are harmless.
            } else {
                throw FileToolError(
                    "line \(index + 1) of the patch, \(V4ADiff.quoted(line)), is not '\(add)', '\(update)' or "
                        + "'\(delete)' followed by a path")
            }
            index = end
        }
        guard !operations.isEmpty else { throw FileToolError("the patch has no file operations") }
        return V4APatch(operations: operations)
    }

    private static func isHeader(_ line: String) -> Bool {
        line.hasPrefix(add) || line.hasPrefix(update) || line.hasPrefix(delete)
    }

    private static func value(_ line: String, after prefix: String) -> String? {
        guard line.hasPrefix(prefix) else { return nil }
        let path = String(line.dropFirst(prefix.count)).trimmingWhitespace()
        return path.isEmpty ? nil : path
    }
}

extension String {
    /// The string without leading and trailing whitespace.
    fileprivate func trimmingWhitespace() -> String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
