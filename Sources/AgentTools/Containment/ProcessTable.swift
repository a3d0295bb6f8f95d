import Foundation
import Glibc

/// A snapshot of `/proc`: each process's parent, and whether its environment carries a given marker.
struct ProcessTable {
    /// Parent pid of every process that existed when the snapshot was taken.
    let parents: [pid_t: pid_t]

    /// Reads `/proc/*/stat` once.
    static func snapshot() -> ProcessTable {
        var parents: [pid_t: pid_t] = [:]
        guard let dir = opendir("/proc") else { return ProcessTable(parents: [:]) }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard let pid = pid_t(name), let parent = parentPID(of: pid) else { continue }
            parents[pid] = parent
        }
        return ProcessTable(parents: parents)
    }

    /// The parent pid from `/proc/<pid>/stat` (the field after the state, which follows the last `)`).
    static func parentPID(of pid: pid_t) -> pid_t? {
        guard let bytes = readSmallFile("/proc/\(pid)/stat"), let close = bytes.lastIndex(of: UInt8(ascii: ")"))
        else { return nil }
        let fields = bytes[(close + 1)...].split(separator: UInt8(ascii: " "))
        guard fields.count > 2 else { return nil }
        return pid_t(String(decoding: fields[1], as: UTF8.self))
    }

    /// Whether `/proc/<pid>/environ` contains `entry` (`NAME=value`) as a whole variable.
    static func environment(of pid: pid_t, contains entry: [UInt8]) -> Bool {
        guard let bytes = readSmallFile("/proc/\(pid)/environ", limit: 1 << 20) else { return false }
        return bytes.split(separator: 0).contains { $0.elementsEqual(entry) }
    }

    /// Every process whose parent chain reaches one of `roots` (the roots excluded).
    func descendants(of roots: Set<pid_t>) -> Set<pid_t> {
        var children: [pid_t: [pid_t]] = [:]
        for (pid, parent) in parents { children[parent, default: []].append(pid) }
        var result: Set<pid_t> = []
        var queue = Array(roots)
        while let next = queue.popLast() {
            for child in children[next] ?? [] where !roots.contains(child) && result.insert(child).inserted {
                queue.append(child)
            }
        }
        return result
    }

    /// Reads a `/proc` file (their size is unknown to `stat`) up to `limit` bytes; `nil` when it cannot be opened.
    static func readSmallFile(_ path: String, limit: Int = 4096) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: min(limit, 4096))
        while result.count < limit {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            result.append(contentsOf: chunk[..<count])
        }
        return result
    }
}
