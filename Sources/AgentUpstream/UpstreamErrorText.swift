import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import WSClient

/// An upstream connection's error in words, for `agentctl status`, the log and a run's retry notice.
///
/// Errors of the networking libraries describe themselves as Swift values (`Connection errors:
/// SingleConnectionFailure(target: [IPv4]127.0.0.1/127.0.0.1:9, error: connection reset (error set): …)`); a person
/// wants `cannot connect to 127.0.0.1:9: connection refused`. Errors this does not know keep their own description.
enum UpstreamErrorText {
    static func describe(_ error: any Error) -> String {
        switch error {
        case let failure as NIOConnectionError:
            return connectionFailure(failure)
        case let failure as IOError:
            return errnoText(failure.errnoCode)
        case let failure as SocketAddressError.UnknownHost:
            return "cannot resolve \(failure.host): \(failure.errorDescription)"
        case ChannelError.connectTimeout(let limit):
            return "connect timed out after \(limit.nanoseconds / 1_000_000) ms"
        case let failure as NIOSSLError:
            return "TLS failed: \(failure)"
        case let failure as WebSocketClientError:
            return "\(failure)"
        default:
            return String(describing: error)
        }
    }

    private static func connectionFailure(_ failure: NIOConnectionError) -> String {
        let target = "\(failure.host):\(failure.port)"
        if let dns = failure.dnsAError ?? failure.dnsAAAAError {
            return "cannot resolve \(failure.host): \(describe(dns))"
        }
        // One reason per distinct cause (IPv4 and IPv6 attempts often fail alike).
        var reasons: [String] = []
        for attempt in failure.connectionErrors {
            let reason = describe(attempt.error)
            if !reasons.contains(reason) { reasons.append(reason) }
        }
        guard !reasons.isEmpty else { return "cannot connect to \(target)" }
        return "cannot connect to \(target): " + reasons.joined(separator: "; ")
    }

    /// `connection refused`, from the C library's message for `code`.
    private static func errnoText(_ code: CInt) -> String {
        let text = String(cString: strerror(code))
        return text.prefix(1).lowercased() + text.dropFirst()
    }
}
