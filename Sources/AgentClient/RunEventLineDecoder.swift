import AgentModel
import AgentProtocol
import Foundation

/// A one-pass decoder for `run/event` lines, the bulk of what an attached client reads.
///
/// The general path validates the line with the byte-level parser, decodes the header with `JSONDecoder`, then
/// decodes the whole envelope again; for a stream of thousands of events a second this dominated a client's CPU.
/// This path parses the line once with ``JSONValue/parse(_:)`` and reads the fields from the tree. It answers nil
/// for anything it does not fully understand, and the caller then takes the general path, so it never accepts a
/// line the general path would reject or reads one differently.
enum RunEventLineDecoder {
    /// What the server's sorted-key encoding starts every `run/event` line with.
    private static let prefix = Data(#"{"jsonrpc":"2.0","method":"run/event","params":{"#.utf8)

    /// The params of `line` if it is a well-formed `run/event` notification, else nil.
    static func decode(_ line: Data) -> RunEventNotification.Params? {
        guard line.starts(with: prefix), let text = String(data: line, encoding: .utf8),
            let root = try? JSONValue.parse(text), case .object(let members) = root, members.count == 3,
            members["jsonrpc"] == .string(jsonRPCVersion), members["method"] == .string(RunEventNotification.name),
            case .object(let params)? = members["params"], params.count == 3,
            let subscriptionID = params["subscription_id"]?.stringValue,
            let runID = params["run_id"]?.stringValue,
            case .object(let event)? = params["event"], event.count == 6,
            let eventRunID = event["run_id"]?.stringValue,
            let seq = exactInteger(event["seq"]),
            let timestamp = exactInteger(event["ts_ms"]),
            let kind = event["kind"]?.stringValue.flatMap(EventKind.init(rawValue:)),
            let type = event["type"]?.stringValue,
            let payload = event["payload"]?.stringValue
        else { return nil }
        let ledgerEvent = LedgerEvent(
            runID: RunID(rawValue: eventRunID), seq: seq, timestampMillis: timestamp, kind: kind, type: type,
            payload: payload)
        return RunEventNotification.Params(
            subscriptionID: subscriptionID, runID: RunID(rawValue: runID), event: ledgerEvent)
    }

    /// `value` as an Int64 when it is a number the parser's Double holds exactly (below 2^53), else nil.
    private static func exactInteger(_ value: JSONValue?) -> Int64? {
        guard case .number(let number)? = value, number.rounded(.towardZero) == number,
            abs(number) < 9_007_199_254_740_992
        else { return nil }
        return Int64(number)
    }
}
