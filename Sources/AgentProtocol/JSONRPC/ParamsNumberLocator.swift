import AgentModel
import Foundation

/// Names the member a params decode refused when Foundation only says "The given data was not valid JSON.".
///
/// On valid JSON that message means a number did not fit its field (`"limit": 1.5` for an `Int`), and Foundation
/// gives no coding path. The locator patches the params' numbers that are not integers, one after another, and
/// reports the one whose patch changes the outcome of decoding `P`.
enum ParamsNumberLocator {
    /// The dotted path and a description of the number that `P` refused in `line`'s params, if one is found.
    static func locate<P: Decodable>(_: P.Type, in line: Data) -> (field: String, detail: String)? {
        guard let text = String(data: line, encoding: .utf8), let root = try? JSONValue.parse(text),
            var params = root["params"]
        else { return nil }
        for (path, value) in numbers(in: params, at: []) where !isInteger(value) {
            params = replacing(params, at: path, with: .number(0))
            let patched = Data(JSONValue.object(["params": params]).serialized.utf8)
            do {
                _ = try JSONDecoder().decode(ParamsEnvelope<P>.self, from: patched)
            } catch let DecodingError.dataCorrupted(context) where context.codingPath.isEmpty {
                continue
            } catch {}
            return (format(path), "expected an integer, got \(value)")
        }
        return nil
    }

    private enum Step {
        case key(String)
        case index(Int)
    }

    private static func isInteger(_ value: Double) -> Bool {
        value.rounded() == value && abs(value) < 9.2e18
    }

    private static func numbers(in value: JSONValue, at path: [Step]) -> [([Step], Double)] {
        switch value {
        case .number(let number): [(path, number)]
        case .array(let items): items.enumerated().flatMap { numbers(in: $1, at: path + [.index($0)]) }
        case .object(let members):
            members.sorted { $0.key < $1.key }.flatMap { numbers(in: $0.value, at: path + [.key($0.key)]) }
        default: []
        }
    }

    private static func replacing(_ value: JSONValue, at path: [Step], with new: JSONValue) -> JSONValue {
        guard let first = path.first else { return new }
        let rest = Array(path.dropFirst())
        switch (first, value) {
        case (.key(let key), .object(var members)):
            if let member = members[key] { members[key] = replacing(member, at: rest, with: new) }
            return .object(members)
        case (.index(let index), .array(var items)) where items.indices.contains(index):
            items[index] = replacing(items[index], at: rest, with: new)
            return .array(items)
        default:
            return value
        }
    }

    private static func format(_ path: [Step]) -> String {
        var text = ""
        for step in path {
            switch step {
            case .key(let key): text += text.isEmpty ? key : "." + key
            case .index(let index): text += "[\(index)]"
            }
        }
        return text
    }
}
