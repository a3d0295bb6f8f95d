import AgentModel
import Foundation
import Testing

@testable import AgentControl

/// The hand-written event JSON of the fan-out must be exactly the canonical `JSONEncoder` bytes.
struct LedgerEventJSONTests {
    static let payloads = [
        "", "{}", #"{"type":"response.output_text.delta","delta":"word "}"#, #"quote " and backslash \ and slash /"#,
        "new\nline, return\r, tab\t, backspace\u{08}, form feed\u{0C}", "control \u{01} and \u{1F} and DEL \u{7F}",
        "é, 漢字, emoji 🚀, separators \u{2028}\u{2029}, nul \u{0}", String(repeating: "long ", count: 500),
    ]

    @Test func everyPayloadEncodesToTheCanonicalBytes() throws {
        for (index, payload) in Self.payloads.enumerated() {
            for kind in EventKind.allCases {
                let event = LedgerEvent(
                    runID: RunID(rawValue: "run_01J\(index)"), seq: Int64(index) * 1_000_003,
                    timestampMillis: 1_764_000_000_000 + Int64(index), kind: kind, type: "type/\(index) \"x\"",
                    payload: payload)
                let canonical = try JSONCoding.encodeData(event)
                let written = LedgerEventJSON.encode(event)
                #expect(written == canonical, "payload \(index), kind \(kind)")
            }
        }
    }
}
