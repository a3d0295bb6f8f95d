import AgentModel

/// Fills `{param}` placeholders of a command tool's argv from the call's arguments.
enum ArgvTemplate {
    /// One piece of an argv element.
    enum Piece: Equatable {
        case text(String)
        case placeholder(String)
    }

    /// Splits `element` into literal text and placeholders (`{{` and `}}` are literal braces).
    static func parse(_ element: String) -> Result<[Piece], ArgumentError> {
        var pieces: [Piece] = []
        var text = ""
        var index = element.startIndex
        while index < element.endIndex {
            let character = element[index]
            let next = element.index(after: index)
            if character == "{" && next < element.endIndex && element[next] == "{" {
                text.append("{")
                index = element.index(after: next)
            } else if character == "}" && next < element.endIndex && element[next] == "}" {
                text.append("}")
                index = element.index(after: next)
            } else if character == "{" {
                guard let close = element[next...].firstIndex(of: "}") else {
                    return .failure(ArgumentError("unclosed '{' (write '{{' for a literal brace)"))
                }
                let name = String(element[next..<close])
                guard !name.isEmpty else { return .failure(ArgumentError("empty placeholder '{}'")) }
                if !text.isEmpty { pieces.append(.text(text)) }
                text = ""
                pieces.append(.placeholder(name))
                index = element.index(after: close)
            } else if character == "}" {
                return .failure(ArgumentError("unmatched '}' (write '}}' for a literal brace)"))
            } else {
                text.append(character)
                index = next
            }
        }
        if !text.isEmpty || pieces.isEmpty { pieces.append(.text(text)) }
        return .success(pieces)
    }

    /// The placeholder names in `element`.
    static func placeholders(in element: String) -> Result<[String], ArgumentError> {
        parse(element).map { pieces in
            pieces.compactMap { if case .placeholder(let name) = $0 { name } else { nil } }
        }
    }

    /// The argv with every placeholder replaced by `values` (already validated and defaulted).
    ///
    /// An element that is exactly one placeholder becomes the value (an array: one argument per item; absent:
    /// no argument). An element with text around a placeholder is dropped when the value is absent.
    static func render(_ argv: [String], values: [String: JSONValue]) throws(ArgumentError) -> [String] {
        var result: [String] = []
        for element in argv {
            let pieces: [Piece]
            switch parse(element) {
            case .success(let parsed): pieces = parsed
            case .failure(let error): throw error
            }
            if pieces.count == 1, case .placeholder(let name) = pieces[0] {
                switch values[name] {
                case nil, .null?: continue
                case .array(let items)?: for item in items { result.append(try scalarText(item, name)) }
                case let value?: result.append(try scalarText(value, name))
                }
                continue
            }
            var text = ""
            var complete = true
            for piece in pieces {
                switch piece {
                case .text(let literal): text += literal
                case .placeholder(let name):
                    guard let value = values[name], value != .null else {
                        complete = false
                        break
                    }
                    text += try scalarText(value, name)
                }
            }
            if complete { result.append(text) }
        }
        return result
    }

    /// A scalar as one argument: strings as is, integers without a fraction, booleans as `true`/`false`.
    static func scalarText(_ value: JSONValue, _ name: String) throws(ArgumentError) -> String {
        switch value {
        case .string(let text):
            guard !text.utf8.contains(0) else { throw ArgumentError("'\(name)' must not contain NUL characters") }
            return text
        case .number(let number):
            return number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .bool(let flag): return flag ? "true" : "false"
        default: throw ArgumentError("'\(name)' must be a string, number or boolean here")
        }
    }
}
