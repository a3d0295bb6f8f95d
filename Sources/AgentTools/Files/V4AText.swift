/// A text file's lines as V4A hunks see them: content without line ends, each line remembering whether it ended
/// with `\r\n`, so a patch changes only the lines it touches and a CRLF file stays CRLF.
///
/// The text is split at every `\n`, so the last element is what follows the last `\n`: `""` for a file that ends
/// with a newline (a phantom line that keeps the final newline through edits, as the reference applier does).
struct V4AText: Hashable {
    /// The elements between `\n`s, without a `\r` that preceded the `\n`.
    var lines: [String]
    /// Whether each element was followed by `\r\n` (for the last element: whether it gets one if lines follow it).
    var carriageReturns: [Bool]
    /// Whether lines a patch adds end with `\r\n`: the file has at least one CRLF.
    let crlf: Bool

    /// Splits `text` into lines.
    init(_ text: String) {
        let parts = Self.split(text)
        crlf = parts.contains { $0.crlf }
        lines = parts.map(\.line)
        // The last element has no line end yet; if lines are added after it, it gets the file's.
        carriageReturns = parts.dropLast().map(\.crlf) + [crlf]
    }

    /// The elements of `text` between `\n`s, each without a `\r` right before its `\n`.
    ///
    /// Works on bytes: a Swift `Character` joins `\r\n` into one grapheme, so splitting characters at `\n` would
    /// miss every CRLF. A lone `\r` at the very end stays content.
    static func split(_ text: String) -> [(line: String, crlf: Bool)] {
        var parts: [(line: String, crlf: Bool)] = []
        var utf8 = Array(text.utf8)[...]
        while let newline = utf8.firstIndex(of: UInt8(ascii: "\n")) {
            var line = utf8[utf8.startIndex..<newline]
            let crlf = line.last == UInt8(ascii: "\r")
            if crlf { line = line.dropLast() }
            parts.append((String(decoding: line, as: UTF8.self), crlf))
            utf8 = utf8[(newline + 1)...]
        }
        parts.append((String(decoding: utf8, as: UTF8.self), false))
        return parts
    }

    /// The number of real lines: ``lines`` without the phantom empty element after a final newline.
    var realLineCount: Int {
        lines.count > 0 && lines.last == "" ? lines.count - 1 : lines.count
    }

    /// The text with its line ends.
    var text: String {
        var result = ""
        for index in lines.indices {
            result += lines[index]
            if index < lines.count - 1 { result += carriageReturns[index] ? "\r\n" : "\n" }
        }
        return result
    }

    /// Replaces `count` lines at `position` by `added`, which get the file's line end.
    mutating func replace(at position: Int, count: Int, with added: [String]) {
        lines.replaceSubrange(position..<position + count, with: added)
        carriageReturns.replaceSubrange(
            position..<position + count, with: repeatElement(crlf, count: added.count))
    }
}
