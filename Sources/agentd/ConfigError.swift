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
}
