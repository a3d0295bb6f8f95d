@testable import AgentCLI
import AgentModel
import Testing

/// Terminal escape injection (issue 14 item 14): text from a model, a tool or another client is shown with its
/// control characters visible, never obeyed.
struct VisibleTextTests {
    /// A window title (OSC 0), a clipboard write (OSC 52), a clear-screen, a carriage return that would hide what
    /// came before it, and a right-to-left override.
    static let hostile =
        "safe\u{1B}]0;pwned\u{07}\u{1B}]52;c;cm0gLXJmIH4=\u{07}\u{1B}[2J\u{1B}[H\rnice\u{9B}31m\u{202E}txt.exe"

    @Test func controlCharactersAreShownInCaretNotation() {
        #expect(
            VisibleText.escaped(Self.hostile)
                == "safe^[]0;pwned^G^[]52;c;cm0gLXJmIH4=^G^[[2J^[[H^Mnice<U+009B>31m<U+202E>txt.exe")
        #expect(VisibleText.escaped("a\tb\nc\u{7F}") == "a\tb\nc^?")
        #expect(VisibleText.escaped("line one\nline two", keepingNewlines: false) == "line one^Jline two")
        #expect(VisibleText.escaped("plain text, é, ✓") == "plain text, é, ✓")
    }

    @Test func streamedModelTextShowsTheEscapesVisibly() {
        var renderer = EventRenderer()
        let payload = try! JSONCoding.encode(["type": "response.output_text.delta", "delta": Self.hostile])
        let event = LedgerEvent(
            runID: RunID(rawValue: "run_x"), seq: 3, timestampMillis: 0, kind: .upstreamIn,
            type: UpstreamEventType.outputTextDelta, payload: payload)
        let rendered = renderer.render(event)
        #expect(!rendered.output.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x0D })
        #expect(rendered.output.hasPrefix("safe^[]0;pwned^G"))
    }

    @Test func aCommandLineIsShownOnOneLineWithItsControlCharacters() {
        let arguments = try! JSONCoding.encode(["cmd": "echo ok\u{1B}[2K\rrm -rf ~\nrm -rf /"])
        #expect(
            EventRenderer.summary(name: "shell", arguments: arguments) == "shell: echo ok^[[2K^Mrm -rf ~^Jrm -rf /")
    }
}
