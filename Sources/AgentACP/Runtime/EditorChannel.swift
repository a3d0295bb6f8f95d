/// What a session needs from the editor connection: send it updates, ask it for permission.
protocol EditorChannel: Sendable {
    /// Sends a `session/update` notification (queued; never waits for the editor).
    func notify(_ params: SessionUpdateNotification.Params)
    /// Sends `session/request_permission` and waits for the answer (cancellable).
    func requestPermission(_ params: RequestPermission.Params) async throws -> RequestPermission.Result
}
