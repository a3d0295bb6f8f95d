import AgentModel
import Foundation

/// What to tell a person whose agentctl cannot reach agentd: the exact command to run, or who owns the socket.
enum ConnectionAdvice {
    /// The daemon is not running at `socketPath`: how to start it there.
    static func notRunning(socketPath: String, environment: [String: String], uid: uid_t) -> String {
        // The path agentd and its user unit use when nothing overrides it.
        var standard = environment
        standard["AGENTD_SOCKET"] = nil
        let isDefault = socketPath == DefaultLocations.socketPath(environment: standard, uid: uid)
        if !isDefault {
            return "Start it on that socket with:  agentd --socket \(socketPath)\n"
        }
        let unit = ["/etc/systemd/user/agentd.service", "/usr/lib/systemd/user/agentd.service"]
            + [environment["XDG_CONFIG_HOME"].map { $0 + "/systemd/user/agentd.service" }
                ?? environment["HOME"].map { $0 + "/.config/systemd/user/agentd.service" } ?? ""]
        let installed = unit.contains { !$0.isEmpty && FileManager.default.fileExists(atPath: $0) }
        if installed {
            return "Start it with:  systemctl --user start agentd   (or run `agentd` in a terminal)\n"
        }
        return "Start it with:  agentd   (or install the user unit and run `systemctl --user start agentd`)\n"
    }

    /// The socket (or its directory) is not accessible: who owns it, and what can be done.
    static func permissionDenied(socketPath: String, uid: uid_t) -> String {
        let directory = (socketPath as NSString).deletingLastPathComponent
        for path in [socketPath, directory] {
            var info = stat()
            guard stat(path, &info) == 0 else { continue }
            let owner = info.st_uid
            guard owner != uid else { continue }
            let name = getpwuid(owner).map { String(cString: $0.pointee.pw_name) } ?? "uid \(owner)"
            return "\(path) belongs to \(name) (uid \(owner)) and you are uid \(uid): run agentctl as that user, "
                + "or have that daemon list your uid in control.allowed_uids and open the socket's mode to you.\n"
        }
        return "Check the permissions of \(socketPath) and its directory (\(directory)): they must be yours.\n"
    }
}
