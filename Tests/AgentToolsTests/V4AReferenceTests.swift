import Testing

@testable import AgentTools

/// Differential test: our V4A applier against openai-agents' `apply_diff.py` on generated patches.
///
/// Cases cover one to three hunks, anchors, hunks without a header, `*** End of File`, whitespace the model got
/// wrong (trailing and leading), empty lines written bare, CRLF files, files without a final newline, and
/// patches whose context is not in the file (both must refuse them). Two differences are by design and checked
/// as such: a created file ends with a newline (the reference leaves the last line without one), and an anchor
/// found nowhere is an error (never generated here; see ``V4APatchTests``).
@Suite("V4A against the reference applier")
struct V4AReferenceTests {
    @Test(.enabled(if: ReferenceApplier.reachable, "pip cannot reach PyPI for openai-agents"))
    func generatedUpdatesApplyLikeTheReference() throws {
        var random = SplitMix64(seed: 0x5EED_19)
        let cases = (0..<400).map { _ in Self.updateCase(&random) }
        let answers = try ReferenceApplier.answers(cases)
        #expect(answers.count == cases.count)
        var failures = 0
        var refusedByBoth = 0
        for (testCase, answer) in zip(cases, answers) {
            let ours = Result { try V4AApplier.apply(V4ADiff.parseHunks(V4ADiff.lines(of: testCase.diff), path: "f"), to: testCase.input, path: "f") }
            switch (ours, answer.ok) {
            case (.success(let text), true) where text == answer.text:
                continue
            case (.failure, false):
                refusedByBoth += 1
                continue
            default:
                failures += 1
                let shown = "input \(String(reflecting: testCase.input)) diff \(String(reflecting: testCase.diff))"
                Issue.record("differs from the reference: \(shown): ours \(ours), reference \(answer)")
            }
            if failures > 5 { break }
        }
        // The generator must exercise both outcomes, or the comparison proves little.
        #expect(refusedByBoth > 10)
        #expect(refusedByBoth < cases.count / 2)
    }

    @Test(.enabled(if: ReferenceApplier.reachable, "pip cannot reach PyPI for openai-agents"))
    func createdFilesMatchTheReferencePlusAFinalNewline() throws {
        let diffs = ["+a\n+b\n", "+only", "+\n+\n", "+x\r\n+y\r\n", "+  indented\n+\ttab\n"]
        let answers = try ReferenceApplier.answers(diffs.map { .init(input: "", diff: $0, mode: "create") })
        for (diff, answer) in zip(diffs, answers) {
            let crlf = diff.contains("\r\n")
            let lines = try V4ADiff.parseCreate(V4ADiff.lines(of: diff), path: "f")
            let ours = lines.map { $0 + (crlf ? "\r\n" : "\n") }.joined()
            #expect(answer.ok)
            #expect(ours == (answer.text ?? "") + (crlf ? "\r\n" : "\n"), "diff \(String(reflecting: diff))")
        }
    }

    // MARK: - Generator

    static let vocabulary = ["x = 1", "return x", "    pass", "}", "{", "foo()", "bar()", "", "    y = 2"]

    /// A random file and a random update diff for it (sometimes with a context line the file does not have).
    static func updateCase(_ random: inout SplitMix64) -> ReferenceApplier.Case {
        let count = random.next(in: 3...30)
        var unique = 0
        let lines: [String] = (0..<count).map { _ in
            if random.chance(0.25) {
                unique += 1
                return "def f\(unique)():"
            }
            return vocabulary[random.next(in: 0...(vocabulary.count - 1))]
        }
        let finalNewline = random.chance(0.8)
        let crlf = random.chance(0.2)
        let newline = crlf ? "\r\n" : "\n"
        let input = lines.joined(separator: newline) + (finalNewline ? newline : "")

        var diff: [String] = []
        var cursor = 0
        let hunks = random.next(in: 1...3)
        for hunk in 0..<hunks {
            guard cursor < count else { break }
            let before = random.next(in: 0...2)
            let start = random.next(in: cursor...(count - 1))
            let contextStart = max(cursor, start - before)
            let removed = min(random.next(in: 0...2), count - start)
            var added = random.next(in: 0...2)
            if removed == 0 && added == 0 { added = 1 }
            let after = min(random.next(in: 0...2), count - start - removed)
            let end = start + removed + after
            // An anchor: a unique line between the previous hunk and this one's context.
            let anchor = (cursor..<contextStart).last { lines[$0].hasPrefix("def ") && random.chance(0.5) }
            if let anchor {
                diff.append("@@ " + lines[anchor])
            } else if hunk > 0 || random.chance(0.7) {
                diff.append("@@")
            }
            func context(_ line: String) -> String {
                if line.isEmpty && random.chance(0.5) { return "" }
                if random.chance(0.1) { return " " + line + "  " }
                if random.chance(0.08) { return "  " + line }
                return " " + line
            }
            for index in contextStart..<start { diff.append(context(lines[index])) }
            for index in start..<(start + removed) { diff.append("-" + lines[index]) }
            for number in 0..<added { diff.append("+added \(hunk).\(number)") }
            for index in (start + removed)..<end { diff.append(context(lines[index])) }
            if random.chance(0.08), let position = diff.lastIndex(where: { $0.hasPrefix(" ") || $0.hasPrefix("-") }) {
                diff[position] = String(diff[position].prefix(1)) + "not in the file"
            }
            if end == count && random.chance(0.5) { diff.append("*** End of File") }
            cursor = end
        }
        return .init(input: input, diff: diff.joined(separator: random.chance(0.1) ? "\r\n" : "\n") + "\n", mode: "default")
    }
}

/// A small seeded generator, so a failing case is the same on every run.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    mutating func chance(_ probability: Double) -> Bool {
        Double(next() % 1_000_000) / 1_000_000 < probability
    }
}
