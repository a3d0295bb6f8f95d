import Foundation

/// A process's resident memory now and at its peak, from `/proc/<pid>/status` (`VmRSS`, `VmHWM`), in KiB.
struct ProcessMemory {
    var residentKiB: Int
    var peakResidentKiB: Int

    /// Reads the memory of process `pid`; nil when it has exited or its status cannot be read.
    init?(pid: Int32) {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        var fields: [String: Int] = [:]
        for line in status.split(separator: "\n") where line.hasPrefix("Vm") {
            let parts = line.split(whereSeparator: { $0 == ":" || $0 == " " || $0 == "\t" })
            if parts.count >= 2, let kib = Int(parts[1]) { fields[String(parts[0])] = kib }
        }
        guard let resident = fields["VmRSS"], let peak = fields["VmHWM"] else { return nil }
        residentKiB = resident
        peakResidentKiB = peak
    }
}
