import Foundation

/// How agentctl may draw: live lines only on a terminal, colour only on a terminal and never with `NO_COLOR`,
/// Unicode symbols only in a UTF-8 locale (plain ASCII otherwise).
struct TerminalStyle: Sendable {
    /// Stdout is a terminal: spinners and lines redrawn in place.
    var live: Bool
    var color: Bool
    var unicode: Bool

    /// What the current process may use.
    static func detect(environment: [String: String] = ProcessInfo.processInfo.environment) -> TerminalStyle {
        let terminal = isatty(STDOUT_FILENO) == 1 && environment["TERM"] != "dumb"
        // https://no-color.org: any non-empty NO_COLOR turns colour off.
        let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
        let locale = environment["LC_ALL"].flatMap { $0.isEmpty ? nil : $0 }
            ?? environment["LC_CTYPE"].flatMap { $0.isEmpty ? nil : $0 } ?? environment["LANG"] ?? ""
        let utf8 = locale.uppercased().replacingOccurrences(of: "-", with: "").contains("UTF8")
        return TerminalStyle(live: terminal, color: terminal && !noColor, unicode: utf8)
    }

    enum Color: String {
        case red = "31"
        case green = "32"
        case yellow = "33"
        case dim = "2"
        case bold = "1"
    }

    /// `text` in `color` when colour is on; unchanged otherwise (meaning is never carried by colour alone).
    func paint(_ text: String, _ color: Color) -> String {
        color == .dim && !self.color ? text : self.color ? "\u{1B}[\(color.rawValue)m\(text)\u{1B}[0m" : text
    }

    /// Spinner frame `n`.
    func spinner(_ n: Int) -> String {
        let frames = unicode ? ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"] : ["|", "/", "-", "\\"]
        return frames[n % frames.count]
    }

    /// The mark of a finished tool call: a check or a cross (`ok` / `!!` in ASCII).
    func mark(success: Bool) -> String {
        if unicode { return paint(success ? "✓" : "✗", success ? .green : .red) }
        return paint(success ? "ok" : "!!", success ? .green : .red)
    }

    /// Columns of the terminal on stdout (80 when unknown).
    static func columns() -> Int {
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }
}
