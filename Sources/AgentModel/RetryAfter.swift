/// Reads the wait a rate-limited or overloaded answer asks for from its headers.
public enum RetryAfter {
    /// The wait in milliseconds from `retry-after-ms`, else `retry-after` (seconds), else the sooner of
    /// `x-ratelimit-reset-requests`/`-tokens` (`1s`, `250ms`, `1m30s`); nil when none is readable.
    /// - Parameter headers: a JSON object of header names (any case) to string or number values.
    public static func millis(headers: JSONValue?) -> Int? {
        guard case .object(let members)? = headers else { return nil }
        var values: [String: String] = [:]
        for (name, value) in members {
            if let text = value.stringValue {
                values[name.lowercased()] = text
            } else if let number = value.intValue {
                values[name.lowercased()] = String(number)
            }
        }
        if let ms = values["retry-after-ms"].flatMap(Double.init), ms >= 0 { return Int(ms.rounded(.up)) }
        if let seconds = values["retry-after"].flatMap(Double.init), seconds >= 0 {
            return Int((seconds * 1000).rounded(.up))
        }
        let resets = ["x-ratelimit-reset-requests", "x-ratelimit-reset-tokens"].compactMap { values[$0] }.compactMap(
            duration)
        return resets.min()
    }

    /// Parses durations like `1s`, `250ms`, `6m0s`, `1h2m3.5s` into milliseconds.
    static func duration(_ text: String) -> Int? {
        var total = 0.0
        var number = ""
        var index = text.startIndex
        var sawUnit = false
        while index < text.endIndex {
            let character = text[index]
            if character.isNumber || character == "." {
                number.append(character)
                index = text.index(after: index)
                continue
            }
            guard let value = Double(number) else { return nil }
            let rest = text[index...]
            if rest.hasPrefix("ms") {
                total += value
                index = text.index(index, offsetBy: 2)
            } else if character == "s" {
                total += value * 1000
                index = text.index(after: index)
            } else if character == "m" {
                total += value * 60_000
                index = text.index(after: index)
            } else if character == "h" {
                total += value * 3_600_000
                index = text.index(after: index)
            } else {
                return nil
            }
            number = ""
            sawUnit = true
        }
        guard sawUnit, number.isEmpty else { return nil }
        return Int(total.rounded(.up))
    }
}
