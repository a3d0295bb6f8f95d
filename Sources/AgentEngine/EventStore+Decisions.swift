import AgentModel

extension EventStore {
    /// The decision in force on call `callID` of `run`, as committed: the first `approval.resolved` after the
    /// call's latest `approval.requested`.
    ///
    /// - Returns: `nil` when the run has no such call or the call was never decided.
    func recordedDecision(on callID: String, of run: RunID) async throws -> ApprovalResolved? {
        var decision: ApprovalResolved?
        var next: Int64 = 0
        while true {
            let page = try await events(of: run, fromSeq: next, limit: 4096)
            for event in page where event.kind == .control {
                switch event.type {
                case ControlEventType.approvalRequested:
                    // Asked again (an uncertain call after a crash): an earlier decision is no longer in force.
                    if (try? JSONCoding.decode(ApprovalRequested.self, from: event.payload))?.callID == callID {
                        decision = nil
                    }
                case ControlEventType.approvalResolved where decision == nil:
                    if let resolved = try? JSONCoding.decode(ApprovalResolved.self, from: event.payload),
                        resolved.callID == callID
                    {
                        decision = resolved
                    }
                default:
                    break
                }
            }
            guard let last = page.last else { return decision }
            next = last.seq + 1
        }
    }
}
