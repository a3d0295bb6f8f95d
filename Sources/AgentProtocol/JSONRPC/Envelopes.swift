import AgentModel
import Foundation

/// Decodes only the `params` member of a request line into `P` (absent or null params decode as `{}`).
public struct ParamsEnvelope<P: Decodable>: Decodable {
    public var params: P

    enum CodingKeys: String, CodingKey { case params }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if container.contains(.params), try !container.decodeNil(forKey: .params) {
            params = try container.decode(P.self, forKey: .params)
        } else {
            params = try JSONDecoder().decode(P.self, from: Data("{}".utf8))
        }
    }

    /// Decodes the params of `line`.
    ///
    /// - Throws: ``ControlError`` with code ``ControlError/Code/invalidParams`` naming the offending field.
    public static func decode(from line: Data) throws(ControlError) -> P {
        do {
            return try JSONDecoder().decode(ParamsEnvelope<P>.self, from: line).params
        } catch {
            var (field, detail) = DecodingErrorDescription.describe(error)
            if field.isEmpty, let located = ParamsNumberLocator.locate(P.self, in: line) { (field, detail) = located }
            throw ControlError.invalidParams(field: field, detail)
        }
    }
}

/// Decodes the `result` member of a response line into `R`.
public struct ResultEnvelope<R: Decodable>: Decodable {
    public var result: R
}

/// Decodes the `error` member of an error response line.
public struct ErrorEnvelope: Decodable {
    public var error: ControlError
}

/// Decodes the `params` of a notification line without defaulting.
public struct NotificationEnvelope<P: Decodable>: Decodable {
    public var method: String
    public var params: P
}

/// Turns decoding errors into a field path and a sentence, for `invalid params` messages.
public enum DecodingErrorDescription {
    /// The dotted path (without the leading `params.`) and a description of what was wrong.
    public static func describe(_ error: Error) -> (field: String, detail: String) {
        guard let decodingError = error as? DecodingError else { return ("", String(describing: error)) }
        switch decodingError {
        case .typeMismatch(let type, let context):
            return (path(context.codingPath), "expected \(typeName(type))")
        case .valueNotFound(let type, let context):
            return (path(context.codingPath), "expected \(typeName(type)), found null")
        case .keyNotFound(let key, let context):
            return (path(context.codingPath + [key]), "missing required field")
        case .dataCorrupted(let context):
            return (path(context.codingPath), context.debugDescription)
        @unknown default:
            return ("", String(describing: decodingError))
        }
    }

    /// A short, single-line description of a JSON syntax error.
    public static func summary(_ error: Error) -> String {
        if case .dataCorrupted(let context)? = error as? DecodingError {
            if let underlying = context.underlyingError as NSError?,
                let detail = underlying.userInfo["NSDebugDescription"] as? String
            {
                return detail
            }
            return context.debugDescription
        }
        return String(describing: error)
    }

    private static func path(_ codingPath: [CodingKey]) -> String {
        var parts: [String] = []
        for key in codingPath {
            if let index = key.intValue {
                parts.append("[\(index)]")
            } else if key.stringValue != "params" || !parts.isEmpty {
                parts.append(parts.isEmpty ? key.stringValue : "." + key.stringValue)
            }
        }
        return parts.joined()
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is Int.Type, is Int64.Type, is Int32.Type, is UInt32.Type: "an integer"
        case is Double.Type: "a number"
        default:
            if String(describing: type).hasPrefix("Array") {
                "an array"
            } else if String(describing: type).hasPrefix("Dictionary") {
                "an object"
            } else {
                "a value of type \(type)"
            }
        }
    }
}
