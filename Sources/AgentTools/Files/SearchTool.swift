import AgentModel
import Foundation
import Glibc

/// The built-in `search` tool: a regular expression over the text files under a path, as `path:line:text` lines.
///
/// Paths are shown relative to the run's working directory. The walk is sorted by name, does not follow symlinks,
/// skips `.git`, what the working directory's `.gitignore` ignores (see ``GitignoreRules``), binary files and files
/// larger than ``FileToolLimits/searchFileBytes``. Each matching line is shown once, cut at
/// ``FileToolLimits/searchLineCharacters`` characters; after ``FileToolLimits/searchMatches`` lines or
/// ``FileToolLimits/searchFiles`` files a marker line ends the output. No match is `[no matches]`.
public struct SearchTool: Tool {
    /// The match cap the definition advertises; keep it equal to ``FileToolLimits/searchMatches``.
    public let maxMatches: Int

    /// Creates the tool; `limits` only sets the cap the definition advertises.
    public init(limits: ToolLimits = ToolLimits()) {
        maxMatches = limits.files.searchMatches
    }

    public var name: String { "search" }
    public var isIdempotent: Bool { true }

    public var definition: JSONValue {
        [
            "type": "function",
            "name": "search",
            "description": .string(
                "Search the text files under a path for a regular expression (ICU syntax, like PCRE). Returns "
                    + "matching lines as 'path:line:text', at most \(maxMatches); skips .git, .gitignore'd paths and "
                    + "binary files."),
            "parameters": [
                "type": "object",
                "properties": [
                    "pattern": [
                        "type": "string",
                        "description": .string(
                            "The regular expression, matched against each line; '^' and '$' match at "
                                + "line boundaries. Use (?i) for case-insensitive matching."),
                    ],
                    "path": [
                        "type": "string",
                        "description": .string(
                            "A directory to search recursively or a single file, relative to the run's "
                                + "working directory or absolute. Defaults to the working directory."),
                    ],
                ],
                "required": ["pattern"],
                "additionalProperties": false,
            ],
            "strict": false,
        ]
    }

    public func run(arguments: String, context: ToolContext) async -> ToolOutcome {
        await FileToolRun.outcome(timeout: context.limits.defaultTimeout) { deadline in
            let arguments = try ToolArguments(parsing: arguments, allowed: ["pattern", "path"])
            let pattern = try arguments.string("pattern")
            guard !pattern.isEmpty else { throw ArgumentError("'pattern' must not be empty") }
            let path = try arguments.optionalString("path") == nil ? "." : try arguments.path()
            let regex: NSRegularExpression
            do {
                regex = try NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines])
            } catch {
                throw ArgumentError("'pattern' is not a valid regular expression")
            }
            let workspace = try Workspace(context: context)
            let resolved = try workspace.resolve(path)
            var search = Search(
                regex: regex, workspace: workspace, limits: context.limits.files,
                ignore: GitignoreRules.load(root: workspace.cwd), deadline: deadline)
            return try search.run(resolved, shown: path)
        }
    }
}

/// One `search` call's walk and its output so far.
struct Search {
    let regex: NSRegularExpression
    let workspace: Workspace
    let limits: FileToolLimits
    let ignore: GitignoreRules?
    /// Checked between files and, through ICU's progress callback, during a match: a pattern that backtracks
    /// catastrophically (`(.*a){20}x`) stops at the call's timeout instead of running on.
    let deadline: FileToolDeadline
    private(set) var lines: [String] = []
    private var filesRead = 0
    private var skippedLarge = 0
    private var stopped: String?

    init(
        regex: NSRegularExpression, workspace: Workspace, limits: FileToolLimits, ignore: GitignoreRules?,
        deadline: FileToolDeadline
    ) {
        self.regex = regex
        self.workspace = workspace
        self.limits = limits
        self.ignore = ignore
        self.deadline = deadline
    }

