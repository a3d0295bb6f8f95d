extension ToolFinished {
    /// Records references to the full output streams of `outcome` in this payload and returns them as blobs to
    /// attach to the `tool.finished` event (see ``LedgerEvent/blobs``).
    ///
    /// A stream is stored only when the tool kept it in full and the model's excerpt left some of it out (a stream
    /// that fit the head+tail budget is already whole in ``output``; storing it again would double it). `output`
    /// is unchanged: it is exactly what the model saw, so a replayed run sends the model the same input.
    public mutating func attachFullOutput(of outcome: ToolOutcome) -> [LedgerBlob] {
        var blobs: [LedgerBlob] = []
        if let stdout = outcome.fullStdout {
            let blob = LedgerBlob(bytes: stdout)
            stdoutSHA256 = blob.sha256
            stdoutBytes = stdout.count
            blobs.append(blob)
        }
        if let stderr = outcome.fullStderr {
            let blob = LedgerBlob(bytes: stderr)
            stderrSHA256 = blob.sha256
            stderrBytes = stderr.count
            blobs.append(blob)
        }
        return blobs
    }
}
