import AgentModel
import Foundation
import Glibc
import Synchronization
import Testing

@testable import AgentTools

/// A folder of the workspace swapped with a symlink to outside while file tools run: the kernel resolves each
/// path beneath the workspace at the open (`openat2`), so no read or write ever lands outside, whatever the timing.
@Suite("Symlink swap race")
struct SymlinkSwapRaceTests {
    /// Swaps `box/d` between a real folder and a symlink to `outside` on its own thread until stopped, with
    /// `renameat2(RENAME_EXCHANGE)`: the name always exists, as one or the other.
    final class Swapper: Sendable {
        typealias Renameat2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
        let stopped = Atomic(false)
        let done = DispatchSemaphore(value: 0)

        init(folder: String, outside: String) throws {
            let link = folder + ".link"
            guard symlink(outside, link) == 0, let address = dlsym(dlopen(nil, RTLD_NOW), "renameat2") else {
                throw CocoaError(.fileWriteUnknown)
            }
            let renameat2 = unsafeBitCast(address, to: Renameat2.self)
            let exchange: UInt32 = 2  // RENAME_EXCHANGE
            Thread.detachNewThread { [self] in
                while !stopped.load(ordering: .relaxed) {
                    _ = renameat2(AT_FDCWD, folder, AT_FDCWD, link, exchange)
                }
                done.signal()
            }
        }

        func stop() {
            stopped.store(true, ordering: .relaxed)
            done.wait()
        }
    }

    @Test func noReadOrWriteLandsOutsideTheWorkspace() async throws {
        let box = try Sandbox()
        let outside = try Sandbox()
        defer {
            box.remove()
            outside.remove()
        }
        try box.write("d/f.txt", "inside\n")
        try outside.write("f.txt", "OUTSIDE\n")
        let rounds = 400
        let swapper = try Swapper(folder: box.path("d"), outside: outside.root)
        var outsideReads = 0
        var insideReads = 0
        for round in 0..<rounds {
            let read = await box.call("read_file", ["path": "d/f.txt"])
            if read.output.contains("OUTSIDE") { outsideReads += 1 }
            if read.output.contains("inside") { insideReads += 1 }
            _ = await box.call("write_file", ["path": .string("d/w\(round % 8).txt"), "content": "written\n"])
        }
        swapper.stop()
        #expect(outsideReads == 0)
        // Everything the writes left outside: nothing, not even a staged temp file.
        #expect(outside.tree() == ["f.txt"])
        // The race was run: some calls did get through to the real folder.
        #expect(insideReads > 0)
    }
}
