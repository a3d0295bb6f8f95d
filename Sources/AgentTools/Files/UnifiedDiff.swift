/// A unified diff as `apply_patch` takes it: file headers (`--- a/x`, `+++ b/x`, `/dev/null` to create or delete)
/// followed by `@@ -l,s +l,s @@` hunks.
///
/// Lines outside file sections (`diff --git`, `index`, mode lines, prose) are skipped. A hunk's body runs until a
/// line that cannot be a body line or starts the next file, so wrong counts in an `@@` header are tolerated; the
/// counts only decide whether blank lines at the end of a hunk are empty context lines or separators. A bare `@@` header has no line numbers:
/// the hunk goes where its lines match after the previous hunk.
struct UnifiedDiff: Hashable {
    /// The changes to one file.
    struct FilePatch: Hashable {
        /// The path before the change, `nil` for a file the patch creates.
        var oldPath: String?
        /// The path after the change, `nil` for a file the patch deletes.
        var newPath: String?
        var hunks: [Hunk]

        /// The path the patch touches.
        var path: String { newPath ?? oldPath ?? "" }
    }

    /// One `@@` hunk.
    struct Hunk: Hashable {
        enum Line: Hashable {
            case context(String)
            case removed(String)
            case added(String)
        }

        /// The `@@` line, for messages.
        var header: String
        /// The first old line (1-based; for a hunk without old lines, the line it goes after), if the header says.
        var oldStart: Int?
        var lines: [Line]
        /// A `\ No newline at end of file` followed the last old line.
        var oldMissingNewline = false
        /// A `\ No newline at end of file` followed the last new line.
        var newMissingNewline = false

        /// The lines the file must have where the hunk applies.
        var old: [String] {
            lines.compactMap {
                switch $0 {
                case .context(let text), .removed(let text): text
                case .added: nil
                }
            }
        }

        /// The lines that replace ``old``.
        var new: [String] {
            lines.compactMap {
                switch $0 {
                case .context(let text), .added(let text): text
                case .removed: nil
                }
            }
        }
    }

    var files: [FilePatch]

    /// Parses `text`.
    ///
    /// - Throws: ``FileToolError`` saying what is malformed and where.
    static func parse(_ text: String) throws -> UnifiedDiff {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        var files: [FilePatch] = []
        var index = 0
        while index < lines.count {
            let line = lines[index]
            if isFileHeader(lines, at: index) {
                let oldPath = path(lines[index].dropFirst(4), prefix: "a/")
                let newPath = path(lines[index + 1].dropFirst(4), prefix: "b/")
                index += 2
                var file = FilePatch(oldPath: oldPath, newPath: newPath, hunks: [])
                while index < lines.count && lines[index].hasPrefix("@@") {
                    file.hunks.append(try hunk(lines, at: &index, number: file.hunks.count + 1, path: file.path))
                }
                try validate(file)
                files.append(file)
            } else if line.hasPrefix("@@") {
                throw FileToolError("line \(index + 1): a hunk with no '--- a/path' and '+++ b/path' lines before it")
            } else if line.hasPrefix("*** Begin Patch") {
                throw FileToolError(
                    "this is not a unified diff; use '--- a/path', '+++ b/path' and '@@ -l,s +l,s @@' hunks")
            } else {
                index += 1
            }
        }
        guard !files.isEmpty else {
            throw FileToolError(
                "no file headers found; a unified diff starts each file with '--- a/path' and '+++ b/path'")
        }
        return UnifiedDiff(files: files)
    }

    private static func isFileHeader(_ lines: [String], at index: Int) -> Bool {
        index + 1 < lines.count && lines[index].hasPrefix("--- ") && lines[index + 1].hasPrefix("+++ ")
    }

    /// The path in a `---`/`+++` line: without a tab-separated timestamp, quotes and the `a/` or `b/` prefix.
    private static func path(_ field: Substring, prefix: String) -> String? {
        var text = String(field.prefix { $0 != "\t" })
        text = String(text.drop { $0 == " " })
        while text.last == " " || text.last == "\r" { text.removeLast() }
        if text.count >= 2 && text.hasPrefix("\"") && text.hasSuffix("\"") {
            text = String(text.dropFirst().dropLast())
        }
        if text == "/dev/null" { return nil }
        if text.hasPrefix(prefix) { text.removeFirst(prefix.count) }
        return text
    }

