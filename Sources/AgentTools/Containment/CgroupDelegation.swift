import Glibc

/// Finds out whether this process may create cgroup v2 groups below its own (a *delegated* cgroup).
///
/// The daemon's cgroup is the `0::` line of `/proc/self/cgroup`, under the cgroup2 mount from `/proc/self/mountinfo`
/// (`/sys/fs/cgroup` on a unified system, `/sys/fs/cgroup/unified` on a hybrid one). It is delegated when a probe
/// group can be created there and offers `cgroup.kill` (Linux 5.14+). Under systemd, `Delegate=yes` in the unit
/// gives a service this; a plain user session usually has it too.
public enum CgroupDelegation {
    /// The directory of this process's cgroup when it is delegated, or why not.
    public static func probe() -> Result<String, CgroupUnavailable> {
        guard let mount = cgroup2MountPoint() else {
            return .failure(CgroupUnavailable(reason: "no cgroup2 file system is mounted"))
        }
        guard let own = ownCgroupPath() else {
            return .failure(CgroupUnavailable(reason: "/proc/self/cgroup has no cgroup v2 (0::) entry"))
        }
        let base = own == "/" ? mount : mount + own
        let probe = base + "/agentd-probe-\(getpid())"
        guard mkdir(probe, 0o755) == 0 || errno == EEXIST else {
            let reason = String(cString: strerror(errno))
            return .failure(CgroupUnavailable(reason: "cannot create a cgroup under \(base): \(reason)"))
        }
        defer { rmdir(probe) }
        guard access(probe + "/cgroup.kill", W_OK) == 0 else {
            return .failure(CgroupUnavailable(reason: "\(base) has no writable cgroup.kill (Linux 5.14+ needed)"))
        }
        guard access(probe + "/cgroup.procs", W_OK) == 0 else {
            return .failure(CgroupUnavailable(reason: "cannot move processes into cgroups under \(base)"))
        }
        return .success(base)
    }

    /// The probe's answer, computed once per process.
    public static let detected: Result<String, CgroupUnavailable> = probe()

    /// The mount point of the cgroup2 file system, from `/proc/self/mountinfo`.
    static func cgroup2MountPoint() -> String? {
        guard let bytes = ProcessTable.readSmallFile("/proc/self/mountinfo", limit: 1 << 20) else { return nil }
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            // `id parent major:minor root mountpoint options [optional…] - fstype source superoptions`
            let halves = line.split(separator: " - ", maxSplits: 1)
            guard halves.count == 2, halves[1].split(separator: " ").first == "cgroup2" else { continue }
            let fields = halves[0].split(separator: " ")
            if fields.count > 4 { return unescape(String(fields[4])) }
        }
        return nil
    }

    /// This process's cgroup v2 path (`0::/path`).
    static func ownCgroupPath() -> String? {
        guard let bytes = ProcessTable.readSmallFile("/proc/self/cgroup", limit: 1 << 16) else { return nil }
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where line.hasPrefix("0::") {
            let path = String(line.dropFirst(3))
            return path.isEmpty ? "/" : path
        }
        return nil
    }

    /// Undoes mountinfo's octal escapes (`\040` for a space).
    private static func unescape(_ text: String) -> String {
        guard text.contains("\\") else { return text }
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "\\"), utf8.count >= 3, let value = UInt8(String(decoding: utf8.prefix(3), as: UTF8.self), radix: 8) {
                bytes.append(value)
                utf8 = utf8.dropFirst(3)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Why per-call cgroups cannot be used here.
public struct CgroupUnavailable: Error, Hashable, Sendable, CustomStringConvertible {
    public var reason: String

    public init(reason: String) { self.reason = reason }

    public var description: String { reason }
}
