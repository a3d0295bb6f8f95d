/// One output stream as kept: its first bytes, its last bytes and how many bytes it had in all.
public struct CapturedOutput: Sendable, Hashable {
    /// The first bytes of the stream (at most ``CaptureLimits/headBytes``).
    public var head: [UInt8]
    /// The last bytes of the stream (at most ``CaptureLimits/tailBytes``), disjoint from `head`.
    public var tail: [UInt8]
    /// Every byte the child wrote to the stream.
    public var totalBytes: Int
    /// The whole stream, when `head` and `tail` leave some of it out and it had at most
    /// ``CaptureLimits/fullBytes`` (the ledger stores it as a blob); nil otherwise.
    public var full: [UInt8]?

    /// Creates a capture.
    public init(head: [UInt8] = [], tail: [UInt8] = [], totalBytes: Int = 0, full: [UInt8]? = nil) {
        self.head = head
        self.tail = tail
        self.totalBytes = totalBytes
        self.full = full
    }

    /// Bytes neither in `head` nor in `tail`.
    public var droppedBytes: Int { totalBytes - head.count - tail.count }

    /// The stream as text for the model, and how many bytes it leaves out.
    ///
    /// An uncut stream is `head + tail`. A cut stream is `head`, the line `[… N bytes cut …]` (with a newline on
    /// each side) and `tail`, where the cut edges move to UTF-8 character boundaries so no character is split;
    /// `N` counts every byte left out, including those moved edges. Invalid UTF-8 becomes U+FFFD.
    public func rendered() -> (text: String, cutBytes: Int) {
        guard droppedBytes > 0 else {
            return (String(decoding: head + tail, as: UTF8.self), 0)
        }
        let headEnd = Self.completePrefixLength(head)
        let tailStart = Self.leadingContinuationCount(tail)
        let cut = droppedBytes + (head.count - headEnd) + tailStart
        let text =
            String(decoding: head[..<headEnd], as: UTF8.self) + "\n[… \(cut) bytes cut …]\n"
            + String(decoding: tail[tailStart...], as: UTF8.self)
        return (text, cut)
    }

    /// The length of `bytes` without a trailing incomplete UTF-8 sequence.
    static func completePrefixLength(_ bytes: [UInt8]) -> Int {
        var index = bytes.count - 1
        while index >= 0 && index >= bytes.count - 4 {
            let byte = bytes[index]
            if byte & 0x80 == 0 { return bytes.count }
            if byte & 0xC0 == 0xC0 {
                let needed = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
                return bytes.count - index >= needed ? bytes.count : index
            }
            index -= 1
        }
        return bytes.count
    }

    /// How many UTF-8 continuation bytes (at most 3) start `bytes`.
    static func leadingContinuationCount(_ bytes: [UInt8]) -> Int {
        var count = 0
        while count < min(3, bytes.count) && bytes[count] & 0xC0 == 0x80 { count += 1 }
        return count
    }
}

/// Accumulates a stream, keeping the head and a bounded tail while counting everything.
struct HeadTailBuffer {
    let limits: CaptureLimits
    private var head: [UInt8] = []
    private var tail: [UInt8] = []
    private var total = 0
    /// Every byte so far, while the stream is past the head and within ``CaptureLimits/fullBytes``.
    private var full: [UInt8] = []

    init(limits: CaptureLimits) {
        self.limits = limits
        head.reserveCapacity(min(limits.headBytes, 64 * 1024))
    }

    mutating func append(_ chunk: UnsafeRawBufferPointer) {
        total += chunk.count
        if total <= limits.fullBytes {
            // Only a stream that outgrows head+tail needs its copy; until then head holds it all.
            if total > limits.headBytes + limits.tailBytes {
                if full.isEmpty { full = head + tail }
                full.append(contentsOf: chunk)
            }
        } else if !full.isEmpty {
            full = []
        }
        var rest = chunk[...]
        if head.count < limits.headBytes {
            let take = min(limits.headBytes - head.count, chunk.count)
            head.append(contentsOf: chunk[..<take])
            rest = chunk[take...]
        }
        guard !rest.isEmpty, limits.tailBytes > 0 else { return }
        tail.append(contentsOf: rest)
        // Trim in batches so each byte is moved a bounded number of times.
        if tail.count > 2 * limits.tailBytes + 64 * 1024 {
            tail.removeFirst(tail.count - limits.tailBytes)
        }
    }

    func finish() -> CapturedOutput {
        let cut = total > limits.headBytes + limits.tailBytes
        return CapturedOutput(
            head: head, tail: Array(tail.suffix(limits.tailBytes)), totalBytes: total,
            full: cut && total <= limits.fullBytes ? full : nil)
    }
}
