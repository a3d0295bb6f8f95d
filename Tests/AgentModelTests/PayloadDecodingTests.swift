import AgentModel
import Foundation
import Testing

/// The reducer's byte-level payload decoders against `JSONDecoder`: the same value for every payload it accepts,
/// a failure for every payload it refuses (unknown members skipped, as a newer agentd may write them).
struct PayloadDecodingTests {
    static let toolFinished = [
        #"{"call_id":"call_1","exit_code":0,"duration_ms":2.5,"output":"ok\n","timed_out":false,"truncated_bytes":0}"#,
        #"{"truncated_bytes":12,"timed_out":true,"output":"a\"b\\c\u00e9\ud83d\ude00\t","duration_ms":1e3,"exit_code":null,"call_id":"c"}"#,
        #"{"call_id":"c","duration_ms":7,"output":"","timed_out":false,"truncated_bytes":0,"output_sha256":"ab12","extra":{"a":[1,null]}}"#,
        #" { "call_id" : "c" , "exit_code" : -9 , "duration_ms" : 0.25 , "output" : "x" , "timed_out" : false , "truncated_bytes" : 3 } "#,
        #"{"call_id":"c","duration_ms":1,"output":"x","timed_out":false,"truncated_bytes":0}"#,
        #"{"call_id":"c","duration_ms":1,"output":"x","timed_out":true,"truncated_bytes":9,"stdout_sha256":"ab","stdout_bytes":12,"stderr_sha256":null,"stderr_bytes":null}"#,
        #"{"call_id":"c","duration_ms":1,"output":"x","timed_out":true,"truncated_bytes":9,"stdout_bytes":"12"}"#,
        #"{"call\u005fid":"c","duration_ms":1,"output":"x","timed_out":false,"truncated_bytes":0}"#,
        #"{"call_id":"c","cancelled":true,"duration_ms":1,"output":"x","timed_out":false,"truncated_bytes":0}"#,
        #"{"call_id":"c","cancelled":null,"duration_ms":1,"output":"x","timed_out":false,"truncated_bytes":0}"#,
        #"{"call_id":"c","cancelled":1,"duration_ms":1,"output":"x","timed_out":false,"truncated_bytes":0}"#,
        // Refused: missing, mistyped or out-of-range members, malformed JSON, not an object.
        #"{"duration_ms":1,"output":"x","timed_out":false,"truncated_bytes":0}"#,
        #"{"call_id":"c","duration_ms":"1","output":"x","timed_out":false,"truncated_bytes":0}"#,
        #"{"call_id":"c","duration_ms":1,"output":"x","timed_out":0,"truncated_bytes":0}"#,
        #"{"call_id":"c","exit_code":4294967296,"duration_ms":1,"output":"x","timed_out":false,"truncated_bytes":0}"#,
        #"{"call_id":"c","exit_code":1.5,"duration_ms":1,"output":"x","timed_out":false,"truncated_bytes":0}"#,
        #"{"call_id":"c","duration_ms":1,"output":"x","timed_out":false,"truncated_bytes":0"#,
        #"{"call_id":"c","duration_ms":1,"output":"x","timed_out":false,"truncated_bytes":0,"more":tru}"#,
        #"{"call_id":"c","duration_ms":1,"output":"x","timed_out":false,"truncated_bytes":0} x"#,
        #"["call_id"]"#, "", "null",
    ]

    @Test(arguments: toolFinished) func toolFinishedDecodesLikeJSONDecoder(_ text: String) {
        let expected = try? JSONCoding.decode(ToolFinished.self, from: text)
        let decoded = try? ToolFinished(json: text)
        #expect(decoded == expected)
    }

    /// Strict JSON: `JSONDecoder` tolerates a trailing comma, the ledger's own writer never produces one.
    @Test func trailingCommaIsRefused() {
        let text = #"{"call_id":"c","duration_ms":1,"output":"x","timed_out":false,"truncated_bytes":0,}"#
        #expect(throws: JSONParseError.self) { try ToolFinished(json: text) }
    }

    static let toolStarted = [
        #"{"call_id":"call_1","name":"shell","arguments":"{\"command\":\"echo\"}","cwd":"/work"}"#,
        #"{"cwd":"/","arguments":"","name":"n","call_id":"c","started_ms":5}"#,
        #"{"call_id":"c","name":"n","arguments":"{}"}"#,
        #"{"call_id":7,"name":"n","arguments":"{}","cwd":"/"}"#,
        #"{"call_id":"c","name":"n","arguments":"{}","cwd":null}"#,
    ]

