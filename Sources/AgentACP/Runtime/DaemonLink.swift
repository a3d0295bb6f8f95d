import AgentClient
import AgentModel
import AgentProtocol

/// The control-socket connection `agentctl acp` shares between its sessions, opened on first use and opened
/// again after it was lost (agentd restarted, or closed it after a request too large).
actor DaemonLink {
    private let socketPath: String
    private var clientName: String
    private var client: ControlClient?

    init(socketPath: String, clientName: String) {
        self.socketPath = socketPath
        self.clientName = clientName
    }

    /// The name agentd records for this client's decisions (set from the editor's `clientInfo`).
    func setClientName(_ name: String) { clientName = name }

    /// Sends one request; a connection found closed is replaced once and the request sent again (every request
    /// that changes something carries a `request_id`, so a repeat is harmless).
    nonisolated func call<M: ControlMethod>(_ method: M.Type, _ params: M.Params) async throws -> M.Result {
        var attempt = 0
        while true {
            let current = try await connected()
            do {
                return try await current.call(M.self, params)
            } catch let error as ControlClientError where error.code == .connectionClosed && attempt == 0 {
                attempt += 1
                await drop(current)
            } catch let error as ControlError where error.code == .requestTooLarge {
                // agentd closes the connection after a line over its limit: the next request opens a new one.
                await drop(current)
                throw error
            }
        }
    }

    /// Attaches to a run on the current connection (replaced once when found closed).
    nonisolated func attach(_ params: RunAttach.Params) async throws -> (ControlClient, ControlSubscription) {
        var attempt = 0
        while true {
            let current = try await connected()
            do {
                return (current, try await current.attach(params))
            } catch let error as ControlClientError where error.code == .connectionClosed && attempt == 0 {
                attempt += 1
                await drop(current)
            }
        }
    }

    /// Forgets `stale` (if it is still the current connection) and closes it.
    func drop(_ stale: ControlClient) async {
        if client === stale { client = nil }
        await stale.close()
    }

    /// Closes the connection.
    func close() async {
        if let client { await client.close() }
        client = nil
    }

    private func connected() async throws -> ControlClient {
        if let client { return client }
        let fresh = try await ControlClient.connect(socketPath: socketPath)
        do {
            try await fresh.initialize(clientName: clientName, version: AgentVersion.current)
        } catch {
            await fresh.close()
            throw error
        }
        // Another request may have connected while this one awaited.
        if let client {
            await fresh.close()
            return client
        }
        client = fresh
        return fresh
    }
}
