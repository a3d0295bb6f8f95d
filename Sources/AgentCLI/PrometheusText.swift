import Foundation

/// A reader of the Prometheus text exposition format (0.0.4): `# TYPE` lines and samples.
///
/// Enough for what agentd emits (no escapes beyond `\"`, `\\` and `\n` in label values; no timestamps needed).
struct PrometheusText: Equatable {
    /// One sample line: `name{labels} value`.
    struct Sample: Equatable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    /// A `# TYPE` family and its samples (a histogram's `_bucket`, `_sum` and `_count` lines included).
    struct Family: Equatable {
        var name: String
        var type: String
        var samples: [Sample] = []
    }

    /// Families in the order they appeared.
    var families: [Family] = []

    /// The family called `name`, if present.
    subscript(name: String) -> Family? { families.first { $0.name == name } }

    /// Parses the exposition text; a line that is neither a comment nor a sample is an error.
    static func parse(_ text: String) throws -> PrometheusText {
        var result = PrometheusText()
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            if line.hasPrefix("#") {
                let words = line.split(separator: " ", maxSplits: 3).map(String.init)
                if words.count >= 4, words[1] == "TYPE" { result.families.append(Family(name: words[2], type: words[3])) }
                continue
            }
            guard let sample = parseSample(line) else { throw ParseError(line: number + 1, text: line) }
            // Samples belong to the family whose name they extend (`x_bucket`, `x_sum`, `x_count` belong to `x`).
            if let index = result.families.lastIndex(where: { sample.name == $0.name || belongs(sample.name, to: $0) }) {
                result.families[index].samples.append(sample)
            } else {
                result.families.append(Family(name: sample.name, type: "untyped", samples: [sample]))
            }
        }
        return result
    }

    private static func belongs(_ sampleName: String, to family: Family) -> Bool {
        ["_bucket", "_sum", "_count"].contains { sampleName == family.name + $0 }
    }

    private static func parseSample(_ line: String) -> Sample? {
        var labels: [String: String] = [:]
        let name: String
        let rest: Substring
        if let open = line.firstIndex(of: "{") {
            name = String(line[..<open])
            guard let close = line.lastIndex(of: "}"), close > open,
                let parsed = parseLabels(line[line.index(after: open)..<close])
            else { return nil }
            labels = parsed
            rest = line[line.index(after: close)...]
        } else {
            guard let space = line.firstIndex(of: " ") else { return nil }
            name = String(line[..<space])
            rest = line[space...]
        }
        guard !name.isEmpty, let valueText = rest.split(separator: " ").first, let value = number(valueText)
        else { return nil }
        return Sample(name: name, labels: labels, value: value)
    }

    private static func number(_ text: Substring) -> Double? {
        switch text {
        case "+Inf": .infinity
        case "-Inf": -.infinity
        case "NaN": .nan
        default: Double(text)
        }
    }

    /// `a="x",b="y"` into a dictionary; `nil` when malformed.
    private static func parseLabels(_ text: Substring) -> [String: String]? {
        var labels: [String: String] = [:]
        var index = text.startIndex
        while index < text.endIndex {
            guard let equals = text[index...].firstIndex(of: "=") else { return nil }
            let key = text[index..<equals].trimmingCharacters(in: CharacterSet(charactersIn: " ,"))
            var cursor = text.index(after: equals)
            guard cursor < text.endIndex, text[cursor] == "\"" else { return nil }
            cursor = text.index(after: cursor)
            var value = ""
            var closed = false
            while cursor < text.endIndex {
                let character = text[cursor]
                cursor = text.index(after: cursor)
                if character == "\"" {
                    closed = true
                    break
                }
                if character == "\\", cursor < text.endIndex {
                    value.append(text[cursor] == "n" ? "\n" : text[cursor])
                    cursor = text.index(after: cursor)
                } else {
                    value.append(character)
                }
            }
            guard closed else { return nil }
            labels[key] = value
            index = cursor
        }
        return labels
    }

    struct ParseError: Error, CustomStringConvertible {
        var line: Int
        var text: String
        var description: String { "line \(line) of the metrics is not in the Prometheus text format: \(text)" }
    }
}