    /// Searches the file or directory at the resolved `path` and renders the output.
    mutating func run(_ path: String, shown: String) throws -> FileToolResult {
        guard let info = FileIO.kind(of: path) else { throw FileToolError("'\(shown)' does not exist") }
        switch info.kind {
        case .directory: try walk(path)
        case .regular: try searchFile(path, size: info.size)
        default: throw FileToolError("'\(shown)' is not a file or directory")
        }
        var output = lines.isEmpty ? ["[no matches]"] : lines
        if let stopped { output.append(stopped) }
        if skippedLarge > 0 {
            output.append("[… skipped \(skippedLarge) files larger than \(limits.searchFileBytes) bytes …]")
        }
        return FileToolResult(text: output.joined(separator: "\n"))
    }

    private mutating func walk(_ directory: String) throws {
        guard let names = try? FileIO.directoryNames(directory, shown: directory, paths: workspace.paths) else { return }
        for name in names.sorted() {
            try deadline.check()
            guard stopped == nil else { return }
            let path = directory == "/" ? "/" + name : directory + "/" + name
            guard let info = FileIO.kind(of: path) else { continue }
            switch info.kind {
            case .directory:
                guard name != ".git", ignore?.isIgnored(path, isDirectory: true) != true else { continue }
                try walk(path)
            case .regular:
                guard ignore?.isIgnored(path, isDirectory: false) != true else { continue }
                try searchFile(path, size: info.size)
            default:
                continue  // Symlinks are not followed: they may leave the workspace or loop.
            }
        }
    }

    private mutating func searchFile(_ path: String, size: Int) throws {
        guard size <= limits.searchFileBytes else {
            skippedLarge += 1
            return
        }
        guard filesRead < limits.searchFiles else {
            stopped = "[… stopped after reading \(limits.searchFiles) files; narrow the path …]"
            return
        }
        filesRead += 1
        guard let bytes = try? FileIO.readAll(
            path, shown: path, maxBytes: limits.searchFileBytes, paths: workspace.paths),
            !FileIO.looksBinary(bytes)
        else { return }
        let text = String(decoding: bytes, as: UTF8.self)
        let utf16 = Array(text.utf16)
        // Start offsets (UTF-16) of each line, to turn a match location into a line number.
        var lineStarts = [0]
        for (index, unit) in utf16.enumerated() where unit == 0x0A { lineStarts.append(index + 1) }
        let shown = workspace.display(path)
        var lastLine = -1
        var found: [String] = []
        let room = limits.searchMatches - lines.count
        let lineCap = limits.searchLineCharacters
        let deadline = deadline
        var interrupted: FileToolStop?
        var failed = false
        let options: NSRegularExpression.MatchingOptions = [.reportProgress, .reportCompletion]
        regex.enumerateMatches(in: text, options: options, range: NSRange(location: 0, length: utf16.count)) {
            match, flags, stop in
            if flags.contains(.progress) {
                interrupted = deadline.stop
                if interrupted != nil { stop.pointee = true }
                return
            }
            // ICU gave up (its backtracking stack is full): the matches so far are not the answer.
            if flags.contains(.internalError) { failed = true }
            guard let match else { return }
            var low = 0
            var high = lineStarts.count - 1
            while low < high {
                let middle = (low + high + 1) / 2
                if lineStarts[middle] <= match.range.location { low = middle } else { high = middle - 1 }
            }
            guard low != lastLine else { return }
            // A zero-length match at the very end of a file ending in a newline is not on a line.
            if low == lineStarts.count - 1 && lineStarts[low] == utf16.count && low > 0 { return }
            lastLine = low
            let end = low + 1 < lineStarts.count ? lineStarts[low + 1] - 1 : utf16.count
            var line = String(decoding: utf16[lineStarts[low]..<end], as: UTF16.self)
            if line.hasSuffix("\r") { line.removeLast() }
            if line.count > lineCap {
                line = String(line.prefix(lineCap)) + "…"
            }
            found.append("\(shown):\(low + 1):\(line)")
            if found.count > room { stop.pointee = true }
        }
        if let interrupted { throw interrupted }
        if failed {
            throw FileToolError(
                "the pattern needs too much backtracking to match '\(shown)'; nothing is reported because the result "
                    + "would be incomplete: simplify the pattern (avoid nested or repeated '.*')")
        }
        if found.count > room {
            lines += found.prefix(room)
            stopped = "[… stopped after \(limits.searchMatches) matching lines; narrow the pattern or path …]"
        } else {
            lines += found
        }
    }
}
