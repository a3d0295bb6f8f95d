/// Which tools a run gets: a base set (the run's explicit list, else the daemon's `run.tools`), plus the tools a
/// client adds (`agentctl start --tool NAME`), minus those it removes (`--no-tool NAME`).
public enum ToolSelection {
    /// The run's tool names, in order: the base set, then the added ones not already in it; removed names win.
    ///
    /// - Parameters:
    ///   - base: the explicit list of the request, or the configured default.
    ///   - adding: names added on top of `base`.
    ///   - removing: names taken out (a name both added and removed is removed).
    public static func resolve(base: [String], adding: [String], removing: [String]) -> [String] {
        let removed = Set(removing)
        var seen: Set<String> = []
        var result: [String] = []
        for name in base + adding where !removed.contains(name) && seen.insert(name).inserted {
            result.append(name)
        }
        return result
    }
}
