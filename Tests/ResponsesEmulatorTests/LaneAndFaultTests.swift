import Foundation
import Testing

@testable import ResponsesEmulator

@Suite("lanes, lifetime and faults over WebSocket")
struct LaneAndFaultTests {
    @Test("a lane is FIFO without overlap while lanes run concurrently")
    func lanesAreFIFOAndConcurrent() async throws {
        try await withEmulator(.init(interEventDelay: .milliseconds(2))) { _, url in
            try await withSocket(url) { socket in
                try await socket.send(createFrame(model: "emu-text", input: .string("a1"), streamID: "a"))
                try await socket.send(createFrame(model: "emu-text", input: .string("a2"), streamID: "a"))
                try await socket.send(createFrame(model: "emu-text", input: .string("b1"), streamID: "b"))
                var frames: [JSONValue] = []
                var terminals = 0
                while terminals < 3, let frame = try await socket.next() {
                    frames.append(frame)
                    if frame["type"] == .string("response.completed") { terminals += 1 }
                }
                let laneA = frames.filter { $0["stream_id"] == .string("a") }
                let completedIndex = laneA.firstIndex { $0["type"] == .string("response.completed") }
                let firstCompleted = try #require(completedIndex)
                // Nothing of a2 starts before a1 completed.
                let createdBefore = laneA[..<firstCompleted].filter { $0["type"] == .string("response.created") }.count
                let createdAfter = laneA[firstCompleted...].filter { $0["type"] == .string("response.created") }.count
                #expect(createdBefore == 1 && createdAfter == 1)
                let textDone = laneA.filter { $0["type"] == .string("response.output_text.done") }
                let doneTexts = textDone.compactMap { $0["text"]?.stringValue }
                #expect(doneTexts == ["You said: a1", "You said: a2"])
                // Lane b started while a1 was still streaming.
                let bIndex = frames.firstIndex { $0["stream_id"] == .string("b") }
                let bCreated = try #require(bIndex)
                let aIndex = frames.firstIndex {
                    $0["stream_id"] == .string("a") && $0["type"] == .string("response.completed")
                }
                let aCompleted = try #require(aIndex)
                #expect(bCreated < aCompleted)
            }
        }
    }

    @Test("a fork on another lane can continue a store:false response from the lane cache")
    func forkAcrossLanes() async throws {
        try await withEmulator { _, url in
            try await withSocket(url) { socket in
                try await socket.send(createFrame(model: "emu-text", input: .string("base"), streamID: "main", store: false))
                let id = try #require(try await socket.readResponse().finalResponse?["id"]?.stringValue)
                try await socket.send(createFrame(model: "emu-text", previousResponseID: id, streamID: "fork", store: false))
                let fork = try await socket.readResponse()
                #expect(fork.last?["type"] == .string("response.completed"))
                #expect(fork.streamIDs == ["fork"])
            }
        }
    }

    @Test("store:false responses are not continuable from another connection; store:true ones are")
    func crossConnectionContinuation() async throws {
        try await withEmulator { _, url in
            let ids = LockedBox<[String]>([])
            try await withSocket(url) { socket in
                for store in [false, true] {
                    try await socket.send(createFrame(model: "emu-text", input: .string("hi"), store: store))
                    let id = try #require(try await socket.readResponse().finalResponse?["id"]?.stringValue)
                    ids.withLock { $0.append(id) }
                }
            }
            let (unstored, stored) = ids.withLock { ($0[0], $0[1]) }
            try await withSocket(url) { socket in
                try await socket.send(createFrame(model: "emu-text", previousResponseID: unstored, store: false))
                #expect(try await socket.readResponse().first?["error"]?["code"] == .string("previous_response_not_found"))
                try await socket.send(createFrame(model: "emu-text", previousResponseID: stored))
                #expect(try await socket.readResponse().last?["type"] == .string("response.completed"))
            }
        }
    }

