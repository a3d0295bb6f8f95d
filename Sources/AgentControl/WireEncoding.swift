import AgentModel
import AgentProtocol
import Foundation
import NIOCore

/// Turns wire values into newline-terminated JSON lines.
enum WireEncoding {
    /// `value` as one compact JSON line with sorted keys.
    static func line<T: Encodable>(_ value: T) -> ByteBuffer {
        do {
            return buffer(try JSONCoding.encodeData(value))
        } catch {
            // Only non-finite numbers can fail here; answer with an error rather than dropping the line.
            let fallback = JSONRPCErrorResponse(id: nil, error: .internalError("could not encode a message: \(error)"))
            return buffer((try? JSONCoding.encodeData(fallback)) ?? Data())
        }
    }

    /// An error response line.
    static func errorLine(id: JSONRPCID?, _ error: ControlError) -> ByteBuffer {
        line(JSONRPCErrorResponse(id: id, error: error))
    }

    private static func buffer(_ bytes: some Sequence<UInt8>) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeBytes(bytes)
        buffer.writeInteger(UInt8(ascii: "\n"))
        return buffer
    }
}
