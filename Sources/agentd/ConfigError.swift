/// One problem in the configuration file, with where it is and what was expected.
struct ConfigError: Error, CustomStringConvertible, Equatable {
    var file: String
    var line: Int?
    var key: String
    var message: String

    var description: String {
        let location = line.map { "\(file):\($0)" } ?? file
        return "\(location): \(key): \(message)"
    }
}

/// Every problem found in a configuration file (reported together so one pass fixes them all).
struct ConfigErrors: Error, CustomStringConvertible {
    var errors: [ConfigError]

    var description: String { errors.map(\.description).joined(separator: "\n") }

    /// `errors` by line, so the file can be fixed top to bottom; those without a line last, in their order.
    static func inLineOrder(_ errors: [ConfigError]) -> [ConfigError] {
        errors.enumerated().sorted { first, second in
            let (a, b) = (first.element.line ?? .max, second.element.line ?? .max)
            return a != b ? a < b : first.offset < second.offset
        }.map(\.element)
    }
}
