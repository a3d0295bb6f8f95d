/// Who decided on an approval, as the ledger has it: `agentctl, uid 1000, pid 4242 on pts/3`, so two terminals of
/// one user are told apart.
enum DeciderText {
    /// The parts known, in order; empty when none is.
    static func describe(client: String?, uid: UInt32?, pid: Int32?, tty: String?) -> String {
        let who = [client.map { VisibleText.escaped($0) }, uid.map { "uid \($0)" }, pid.map { "pid \($0)" }]
            .compactMap { $0 }.joined(separator: ", ")
        guard let tty else { return who }
        return who + (who.isEmpty ? "" : " ") + "on " + VisibleText.escaped(tty, keepingNewlines: false)
    }
}
