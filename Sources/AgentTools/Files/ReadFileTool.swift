import AgentModel
import Glibc

/// The built-in `read_file` tool: the text of a file in the workspace, whole or a range of lines.
///
/// The output is the file's bytes as UTF-8 (invalid sequences become U+FFFD), without line numbers. At most
/// ``FileToolLimits/readBytes`` bytes are returned, cut after a whole line where possible, followed by a line
/// `[… cut at N bytes after line L; read on with offset L+1 …]`. Files with a NUL byte in their first 8000 bytes
/// are refused as binary.
public struct ReadFileTool: Tool {
    /// The byte cap the definition advertises; keep it equal to ``FileToolLimits/readBytes``.
    public let maxBytes: Int

    /// Creates the tool; `limits` only sets the cap the definition advertises.
    public init(limits: ToolLimits = ToolLimits()) {
        maxBytes = limits.files.readBytes
    }

    public var name: String { "read_file" }
    public var isIdempotent: Bool { true }

    public var definition: JSONValue {
        [
            "type": "function",
            "name": "read_file",
            "description": .string(
                "Read a text file in the workspace. Returns the file's text (no line numbers), at most \(maxBytes) "
                    + "bytes per call; a final line says where the text was cut and which offset reads on."),
            "parameters": [
                "type": "object",
                "properties": [
                    "path": [
                        "type": "string",
                        "description": "The file, relative to the run's working directory or absolute.",
                    ],
                    "offset": [
                        "type": "integer",
                        "description": "The first line to return, counting from 1. Defaults to 1.",
                    ],
                    "limit": [
                        "type": "integer",
                        "description": "How many lines to return. Defaults to the rest of the file.",
                    ],
                ],
                "required": ["path"],
                "additionalProperties": false,
            ],
            "strict": false,
        ]
    }

    public func run(arguments: String, context: ToolContext) async -> ToolOutcome {
        await FileToolRun.outcome(timeout: context.limits.defaultTimeout) { _ in
            let arguments = try ToolArguments(parsing: arguments, allowed: ["path", "offset", "limit"])
            let path = try arguments.path()
            let offset = try arguments.optionalInteger("offset", minimum: 1) ?? 1
            let limit = try arguments.optionalInteger("limit", minimum: 1)
            let workspace = try Workspace(context: context)
            let resolved = try workspace.resolve(path)
            return try Self.read(
                resolved, shown: path, offset: offset, limit: limit, maxBytes: context.limits.files.readBytes,
                paths: workspace.paths)
        }
    }

    /// Lines `offset ..< offset + limit` of the file at `path`, cut at `maxBytes`.
    static func read(
        _ path: String, shown: String, offset: Int, limit: Int?, maxBytes: Int, paths: ConfinedPaths
    ) throws -> FileToolResult {
        let fd = try FileIO.openRegularFile(path, shown: shown, paths: paths)
        defer { close(fd) }
        let end = limit.map { offset.addingReportingOverflow($0).overflow ? Int.max : offset + $0 }
        var line = 1  // the line the next byte belongs to
        var kept: [UInt8] = []
        var lineStart = 0  // where the current line starts in `kept`
        var cutBytes = 0
        var cutAfterLine: Int?  // set once the cap was hit; a partial line keeps `line`
        var cutInsideLine = false
        var sawBytes = false
        var lastByte: UInt8 = 0
        var first = true
        reading: while true {
            let chunk = try FileIO.read(fd, count: 1 << 16, shown: shown)
            if first {
                guard !FileIO.looksBinary(chunk) else {
                    throw FileToolError("'\(shown)' is a binary file; read_file only returns text")
                }
                first = false
            }
            if chunk.isEmpty { break }
            sawBytes = true
            lastByte = chunk[chunk.count - 1]
            var start = 0
            while start < chunk.count {
                if let end, line >= end { break reading }
                let newline = chunk[start...].firstIndex(of: UInt8(ascii: "\n"))
                let stop = newline.map { $0 + 1 } ?? chunk.count
                if line >= offset {
                    let segment = chunk[start..<stop]
                    if cutAfterLine != nil || cutInsideLine {
                        cutBytes += segment.count
                    } else if kept.count + segment.count <= maxBytes {
                        kept += segment
                    } else if lineStart == 0 {
                        // The first line shown is longer than the cap: keep its head, up to a character boundary.
                        let head = kept + segment.prefix(maxBytes - kept.count)
                        let room = CapturedOutput.completePrefixLength(head)
                        cutBytes += kept.count + segment.count - room
                        kept = Array(head.prefix(room))
                        cutInsideLine = true
                    } else {
                        // Cut after the last whole line (a line may span chunks, so drop its part kept so far).
                        cutBytes += kept.count - lineStart + segment.count
                        kept.removeSubrange(lineStart...)
                        cutAfterLine = line - 1
                    }
                }
                if newline != nil {
                    line += 1
                    lineStart = kept.count
                }
                start = stop
            }
            // Without a limit the rest of the file only adds to the cut count, which its size gives directly.
            if limit == nil && (cutAfterLine != nil || cutInsideLine) {
                var status = stat()
                if fstat(fd, &status) == 0 {
                    let position = lseek(fd, 0, SEEK_CUR)
                    if position >= 0 { cutBytes += max(0, Int(status.st_size) - Int(position)) }
                    break reading
                }
            }
        }
        let lines = !sawBytes ? 0 : (lastByte == UInt8(ascii: "\n") ? line - 1 : line)
        if offset > max(lines, 1) {
            throw FileToolError("offset \(offset) is past the end of '\(shown)', which has \(lines) lines")
        }
        if lines == 0 { return FileToolResult(text: "[empty file]") }
        var text = String(decoding: kept, as: UTF8.self)
        if let cutAfterLine {
            text +=
                "\n[… cut at \(maxBytes) bytes after line \(cutAfterLine); read on with offset "
                + "\(cutAfterLine + 1) …]"
        } else if cutInsideLine {
            text += "\n[… line \(offset) is longer than \(maxBytes) bytes; cut after its first \(kept.count) bytes …]"
        }
        return FileToolResult(text: text, truncatedBytes: cutBytes)
    }
}
