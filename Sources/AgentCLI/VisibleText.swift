/// Text from a model, a tool or another client made safe to print on a terminal: control characters are shown
/// visibly instead of being obeyed (as `git` and `less` do), so an OSC 52 clipboard write, a window title, a
/// clear-screen or a carriage return cannot act on the terminal or disguise what a person approves.
///
/// C0 controls and DEL in caret notation (ESC → `^[`, BEL → `^G`, CR → `^M`, DEL → `^?`), C1 controls and the
/// Unicode bidirectional overrides as `<U+009B>`. Newline is kept; tab too unless `keepingTabs` is false.
enum VisibleText {
    static func escaped(_ text: String) -> String {
        escaped(text, keepingNewlines: true)
    }

    /// - Parameter keepingNewlines: false for text that must stay on one line (a command shown in a prompt).
    static func escaped(_ text: String, keepingNewlines: Bool) -> String {
        guard text.unicodeScalars.contains(where: { needsEscape($0, keepingNewlines: keepingNewlines) }) else {
            return text
        }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar, keepingNewlines: keepingNewlines) else {
                result.append(scalar)
                continue
            }
            result.append(contentsOf: visible(scalar).unicodeScalars)
        }
        return String(result)
    }

    private static func needsEscape(_ scalar: Unicode.Scalar, keepingNewlines: Bool) -> Bool {
        switch scalar.value {
        case 0x0A: !keepingNewlines
        case 0x09: false
        case 0x00..<0x20, 0x7F, 0x80..<0xA0: true
        // Bidirectional embeddings, overrides and isolates reorder what is shown ("Trojan Source").
        case 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    private static func visible(_ scalar: Unicode.Scalar) -> String {
        switch scalar.value {
        case 0x00..<0x20: "^" + String(Unicode.Scalar(UInt8(scalar.value) + 0x40))
        case 0x7F: "^?"
        default:
            "<U+" + String(repeating: "0", count: max(0, 4 - String(scalar.value, radix: 16).count))
                + String(scalar.value, radix: 16, uppercase: true) + ">"
        }
    }
}
