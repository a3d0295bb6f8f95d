import AgentControl
import AgentModel
import AgentProtocol
import Testing

/// One mapping from Swift errors to wire errors (issue 15 item 3): the engine's errors get their own codes, whichever
/// backend throws them (before, the daemon and the benchmark each mapped them, differently, and the server called
/// an unmapped one an internal error).
struct ControlErrorMappingTests {
    @Test func engineErrorsGetTheirWireCodes() {
        let cases: [(EngineError.Code, ControlError.Code)] = [
            (.runNotFound, .runNotFound), (.invalidRequest, .invalidParams), (.ledgerUnavailable, .ledgerUnavailable),
            (.shuttingDown, .overloaded),
        ]
        for (engine, wire) in cases {
            let mapped = ControlErrorMapping.controlError(from: EngineError(engine, "what happened"))
            #expect(mapped.code == wire, "\(engine)")
            #expect(mapped.message.contains("what happened"))
        }
    }

    @Test func ledgerFailuresThatMayPassAreRetryableAndARejectedWriteIsABug() {
        let full = ControlErrorMapping.controlError(from: LedgerFailure(code: .diskFull, message: "no space"))
        #expect(full.code == .ledgerUnavailable)
        #expect(full.isRetryable)
        let rejected = ControlErrorMapping.controlError(from: LedgerFailure(code: .rejected, message: "duplicate seq"))
        #expect(rejected.code == .internalError)
    }

    @Test func aWireErrorPassesUnchanged() {
        let error = ControlError.runNotFound(RunID(rawValue: "run_1"))
        #expect(ControlErrorMapping.controlError(from: error) == error)
    }
}
