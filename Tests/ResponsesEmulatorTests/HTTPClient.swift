import Foundation

import FoundationNetworking

/// One HTTP request with URLSession; returns the body text and status code.
func httpRequest(
    _ url: URL,
    method: String,
    body: String?,
    authorization: String? = nil
) async throws -> (body: String, status: Int) {
    var request = URLRequest(url: url)
    request.httpMethod = method
    if let body {
        request.httpBody = Data(body.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    }
    if let authorization { request.setValue(authorization, forHTTPHeaderField: "Authorization") }
    let (data, response) = try await URLSession.shared.data(for: request)
    return (String(decoding: data, as: UTF8.self), (response as? HTTPURLResponse)?.statusCode ?? 0)
}

/// One SSE event: its `event:` name and its `data:` JSON text.
struct ServerSentEvent: Equatable {
    var event: String
    var data: String
}

/// Splits an SSE body into events (`event: …\ndata: …\n\n`).
func parseServerSentEvents(_ body: String) -> [ServerSentEvent] {
    body.components(separatedBy: "\n\n").compactMap { block in
        var event: String? = nil
        var data: String? = nil
        for line in block.split(separator: "\n") {
            if line.hasPrefix("event: ") { event = String(line.dropFirst(7)) }
            if line.hasPrefix("data: ") { data = String(line.dropFirst(6)) }
        }
        guard let event, let data else { return nil }
        return ServerSentEvent(event: event, data: data)
    }
}
