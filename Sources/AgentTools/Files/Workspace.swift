import Glibc

/// Resolves the paths a file tool is given and keeps them inside the workspace roots.
///
/// A path is taken from the run's working directory, then the longest prefix that exists is replaced by its
/// `realpath` (so every symlink in it is followed) and the rest, which does not exist, is appended. The result has
/// no symlinks, `.` or `..` left, so the confinement check looks at the file that will really be touched.
struct Workspace: Sendable {
    /// The run's working directory, resolved.
    let cwd: String
    /// The directories paths must stay under, resolved; the first is ``cwd``.
    let roots: [String]
    /// Whether paths outside ``roots`` are refused.
    let confined: Bool

    /// The workspace of a call: its working directory plus ``ToolLimits/workspaceRoots``.
    ///
    /// - Throws: ``FileToolError`` when the working directory does not exist.
    init(context: ToolContext) throws {
        guard let cwd = Self.realPath(context.cwd), Self.isDirectory(cwd) else {
            throw FileToolError("working directory '\(context.cwd)' does not exist or is not a directory")
        }
        self.cwd = cwd
        var roots = [cwd]
        for root in context.limits.workspaceRoots {
            let absolute = root.hasPrefix("/") ? root : cwd + "/" + root
            // A root that does not exist cannot contain anything yet; skipping it keeps the rest usable.
            if let resolved = Self.realPath(absolute), !roots.contains(resolved) { roots.append(resolved) }
        }
        self.roots = roots
        self.confined = context.limits.confineToWorkspace
    }

    /// The resolved absolute form of `path` (relative to ``cwd``).
    ///
    /// - Throws: ``FileToolError`` when the path escapes the roots or names a symlink that cannot be resolved.
    func resolve(_ path: String) throws -> String {
        var absolute = path.hasPrefix("/") ? path : cwd + "/" + path
        var resolved: String
        while true {
            let components = absolute.split(separator: "/").map(String.init)
            var existing = components.count
            var base = Self.realPath("/" + components.joined(separator: "/"))
            while base == nil && existing > 0 {
                existing -= 1
                base = Self.realPath("/" + components[..<existing].joined(separator: "/"))
            }
            let prefix = base ?? "/"
            let rest = components[existing...]
            if rest.contains("..") {
                // `missing/..` fails in the kernel; treat it lexically and resolve again, since the lexical result
                // may name an existing symlink.
                absolute = Self.lexicallyNormalized(prefix, rest)
                continue
            }
            let remaining = rest.filter { $0 != "." }
            if let first = remaining.first {
                var status = stat()
                if lstat(Self.join(prefix, first), &status) == 0 {
                    // It exists yet realpath failed on it: a dangling or looping symlink.
                    throw FileToolError("'\(path)' goes through a symlink that cannot be resolved")
                }
            }
            resolved = remaining.reduce(prefix) { Self.join($0, $1) }
            break
        }
        guard !confined || roots.contains(where: { Self.isInside(resolved, root: $0) }) else {
            let shown = resolved == path ? "" : " (\(resolved))"
            throw FileToolError(
                "'\(path)'\(shown) is outside the workspace (\(roots.joined(separator: ", "))); "
                    + "file tools only reach files under the run's working directory")
        }
        return resolved
    }

    /// Opens resolved paths beneath ``roots`` (when ``confined``), checked by the kernel at the open.
    var paths: ConfinedPaths { ConfinedPaths(roots: roots, confined: confined) }

    /// `resolved` as the model should see it: relative to ``cwd`` when inside it, else absolute.
    func display(_ resolved: String) -> String {
        if resolved == cwd { return "." }
        if cwd == "/" { return String(resolved.dropFirst()) }
        if resolved.hasPrefix(cwd + "/") { return String(resolved.dropFirst(cwd.count + 1)) }
        return resolved
    }

    static func isInside(_ path: String, root: String) -> Bool {
        root == "/" || path == root || path.hasPrefix(root + "/")
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func isDirectory(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
    }

    private static func join(_ directory: String, _ name: String) -> String {
        directory == "/" ? "/" + name : directory + "/" + name
    }

    private static func lexicallyNormalized(_ prefix: String, _ rest: ArraySlice<String>) -> String {
        var parts = prefix.split(separator: "/").map(String.init)
        for component in rest {
            switch component {
            case ".": continue
            case "..": _ = parts.popLast()
            default: parts.append(component)
            }
        }
        return "/" + parts.joined(separator: "/")
    }
}
