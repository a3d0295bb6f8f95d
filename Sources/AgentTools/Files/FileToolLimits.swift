/// Caps for the file tools (`read_file`, `list_dir`, `search`, `apply_patch`); the model sees a marker where one cut.
public struct FileToolLimits: Sendable, Hashable {
    /// The most bytes `read_file` returns in one call.
    public var readBytes: Int
    /// The most entries `list_dir` shows.
    public var listEntries: Int
    /// The most matching lines `search` reports.
    public var searchMatches: Int
    /// The most characters of one matching line `search` shows.
    public var searchLineCharacters: Int
    /// Files larger than this are skipped by `search`.
    public var searchFileBytes: Int
    /// The most files `search` reads in one call.
    public var searchFiles: Int
    /// Files larger than this are refused by `apply_patch`.
    public var patchFileBytes: Int

    /// Creates caps; the defaults are the daemon's defaults.
    public init(
        readBytes: Int = 256 << 10,
        listEntries: Int = 1_000,
        searchMatches: Int = 200,
        searchLineCharacters: Int = 300,
        searchFileBytes: Int = 4 << 20,
        searchFiles: Int = 20_000,
        patchFileBytes: Int = 16 << 20
    ) {
        self.readBytes = readBytes
        self.listEntries = listEntries
        self.searchMatches = searchMatches
        self.searchLineCharacters = searchLineCharacters
        self.searchFileBytes = searchFileBytes
        self.searchFiles = searchFiles
        self.patchFileBytes = patchFileBytes
    }
}
