@testable import AgentControl
import Testing

/// The controlling terminal of an approving client, read from `/proc/PID/stat` (issue 13 item 10).
struct PeerTerminalTests {
    @Test func aStatLineNamesItsPseudoTerminalEvenWithParenthesesInTheCommand() {
        // tty_nr 34817 = major 136, minor 1.
        let stat = "4242 (agent ctl) (x)) S 1 4242 4242 34817 4242 4194560 120 0 0 0 1 0 0 0 20 0 1 0"
        #expect(PeerTerminal.name(fromStat: stat) == "pts/1")
    }

    @Test func deviceNumbersDecodeAsTheKernelEncodesThem() {
        let names = [0, 1025, 34817, 35116, 1088].map { PeerTerminal.name(ofDevice: $0) }
        #expect(names == [nil, "tty1", "pts/1", "pts/300", "ttyS0"])
    }

    @Test func aProcessWithoutATerminalHasNone() {
        #expect(PeerTerminal.name(fromStat: "7 (daemon) S 1 7 7 0 -1 0") == nil)
        #expect(PeerTerminal.name(ofProcess: -1) == nil)
    }
}
