import TOMLKit

/// Reads one table of the config file against the keys it may contain: wrong types, values out of range and
/// unknown keys are errors with the key's line, never silently ignored.
final class ConfigReader {
    private let table: TOMLTable?
    private let section: String
    private let file: String
    private let lines: [Substring]
    private var seen: Set<String> = []
    private(set) var errors: [ConfigError] = []
    /// For one entry of an array of tables (`[[section]]`): which entry, counting from 0.
    private let entry: Int?

    init(table: TOMLTable?, section: String, file: String, source: String, entry: Int? = nil) {
        self.table = table
        self.section = section
        self.entry = entry
        self.file = file
        self.lines = source.split(separator: "\n", omittingEmptySubsequences: false)
    }

    func string(_ key: String, default value: String) -> String {
        read(key, expected: "a string", default: value) { $0.string }
    }

    func optionalString(_ key: String) -> String? {
        let value = read(key, expected: "a string", default: "") { $0.string }
        return value.isEmpty ? nil : value
    }

    func bool(_ key: String, default value: Bool) -> Bool {
        read(key, expected: "true or false", default: value) { $0.bool }
    }

    func int(_ key: String, default value: Int, range: ClosedRange<Int>) -> Int {
        let result = read(key, expected: "an integer", default: value) { $0.int }
        guard range.contains(result) else {
            fail(key, "must be between \(range.lowerBound) and \(range.upperBound), got \(result)")
            return value
        }
        return result
    }

    func choice(_ key: String, default value: String, allowed: [String]) -> String {
        let result = string(key, default: value)
        guard allowed.contains(result) else {
            fail(key, "must be one of \(allowed.map { "\"\($0)\"" }.joined(separator: ", ")), got \"\(result)\"")
            return value
        }
        return result
    }

    func strings(_ key: String, default value: [String]) -> [String] {
        read(key, expected: "an array of strings", default: value) { raw in
            guard let array = raw.array else { return nil }
            let strings = array.compactMap { $0.string }
            return strings.count == array.count ? strings : nil
        }
    }

    func ints(_ key: String, default value: [Int]) -> [Int] {
        read(key, expected: "an array of integers", default: value) { raw in
            guard let array = raw.array else { return nil }
            let ints = array.compactMap { $0.int }
            return ints.count == array.count ? ints : nil
        }
    }

    /// The tables of an array of tables (`[[section.key]]`), or none.
    func tables(_ key: String) -> [TOMLTable] {
        read(key, expected: "an array of tables ([[\(section).\(key)]])", default: []) { raw in
            guard let array = raw.array else { return nil }
            let tables = array.compactMap { $0.table }
            return tables.count == array.count ? tables : nil
        }
    }

    /// The raw value of `key`, marked as read.
    func raw(_ key: String) -> TOMLValueConvertible? {
        read(key, expected: "a value", default: nil) { $0 }
    }

    /// Reports a problem with `key` of this table.
    func problem(_ key: String, _ message: String) { fail(key, message) }

    /// Reports the keys of this table that no reader asked for.
    func finish() -> [ConfigError] {
        for key in table?.keys ?? [] where !seen.contains(key) {
            let suggestion = ConfigSuggestion.closest(to: key, among: seen.sorted()).map { "; did you mean \"\($0)\"?" }
            fail(key, "unknown key\(suggestion ?? "") (see config/agentd.toml for the keys of [\(section)])")
        }
        return errors
    }

    private func read<T>(_ key: String, expected: String, default value: T, _ convert: (TOMLValueConvertible) -> T?)
        -> T
    {
        seen.insert(key)
        guard let raw = table?[key] else { return value }
        guard let converted = convert(raw) else {
            fail(key, "must be \(expected), got a \(raw.type)")
            return value
        }
        return converted
    }

    /// Records an error about `key` with its line (for checks that span several keys).
    func fail(_ key: String, _ message: String) {
        let name = entry.map { "\(section)[\($0)].\(key)" } ?? "\(section).\(key)"
        errors.append(ConfigError(file: file, line: line(of: key), key: name, message: message))
    }

    /// The 1-based line where `key` is assigned inside this section, found in the source text.
    private func line(of key: String) -> Int? {
        var inSection = false
        var entriesSeen = -1
        for (index, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") {
                if let entry {
                    if line == "[[\(section)]]" { entriesSeen += 1 }
                    inSection = line == "[[\(section)]]" && entriesSeen == entry
                } else {
                    inSection = line == "[\(section)]"
                }
                continue
            }
            guard inSection, line.hasPrefix(key) else { continue }
            let rest = line.dropFirst(key.count).drop { $0 == " " || $0 == "\t" }
            if rest.hasPrefix("=") { return index + 1 }
        }
        return nil
    }
}

extension ConfigReader {
    /// The 1-based line of the first header of table `name` (`[name]`, `[name.…]`, `[[name…]]`) in `source`.
    static func line(ofSection name: String, in source: String) -> Int? {
        for (index, raw) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            let header = line.drop { $0 == "[" }.prefix { $0 != "]" }.trimmingCharacters(in: .whitespaces)
            guard line.hasPrefix("[") else {
                // A dotted key at the top level (`name.key = 1`) also makes a table.
                if line.hasPrefix(name + "."), line.contains("=") { return index + 1 }
                continue
            }
            if header == Substring(name) || header.hasPrefix(name + ".") { return index + 1 }
        }
        return nil
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: Set<Character>) -> Substring {
        var result = self
        while let first = result.first, set.contains(first) { result = result.dropFirst() }
        while let last = result.last, set.contains(last) { result = result.dropLast() }
        return result
    }
}

extension Set where Element == Character {
    fileprivate static let whitespaces: Set<Character> = [" ", "\t", "\r"]
}
