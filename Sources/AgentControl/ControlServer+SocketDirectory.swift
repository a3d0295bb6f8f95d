import Logging

extension ControlServer {
    /// Creates the directory of `socketPath` (0700) when missing, exactly as ``start()`` will, and returns it: for
    /// callers that keep private runtime files beside the socket before the server binds it.
    ///
    /// - Throws: ``ControlServerError`` `socketDirectory` when it cannot be created or is not a directory.
    public static func prepareSocketDirectory(for socketPath: String, logger: Logger) throws -> String {
        try SocketPreparation.prepareDirectory(of: socketPath, logger: logger)
        return SocketPreparation.parentDirectory(of: socketPath)
    }
}
