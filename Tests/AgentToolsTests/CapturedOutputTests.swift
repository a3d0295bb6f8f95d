import Testing

@testable import AgentTools

@Suite("CapturedOutput")
struct CapturedOutputTests {
    func capture(_ chunks: [String], head: Int, tail: Int) -> CapturedOutput {
        var buffer = HeadTailBuffer(limits: CaptureLimits(headBytes: head, tailBytes: tail))
        for chunk in chunks {
            Array(chunk.utf8).withUnsafeBytes { buffer.append($0) }
        }
        return buffer.finish()
    }

    @Test func keepsEverythingWithinTheLimits() {
        let output = capture(["abc", "def"], head: 4, tail: 4)
        #expect(output == CapturedOutput(head: Array("abcd".utf8), tail: Array("ef".utf8), totalBytes: 6))
        #expect(output.rendered() == ("abcdef", 0))
    }

    @Test func keepsHeadAndTailAcrossManyChunks() {
        let chunks = (0..<10_000).map { "\($0 % 10)" }
        let output = capture(chunks, head: 3, tail: 5)
        // Cut for the model, and kept whole (under CaptureLimits.fullBytes) for the ledger.
        let expected = CapturedOutput(
            head: Array("012".utf8), tail: Array("56789".utf8), totalBytes: 10_000, full: Array(chunks.joined().utf8))
        #expect(output == expected)
        #expect(output.rendered() == ("012\n[… 9992 bytes cut …]\n56789", 9992))
    }

    @Test func keepsTheWholeStreamOnlyWhenCutAndWithinTheFullCap() {
        let chunks = (0..<100).map { "\($0 % 10)" }
        var capped = HeadTailBuffer(limits: CaptureLimits(headBytes: 3, tailBytes: 5, fullBytes: 99))
        for chunk in chunks { Array(chunk.utf8).withUnsafeBytes { capped.append($0) } }
        let overCap = capped.finish().full
        let uncut = capture(["abc", "def"], head: 4, tail: 4).full
        let atCap = {
            var buffer = HeadTailBuffer(limits: CaptureLimits(headBytes: 3, tailBytes: 5, fullBytes: 100))
            for chunk in chunks { Array(chunk.utf8).withUnsafeBytes { buffer.append($0) } }
            return buffer.finish().full
        }()
        #expect(overCap == nil)
        #expect(uncut == nil)
        #expect(atCap == Array(chunks.joined().utf8))
    }

    @Test func cutsAtCharacterBoundaries() {
        // "é" is two bytes, "€" three: the head would end inside "é" and the tail start inside "€".
        let output = capture(["aé", String(repeating: "x", count: 10), "€b"], head: 2, tail: 3)
        #expect(output.rendered() == ("a\n[… 15 bytes cut …]\nb", 15))
    }

    @Test func zeroLimitsCountOnly() {
        let output = capture(["hello"], head: 0, tail: 0)
        #expect(output.rendered() == ("\n[… 5 bytes cut …]\n", 5))
    }
}