    @Test("the connection age limit pushes websocket_connection_limit_reached on an idle socket, then closes")
    func connectionAgeLimit() async throws {
        try await withEmulator(.init(maxConnectionAge: .milliseconds(200))) { emulator, url in
            try await withSocket(url) { socket in
                let frame = try await socket.next()
                #expect(frame == (try parse(
                    #"{"type":"error","status":400,"error":{"type":"invalid_request_error","code":"websocket_connection_limit_reached","message":"Responses websocket connection limit reached (60 minutes). Create a new websocket connection to continue.","param":null}}"#
                )))
                #expect(try await socket.next() == nil)
            }
            #expect(emulator.recorder.connections().first?.closeReason == "connection age limit")
        }
    }

    @Test("dropAfterEvents closes the TCP connection mid-response without a close frame")
    func dropFault() async throws {
        try await withEmulator(.init(faults: .init(dropAfterEvents: 3))) { emulator, url in
            let received = LockedBox(0)
            do {
                try await withSocket(url) { socket in
                    try await socket.send(createFrame(model: "emu-text", input: .string("x")))
                    while try await socket.next() != nil { received.withLock { $0 += 1 } }
                }
            } catch {
                // An abrupt close may surface as an error; either way the stream ended early.
            }
            let count = received.withLock { $0 }
            #expect(count == 3)
            #expect(emulator.recorder.connections().first?.closeReason == "dropped (fault)")
        }
    }

    @Test("unknownEventEvery injects keepalive events that take sequence numbers")
    func unknownEvents() async throws {
        try await withEmulator(.init(faults: .init(unknownEventEvery: 3))) { _, url in
            try await withSocket(url) { socket in
                try await socket.send(createFrame(model: "emu-text", input: .string("hello world"), streamID: "k"))
                let frames = try await socket.readResponse()
                #expect(frames.types.contains("keepalive"))
                #expect(frames.sequenceNumbers == Array(0..<frames.count))
                let firstKnown = frames.types.first { $0 != "keepalive" }
                #expect(firstKnown == "response.created")
            }
        }
    }

    @Test("forgetCachedResponses makes every continuation previous_response_not_found")
    func forgetFault() async throws {
        try await withEmulator(.init(faults: .init(forgetCachedResponses: true))) { _, url in
            try await withSocket(url) { socket in
                try await socket.send(createFrame(model: "emu-text", input: .string("x")))
                let id = try #require(try await socket.readResponse().finalResponse?["id"]?.stringValue)
                try await socket.send(createFrame(model: "emu-text", previousResponseID: id))
                #expect(try await socket.readResponse().first?["error"]?["code"] == .string("previous_response_not_found"))
            }
        }
    }

    @Test("refuseUpgradeWith426 declines WebSocket upgrades")
    func refuseUpgrade() async throws {
        try await withEmulator(.init(faults: .init(refuseUpgradeWith426: true))) { _, url in
            await #expect(throws: (any Error).self) {
                try await withSocket(url) { _ in Issue.record("upgrade should have been refused") }
            }
            let (body, status) = try await httpRequest(url.appendingPathComponent("responses"), method: "GET", body: nil)
            #expect(status == 426)
            #expect(try parse(body)["error"]?["code"] == .string("websocket_not_supported"))
        }
    }

    @Test("requireAuthorization rejects upgrades and requests without a bearer token")
    func authorization() async throws {
        try await withEmulator(.init(requireAuthorization: true)) { emulator, url in
            await #expect(throws: (any Error).self) {
                try await withSocket(url) { _ in Issue.record("upgrade should have been refused") }
            }
            try await withSocket(url, authorization: "Bearer sk-test") { socket in
                try await socket.send(createFrame(model: "emu-text", input: .string("x")))
                #expect(try await socket.readResponse().last?["type"] == .string("response.completed"))
            }
            #expect(emulator.recorder.connections().first?.headers["authorization"] == "Bearer <redacted>")
            let (_, status) = try await httpRequest(
                url.appendingPathComponent("responses"),
                method: "POST",
                body: #"{"model":"emu-text","input":"x"}"#
            )
            #expect(status == 401)
        }
    }
}
