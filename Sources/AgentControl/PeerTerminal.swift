import Foundation

/// A peer's controlling terminal, from the kernel (`/proc/PID/stat`), never from what the client says: who decided
/// an approval, told apart from another terminal of the same user.
public enum PeerTerminal {
    /// The controlling terminal of `pid` (`pts/3`, `tty1`), or `nil` when it has none or cannot be read.
    public static func name(ofProcess pid: Int32) -> String? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return nil }
        return name(fromStat: stat)
    }

    /// The terminal named by a `/proc/PID/stat` line: field 7, `tty_nr`.
    static func name(fromStat stat: String) -> String? {
        // The command (field 2) is in parentheses and may itself hold spaces and parentheses: fields after it
        // are counted from its last `)`.
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After the command: state, ppid, pgrp, session, tty_nr.
        guard fields.count > 4, let device = Int64(fields[4]) else { return nil }
        return name(ofDevice: device)
    }

    /// The name of a character device number as the kernel encodes `tty_nr` (major in bits 8–19, minor in bits
    /// 0–7 and 20–31), or `nil` for no terminal.
    static func name(ofDevice device: Int64) -> String? {
        guard device != 0 else { return nil }
        let major = (device >> 8) & 0xfff
        let minor = (device & 0xff) | ((device >> 12) & 0xfff00)
        switch major {
        case 136...143: return "pts/\((major - 136) * 256 + minor)"
        case 4 where minor < 64: return "tty\(minor)"
        case 4: return "ttyS\(minor - 64)"
        case 5 where minor == 1: return "console"
        default: return "tty \(major):\(minor)"
        }
    }
}