    private static func hunk(_ lines: [String], at index: inout Int, number: Int, path: String) throws -> Hunk {
        let header = lines[index].hasSuffix("\r") ? String(lines[index].dropLast()) : lines[index]
        guard let range = hunkRange(header) else {
            throw FileToolError("hunk \(number) of '\(path)': malformed header '\(header)'; expected '@@ -l,s +l,s @@'")
        }
        var hunk = Hunk(header: header, oldStart: range?.oldStart, lines: [])
        var blank: [Bool] = []  // whether each body line was an empty line rather than " "
        var oldCount = 0
        index += 1
        body: while index < lines.count {
            let line = lines[index]
            // A `--- ` line followed by `+++ ` starts the next file even if the header promised more lines: models
            // often overstate counts, while a removed "-- x" right before an added "++ y" is rare.
            if line.hasPrefix("@@") || isFileHeader(lines, at: index) { break }
            switch line.first {
            case " "?:
                hunk.lines.append(.context(String(line.dropFirst())))
                oldCount += 1
            case nil:
                hunk.lines.append(.context(""))
                oldCount += 1
            case "-"?:
                hunk.lines.append(.removed(String(line.dropFirst())))
                oldCount += 1
            case "+"?:
                hunk.lines.append(.added(String(line.dropFirst())))
            case "\\"?:
                switch hunk.lines.last {
                case .context?:
                    hunk.oldMissingNewline = true
                    hunk.newMissingNewline = true
                case .removed?: hunk.oldMissingNewline = true
                case .added?: hunk.newMissingNewline = true
                case nil: break
                }
                index += 1
                continue body
            default:
                break body
            }
            blank.append(line.isEmpty)
            index += 1
        }
        // Trailing blank lines are kept as empty context lines only when the header's count needs them; otherwise
        // they separate hunks or files (models often get counts wrong, so a count that is off never keeps them).
        while blank.last == true && oldCount != range?.oldCount {
            hunk.lines.removeLast()
            blank.removeLast()
            oldCount -= 1
        }
        guard !hunk.lines.isEmpty else { throw FileToolError("hunk \(number) of '\(path)' has no lines") }
        return hunk
    }

    /// The numbers of a `@@ -l,s +l,s @@` header: `.some(nil)` for a bare `@@`, `nil` when malformed.
    private static func hunkRange(_ header: String) -> (oldStart: Int, oldCount: Int)?? {
        let fields = header.split(separator: " ")
        if fields.count == 1 || (fields.count >= 2 && fields[1] == "@@") { return .some(nil) }
        guard fields.count >= 4, fields[0] == "@@", fields[3] == "@@", fields[1].hasPrefix("-"),
            fields[2].hasPrefix("+")
        else { return nil }
        func numbers(_ field: Substring) -> (Int, Int)? {
            let parts = field.dropFirst().split(separator: ",", omittingEmptySubsequences: false)
            guard let start = Int(parts[0]), start >= 0 else { return nil }
            guard parts.count > 1 else { return (start, 1) }
            guard parts.count == 2, let count = Int(parts[1]), count >= 0 else { return nil }
            return (start, count)
        }
        guard let old = numbers(fields[1]), numbers(fields[2]) != nil else { return nil }
        return .some((old.0, old.1))
    }

    private static func validate(_ file: FilePatch) throws {
        switch (file.oldPath, file.newPath) {
        case (nil, nil):
            throw FileToolError("a file section has /dev/null on both sides")
        case (let old?, let new?) where old != new:
            throw FileToolError(
                "renaming '\(old)' to '\(new)' is not supported; delete the old file and create the new one")
        case (nil, _?):
            if let number = file.hunks.firstIndex(where: { !$0.old.isEmpty }) {
                throw FileToolError(
                    "hunk \(number + 1) of new file '\(file.path)' has context or removed lines; a file created from "
                        + "/dev/null has only added lines")
            }
        case (_?, _?):
            if file.hunks.isEmpty { throw FileToolError("no hunks for '\(file.path)'") }
        default:
            break
        }
    }
}
