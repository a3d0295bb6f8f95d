import Foundation

/// Where the HTTP+SSE transport sends `POST /responses`: derived from the pool's `ws(s)://…/responses` URL by
/// mapping the scheme back (`ws` → `http`, `wss` → `https`); `http(s)` URLs are taken as they are.
struct HTTPEndpoint: Sendable, Equatable {
    var host: String
    var port: Int
    var useTLS: Bool
    /// Request target: the path (e.g. `/v1/responses`) plus the query, if any.
    var target: String

    /// The `Host` header value: the host, with the port unless it is the scheme's default.
    var hostHeader: String {
        let bracketed = host.contains(":") ? "[\(host)]" : host
        return port == (useTLS ? 443 : 80) ? bracketed : "\(bracketed):\(port)"
    }

    /// The host for TLS SNI: `nil` for IP literals, which SNI does not allow.
    var serverNameIndication: String? {
        let isIPv4 = host.split(separator: ".").count == 4 && host.allSatisfy { $0.isNumber || $0 == "." }
        return isIPv4 || host.contains(":") ? nil : host
    }

    /// The endpoint without credentials, for logs and errors.
    var redacted: String { "\(useTLS ? "https" : "http")://\(hostHeader)\(target.split(separator: "?").first ?? "")" }

    init(host: String, port: Int, useTLS: Bool, target: String) {
        self.host = host
        self.port = port
        self.useTLS = useTLS
        self.target = target
    }

    /// Derives the endpoint from a Responses URL.
    /// - Returns: `nil` when the scheme is not `ws`, `wss`, `http` or `https` or the URL has no host.
    init?(responsesURL url: URL) {
        guard let components = URLComponents(url: url, resolvingAgainstBaseURL: false),
            let scheme = components.scheme?.lowercased(), let host = components.host, !host.isEmpty
        else { return nil }
        switch scheme {
        case "ws", "http": useTLS = false
        case "wss", "https": useTLS = true
        default: return nil
        }
        self.host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        self.port = components.port ?? (useTLS ? 443 : 80)
        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        self.target = path + (components.percentEncodedQuery.map { "?\($0)" } ?? "")
    }
}
