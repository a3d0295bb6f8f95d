/// Typed reading straight from bytes: a payload decoder takes the members it needs and skips the rest, without
/// building a ``JSONValue`` and without `JSONDecoder` (which cost more than the rest of replay together on the
/// tool events of a ledger).
extension JSONByteParser {
    /// Parses `text`, which must be one JSON object, calling `body` with each member's key and the parser at the
    /// member's value; `body` must consume the value (read it, or ``skipValue()`` it).
    ///
    /// - Throws: ``JSONParseError`` for malformed JSON, a value of the wrong type, or whatever `body` throws.
    static func readObject(
        _ text: String, _ body: (JSONKey, inout JSONByteParser) throws(JSONParseError) -> Void
    ) throws(JSONParseError) {
        var text = text
        let failure: JSONParseError? = text.withUTF8 { bytes in
            var parser = JSONByteParser(bytes: bytes)
            do throws(JSONParseError) {
                try parser.parseMembers(body)
                parser.skipWhitespace()
                guard parser.position == bytes.count else { throw parser.error("trailing characters") }
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
    }

    /// Parses one object member by member (see ``readObject(_:_:)``).
    mutating func parseMembers(
        _ body: (JSONKey, inout JSONByteParser) throws(JSONParseError) -> Void
    ) throws(JSONParseError) {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: "{") else { throw error("expected an object") }
        position += 1
        skipWhitespace()
        if position < bytes.count && bytes[position] == UInt8(ascii: "}") {
            position += 1
            return
        }
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw error("expected a key") }
            let key = try parseKey()
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw error("expected ':'") }
            position += 1
            try body(key, &self)
            skipWhitespace()
            guard position < bytes.count else { throw error("unexpected end") }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
            } else if bytes[position] == UInt8(ascii: "}") {
                position += 1
                return
            } else {
                throw error("expected ',' or '}'")
            }
        }
    }

    /// A key: its raw bytes when it has no escapes (nearly always), else the decoded text.
    private mutating func parseKey() throws(JSONParseError) -> JSONKey {
        let start = position + 1
        var end = start
        while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\"), bytes[end] >= 0x20 {
            end += 1
        }
        if end < bytes.count && bytes[end] == UInt8(ascii: "\"") {
            position = end + 1
            return JSONKey(raw: UnsafeBufferPointer(rebasing: bytes[start..<end]), decoded: nil)
        }
        return JSONKey(raw: nil, decoded: try parseString())
    }

    /// Reads a string value.
    mutating func readString() throws(JSONParseError) -> String {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw error("expected a string") }
        return try parseString()
    }

    /// Reads a string value, or `null` as `nil`.
    mutating func readOptionalString() throws(JSONParseError) -> String? {
        try readNull() ? nil : readString()
    }

    /// Reads a number.
    mutating func readDouble() throws(JSONParseError) -> Double {
        skipWhitespace()
        return try parseNumber()
    }

    /// Reads a number that must be an integer representable as `T`.
    mutating func readInteger<T: FixedWidthInteger>(_ type: T.Type = T.self) throws(JSONParseError) -> T {
        let start = position
        guard let value = T(exactly: try readDouble()) else {
            throw JSONParseError(offset: start, reason: "expected an integer that fits \(T.self)")
        }
        return value
    }

    /// Reads an integer, or `null` as `nil`.
    mutating func readOptionalInteger<T: FixedWidthInteger>(_ type: T.Type = T.self) throws(JSONParseError) -> T? {
        try readNull() ? nil : readInteger(T.self)
    }

    /// Reads `true` or `false`.
    mutating func readBool() throws(JSONParseError) -> Bool {
        skipWhitespace()
        guard position < bytes.count else { throw error("unexpected end") }
        switch bytes[position] {
        case UInt8(ascii: "t"): try expect("true"); return true
        case UInt8(ascii: "f"): try expect("false"); return false
        default: throw error("expected a bool")
        }
    }

    /// Reads an array of strings.
    mutating func readStringArray() throws(JSONParseError) -> [String] {
        let start = position
        guard case .array(let elements) = try parseValue(depth: 1) else {
            throw JSONParseError(offset: start, reason: "expected an array")
        }
        var strings: [String] = []
        strings.reserveCapacity(elements.count)
        for element in elements {
            guard case .string(let text) = element else {
                throw JSONParseError(offset: start, reason: "expected an array of strings")
            }
            strings.append(text)
        }
        return strings
    }

    /// Reads an array of strings, or `null` as `nil`.
    mutating func readOptionalStringArray() throws(JSONParseError) -> [String]? {
        try readNull() ? nil : readStringArray()
    }

    /// Consumes `null` and returns true, or returns false and consumes nothing.
    mutating func readNull() throws(JSONParseError) -> Bool {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: "n") else { return false }
        try expect("null")
        return true
    }

    /// Parses and drops a value of a member the decoder does not use (it must still be valid JSON).
    mutating func skipValue() throws(JSONParseError) {
        _ = try parseValue(depth: 1)
    }
}

/// An object member's key as ``JSONByteParser/parseMembers(_:)`` found it; valid only during the callback.
struct JSONKey {
    let raw: UnsafeBufferPointer<UInt8>?
    let decoded: String?

    /// Whether `key` is `name`, so that `switch key { case "call_id": … }` reads naturally.
    static func ~= (name: StaticString, key: JSONKey) -> Bool {
        let count = name.utf8CodeUnitCount
        if let raw = key.raw {
            guard raw.count == count else { return false }
            for index in 0..<count where raw[index] != name.utf8Start[index] { return false }
            return true
        }
        guard let decoded = key.decoded else { return false }
        return decoded.utf8.elementsEqual(UnsafeBufferPointer(start: name.utf8Start, count: count))
    }
}

extension JSONParseError {
    /// A required member was absent.
    static func missing(_ key: String) -> JSONParseError {
        JSONParseError(offset: 0, reason: "missing member \"\(key)\"")
    }
}
