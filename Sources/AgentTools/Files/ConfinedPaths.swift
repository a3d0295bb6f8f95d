import CAgentSupport
import Glibc

/// Opens resolved paths so that the kernel itself keeps every lookup beneath the workspace roots.
///
/// ``Workspace/resolve(_:)`` checks a path, but a directory on it can be swapped for a symlink between that check
/// and the open. So the root is opened and the rest of the path is looked up from it with `openat2` and
/// `RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS`: a component that now leads outside (an absolute symlink, `..`, a
/// relative symlink climbing out, `/proc/self/root`-style magic links) fails with `EXDEV` during the walk itself.
/// The tools then work on the descriptors (`openat`, `mkdirat`, `renameat`), never on the path again.
struct ConfinedPaths: Sendable {
    /// The resolved roots lookups must stay beneath.
    let roots: [String]
    /// Whether lookups are confined at all (`tools.confine_to_workspace`).
    let confined: Bool

    /// Opens the absolute, resolved `path`; returns the descriptor, or -1 with `errno` set (`EXDEV` when it is
    /// not beneath a root).
    func open(_ path: String, _ flags: Int32, mode: mode_t = 0) -> Int32 {
        guard confined else { return Glibc.open(path, flags | O_CLOEXEC, mode) }
        guard let root = roots.filter({ Workspace.isInside(path, root: $0) }).max(by: { $0.count < $1.count })
        else {
            errno = EXDEV
            return -1
        }
        let rest = path == root ? "." : String(path.dropFirst(root == "/" ? 1 : root.count + 1))
        let rootFD = Glibc.open(root, Int32(AGENT_O_PATH) | O_DIRECTORY | O_CLOEXEC)
        guard rootFD >= 0 else { return -1 }
        let fd = agent_open_beneath(rootFD, rest, flags, UInt32(mode), 0)
        let saved = errno
        close(rootFD)
        if fd < 0 && saved == ENOSYS {
            // Linux before 5.6 has no openat2: the resolved path with O_NOFOLLOW on its last component is the best
            // left (the race on the directories above it stays open there).
            return Glibc.open(path, flags | O_CLOEXEC | O_NOFOLLOW, mode)
        }
        errno = saved
        return fd
    }

    /// Runs `body` with a descriptor of `path`'s parent directory (opened beneath a root) and `path`'s last
    /// component, for the `*at` calls.
    ///
    /// - Throws: ``FileToolError`` (for `action` on `shown`) when the directory cannot be opened.
    func withParent<T>(
        of path: String, action: String, shown: String, _ body: (Int32, String) throws -> T
    ) throws -> T {
        let slash = path.lastIndex(of: "/") ?? path.startIndex
        let parent = slash == path.startIndex ? "/" : String(path[..<slash])
        let name = String(path[path.index(after: slash)...])
        let fd = open(parent, Int32(AGENT_O_PATH) | O_DIRECTORY)
        guard fd >= 0 else { throw FileToolError(action, shown, errno: errno) }
        defer { close(fd) }
        return try body(fd, name)
    }
}
