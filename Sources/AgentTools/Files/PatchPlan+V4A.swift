extension PatchPlan {
    /// Plans one V4A operation on top of the operations planned before it.
    ///
    /// - Throws: ``FileToolError`` when a file to update or delete does not exist, a move's target does, or a hunk
    ///   does not apply (see ``V4AApplier``).
    mutating func add(_ operation: V4APatch.Operation) throws {
        switch operation {
        case .create(let path, let lines, let crlf):
            let newline = crlf ? "\r\n" : "\n"
            let text = lines.map { $0 + newline }.joined()
            try change(path) { _ in TextFile(bytes: Array(text.utf8)) }
        case .delete(let path):
            try change(path) { current in
                guard current != nil else { throw FileToolError("'\(path)' does not exist, so it cannot be deleted") }
                return nil
            }
        case .update(let path, let hunks, let moveTo):
            var updated: TextFile?
            try change(path) { current in
                guard let current else { throw FileToolError("'\(path)' does not exist, so it cannot be updated") }
                let text = String(decoding: current.bytes, as: UTF8.self)
                updated = TextFile(bytes: Array(try V4AApplier.apply(hunks, to: text, path: path).utf8))
                return moveTo == nil ? updated : nil
            }
            if let moveTo {
                try change(moveTo) { existing in
                    guard existing == nil else {
                        throw FileToolError("'\(path)' cannot move to '\(moveTo)': that file already exists")
                    }
                    return updated
                }
            }
        }
    }
}
