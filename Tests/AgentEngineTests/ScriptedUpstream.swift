import AgentModel
import Foundation
import Synchronization

/// A ``ResponsesUpstream`` that answers each request from a script, checking the chain like a real server.
///
/// Turn k < `toolTurns` asks for one `shell` call `echo k`; then it answers with the text "done".
/// `failures` lists request numbers (0-based) whose stream drops after two frames.
final class ScriptedUpstream: ResponsesUpstream {
    struct Log {
        var requests: [JSONValue] = []
        var leases = 0
    }

    let toolTurns: Int
    let failures: Set<Int>
    let errorCodes: [Int: String]
    let log = Mutex(Log())

    init(toolTurns: Int, failures: Set<Int> = [], errorCodes: [Int: String] = [:]) {
        self.toolTurns = toolTurns
        self.failures = failures
        self.errorCodes = errorCodes
    }

    var requests: [JSONValue] { log.withLock { $0.requests } }

    func lease(for run: RunID) async throws -> any UpstreamLane {
        log.withLock { $0.leases += 1 }
        return Lane(upstream: self)
    }

    final class Lane: UpstreamLane {
        let upstream: ScriptedUpstream
        let broken = Mutex(false)
        let cachedResponseID = Mutex<String?>(nil)
        init(upstream: ScriptedUpstream) { self.upstream = upstream }
        var streamID: String? { "l0" }
        var isUsable: Bool { !broken.withLock { $0 } }
        func release() async {}

        func send(_ frame: String) async throws -> AsyncThrowingStream<String, any Error> {
            let request = try JSONCoding.decode(JSONValue.self, from: frame)
            let number = upstream.log.withLock { log -> Int in
                log.requests.append(request)
                return log.requests.count - 1
            }
            let outputs = Items.normalize(request["input"]).filter { $0["type"]?.stringValue == "function_call_output" }
            let parent = request["previous_response_id"]?.stringValue
            let frames: [String]
            if let code = upstream.errorCodes[number] {
                frames = [ScriptedUpstream.errorFrame(code)]
            } else if let parent, parent != cachedResponseID.withLock({ $0 }) {
                // Like the real server: only the lane's latest response is cached.
                frames = [ScriptedUpstream.errorFrame("previous_response_not_found")]
            } else {
                let turn = parent.map { Int($0.dropFirst(5))! + 1 } ?? outputs.count
                frames = upstream.script(number: number, turn: turn)
                cachedResponseID.withLock { $0 = "resp_\(turn)" }
            }
            let drop = upstream.failures.contains(number)
            if drop { broken.withLock { $0 = true } }
            return AsyncThrowingStream { continuation in
                for (index, frame) in frames.enumerated() {
                    if drop && index == 2 {
                        continuation.finish(
                            throwing: UpstreamFailure(code: .connectionLost, message: "dropped", framesReceived: 2))
                        return
                    }
                    continuation.yield(frame)
                }
                continuation.finish()
            }
        }

    }

    static func errorFrame(_ code: String) -> String {
        #"{"type":"error","status":400,"stream_id":"l0","error":{"type":"invalid_request_error","code":"\#(code)","message":"scripted \#(code)"}}"#
    }

    /// Frames of response number `number`, the model's turn `turn`.
    func script(number: Int, turn: Int) -> [String] {
        let id = "resp_\(turn)"
        var frames = [
            #"{"type":"response.created","sequence_number":0,"response":{"id":"\#(id)","status":"in_progress","output":[]}}"#
        ]
        let output: String
        if turn < toolTurns {
            output = #"{"type":"function_call","id":"fc_\#(turn)","call_id":"call_\#(turn)","name":"shell","arguments":"{\"cmd\":\"echo \#(turn)\"}","status":"completed"}"#
        } else {
            frames.append(#"{"type":"response.output_text.delta","sequence_number":1,"delta":"do"}"#)
            frames.append(#"{"type":"response.output_text.delta","sequence_number":2,"delta":"ne"}"#)
            output = #"{"type":"message","id":"msg_1","role":"assistant","status":"completed","content":[{"type":"output_text","text":"done","annotations":[]}]}"#
        }
        frames.append(#"{"type":"response.output_item.done","sequence_number":3,"output_index":0,"item":\#(output)}"#)
        frames.append(
            #"{"type":"response.completed","sequence_number":4,"response":{"id":"\#(id)","status":"completed","output":[\#(output)],"usage":{"input_tokens":10,"output_tokens":5}}}"#
        )
        return frames
    }
}
