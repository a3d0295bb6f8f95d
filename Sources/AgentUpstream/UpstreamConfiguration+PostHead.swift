import NIOHTTP1

extension UpstreamConfiguration {
    /// The head of a `POST` of a JSON body to `endpoint`, with the headers every request carries: key,
    /// organization, project, `User-Agent` and the configured extra headers (never one that frames the request).
    ///
    /// - Parameters:
    ///   - accept: the answer's media type (`text/event-stream` for SSE, `application/json` for compact).
    ///   - closeConnection: whether the connection serves this one request (`Connection: close`).
    func postHead(
        _ endpoint: HTTPEndpoint, contentLength: Int, accept: String, closeConnection: Bool = false
    ) -> HTTPRequestHead {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: endpoint.hostHeader)
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Accept", value: accept)
        headers.add(name: "Content-Length", value: "\(contentLength)")
        if closeConnection { headers.add(name: "Connection", value: "close") }
        headers.add(name: "User-Agent", value: Self.userAgent)
        if let apiKey { headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
        if let organization { headers.add(name: "OpenAI-Organization", value: organization) }
        if let project { headers.add(name: "OpenAI-Project", value: project) }
        for (name, value) in extraHeaders.sorted(by: { $0.key < $1.key })
        where Self.isHeaderName(name) && !Self.framingHeaders.contains(name.lowercased()) {
            headers.add(name: name, value: value)
        }
        return HTTPRequestHead(version: .http1_1, method: .POST, uri: endpoint.target, headers: headers)
    }

    /// Headers agentd sets itself because they frame the request; an extra header never replaces them.
    private static let framingHeaders: Set<String> = [
        "host", "content-length", "content-type", "transfer-encoding", "connection",
    ]
}
