/// What the editor offers the agent (`initialize` params); absent members mean "not offered".
public struct ClientCapabilities: Codable, Sendable, Equatable {
    /// File access through the editor (its buffers).
    public struct FileSystem: Codable, Sendable, Equatable {
        public var readTextFile: Bool?
        public var writeTextFile: Bool?

        public init(readTextFile: Bool? = nil, writeTextFile: Bool? = nil) {
            self.readTextFile = readTextFile
            self.writeTextFile = writeTextFile
        }
    }

    public var fs: FileSystem?
    public var terminal: Bool?

    public init(fs: FileSystem? = nil, terminal: Bool? = nil) {
        self.fs = fs
        self.terminal = terminal
    }
}