    @Test(arguments: toolStarted) func toolStartedDecodesLikeJSONDecoder(_ text: String) {
        let expected = try? JSONCoding.decode(ToolStarted.self, from: text)
        let decoded = try? ToolStarted(json: text)
        #expect(decoded == expected)
    }

    static let toolAbandoned = [
        #"{"call_id":"c","reason":"agentd stopped"}"#, #"{"call_id":"c"}"#, #"{"call_id":"c","reason":"r","x":[]}"#,
    ]

    @Test(arguments: toolAbandoned) func toolAbandonedDecodesLikeJSONDecoder(_ text: String) {
        let expected = try? JSONCoding.decode(ToolAbandoned.self, from: text)
        let decoded = try? ToolAbandoned(json: text)
        #expect(decoded == expected)
    }

    static let runStarted = [
        #"{"client":"agentd-bench","cwd":"/work","model":"m","prompt":"p","tools":["shell"]}"#,
        #"{"cwd":"/","instructions":"be brief","model":"m","prompt":"p","require_approval":["shell"],"tools":[]}"#,
        #"{"cwd":"/","instructions":null,"model":"m","prompt":"p","require_approval":null,"tools":[],"client":null}"#,
        #"{"cwd":"/","model":"m","prompt":"p","tools":[],"effort":"high","max_output_tokens":4096}"#,
        #"{"cwd":"/","model":"m","prompt":"p","tools":[1]}"#,
        #"{"cwd":"/","model":"m","prompt":"p"}"#,
        #"{"cwd":"/","model":"m","prompt":"p","tools":["a"],"max_tool_calls":3}"#,
        #"{"cwd":"/","model":"m","prompt":"p","tools":["shell"],"tool_format":"native"}"#,
        #"{"cwd":"/","model":"m","prompt":"p","tools":["shell"],"tool_format":null}"#,
        #"{"cwd":"/","model":"m","prompt":"p","tools":["shell"],"tool_format":"custom"}"#,
    ]

    @Test(arguments: runStarted) func runStartedDecodesLikeJSONDecoder(_ text: String) {
        let expected = try? JSONCoding.decode(RunStarted.self, from: text)
        let decoded = try? RunStarted(json: text)
        #expect(decoded == expected)
    }

    static let runEnded = [#"{}"#, #"{"reason":"r","code":"c"}"#, #"{"reason":null,"x":1}"#, #"{"reason":3}"#, "[]"]

    @Test(arguments: runEnded) func runEndedDecodesLikeJSONDecoder(_ text: String) {
        let expected = try? JSONCoding.decode(RunEnded.self, from: text)
        let decoded = try? RunEnded(json: text)
        #expect(decoded == expected)
    }

    static let control = [
        #"{"arguments":"{}","call_id":"c","name":"shell","reason":"policy"}"#,
        #"{"arguments":"{}","call_id":"c","name":"shell","reason":"tool_call_limit","extra":true}"#,
        #"{"arguments":"{}","call_id":"c","name":"shell","reason":"bored"}"#,
        #"{"approved":true,"call_id":"c","reason":"no","client":"agentctl","uid":1000}"#,
        #"{"approved":false,"call_id":"c","uid":-1}"#,
        #"{"approved":true,"call_id":"c","client":"agentctl","uid":0,"pid":4242,"tty":"pts/3"}"#,
        #"{"approved":true,"call_id":"c","pid":null,"tty":null}"#,
        #"{"approved":true,"call_id":"c","pid":"1"}"#,
        #"{"call_id":"c","reason":"no"}"#,
        #"{"input_id":"in_1","text":"also","client":"agentctl"}"#,
        #"{"input_id":"in_1"}"#,
    ]

    @Test(arguments: control) func controlPayloadsDecodeLikeJSONDecoder(_ text: String) {
        let requested = (try? ApprovalRequested(json: text)) == (try? JSONCoding.decode(ApprovalRequested.self, from: text))
        let resolved = (try? ApprovalResolved(json: text)) == (try? JSONCoding.decode(ApprovalResolved.self, from: text))
        let added = (try? InputAdded(json: text)) == (try? JSONCoding.decode(InputAdded.self, from: text))
        #expect(requested)
        #expect(resolved)
        #expect(added)
    }
}
