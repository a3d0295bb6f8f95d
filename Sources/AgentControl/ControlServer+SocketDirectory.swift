extension ControlServer {
    /// Creates the directory of `socketPath` (0700) when missing and checks it exactly as ``start()`` will, and
    /// returns it: for callers that keep private runtime files beside the socket before the server binds it.
    ///
    /// - Throws: ``ControlServerError`` `socketDirectory` when it cannot be created, is not a directory, is a
    ///   symbolic link, is owned by another user or is writable by group or others.
    public static func prepareSocketDirectory(for socketPath: String) throws -> String {
        try SocketPreparation.prepareDirectory(of: socketPath)
        return SocketPreparation.parentDirectory(of: socketPath)
    }
}
