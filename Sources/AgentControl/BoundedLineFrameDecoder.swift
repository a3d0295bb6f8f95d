import NIOCore

/// Splits the inbound byte stream into lines (without `\n` or `\r\n`) and refuses any line longer than
/// `maxLineBytes` with `ByteToMessageDecoderError.PayloadTooLargeError`.
///
/// Unlike `LineBasedFrameDecoder` behind a `maximumBufferSize`, which only checks the buffer after each read (so
/// a line slightly over the limit that arrives whole is still decoded), the limit is checked on the line itself:
/// a complete line is measured before it is emitted, and an incomplete one is refused as soon as its bytes so far
/// exceed the limit, so the buffer never grows much past it.
struct BoundedLineFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    let maxLineBytes: Int
    /// Bytes at the start of the buffer already searched for a newline without finding one.
    private var scanned = 0

    init(maxLineBytes: Int) {
        self.maxLineBytes = maxLineBytes
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let line = try nextLine(&buffer) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(line))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws
        -> DecodingState
    {
        // An unterminated tail at end of stream is not a request: it is dropped, as LineBasedFrameDecoder would.
        try decode(context: context, buffer: &buffer)
    }

    /// The next complete line, `nil` when more bytes are needed.
    mutating func nextLine(_ buffer: inout ByteBuffer) throws -> ByteBuffer? {
        let view = buffer.readableBytesView
        let searchFrom = view.startIndex + min(scanned, view.count)
        guard let newline = view[searchFrom...].firstIndex(of: UInt8(ascii: "\n")) else {
            scanned = view.count
            // A trailing `\r` may be the first half of the terminator, so it does not count yet.
            let pending = view.count - (view.last == UInt8(ascii: "\r") ? 1 : 0)
            if pending > maxLineBytes { throw ByteToMessageDecoderError.PayloadTooLargeError() }
            return nil
        }
        scanned = 0
        let terminated = newline - view.startIndex
        let carriageReturn = terminated > 0 && view[newline - 1] == UInt8(ascii: "\r")
        let length = terminated - (carriageReturn ? 1 : 0)
        if length > maxLineBytes { throw ByteToMessageDecoderError.PayloadTooLargeError() }
        let line = buffer.readSlice(length: length)!
        buffer.moveReaderIndex(forwardBy: terminated - length + 1)
        return line
    }
}
