import Foundation
import Testing

@testable import ResponsesEmulator

@Suite("a run-time outage")
struct OutageTests {
    @Test("an outage drops open connections, refuses and counts upgrades with 503, then ends")
    func outageDropsRefusesAndEnds() async throws {
        try await withEmulator { emulator, url in
            // An open connection is dropped without a close frame when the outage begins.
            let dropped = LockedBox(false)
            do {
                try await withSocket(url) { socket in
                    // One answered request: the server side of this connection is up and registered.
                    try await socket.send(createFrame(model: "emu-text", input: .string("before")))
                    _ = try await socket.readResponse()
                    emulator.outage.begin(for: .seconds(30))
                    while try await socket.next() != nil {}
                    dropped.withLock { $0 = true }
                }
            } catch {
                dropped.withLock { $0 = true }
            }
            #expect(dropped.withLock { $0 })
            #expect(emulator.recorder.connections().first?.closeReason == "outage")

            // While it lasts: upgrades fail and are counted, plain requests get 503.
            await #expect(throws: (any Error).self) {
                try await withSocket(url) { _ in Issue.record("upgrade should have been refused") }
            }
            let (body, status) = try await httpRequest(url.appendingPathComponent("responses"), method: "GET", body: nil)
            #expect(status == 503)
            #expect(try parse(body)["error"]?["type"] == .string("server_error"))
            let refused = emulator.outage.refusedUpgrades()
            #expect(refused.count == 1)

            // A new, already finished outage lets connections through again.
            emulator.outage.begin(for: .zero)
            #expect(!emulator.outage.isActive)
            try await withSocket(url) { socket in
                try await socket.send(createFrame(model: "emu-text", input: .string("back")))
                let frames = try await socket.readResponse()
                #expect(frames.last?["type"] == .string("response.completed"))
            }
            #expect(emulator.outage.refusedUpgrades().isEmpty)
        }
    }
}
