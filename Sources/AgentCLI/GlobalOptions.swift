import AgentModel
import ArgumentParser
import Foundation

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Control socket of agentd (default: $AGENTD_SOCKET, else $XDG_RUNTIME_DIR/agentd/agentd.sock).")
    var socket: String?

    var socketPath: String {
        socket ?? DefaultLocations.socketPath(environment: ProcessInfo.processInfo.environment, uid: getuid())
    }
}
