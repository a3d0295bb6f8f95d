import Foundation
import Testing

@testable import AgentUpstream

@Suite struct UpstreamConfigurationTests {
    @Test func mapsHTTPBaseURLsToWebSocketResponsesURLs() {
        func map(_ text: String) -> String? {
            UpstreamConfiguration.responsesURL(fromBaseURL: URL(string: text)!)?.absoluteString
        }
        #expect(map("http://127.0.0.1:8080/v1") == "ws://127.0.0.1:8080/v1/responses")
        #expect(map("https://api.openai.com/v1") == "wss://api.openai.com/v1/responses")
        #expect(map("https://api.openai.com/v1/") == "wss://api.openai.com/v1/responses")
        #expect(map("ws://h:1/v1") == "ws://h:1/v1/responses")
        #expect(map("ftp://h/v1") == nil)
    }

    @Test func descriptionNeverContainsTheKey() {
        let configuration = UpstreamConfiguration(
            url: URL(string: "wss://user:pw@api.openai.com/v1/responses?k=v")!,
            apiKey: "sk-secret-123"
        )
        #expect(!configuration.description.contains("sk-secret"))
        #expect(!configuration.description.contains("pw"))
        #expect(configuration.redactedURL == "wss://api.openai.com/v1/responses")
    }

    @Test func clampsLanesToTheServerLimit() {
        let url = URL(string: "ws://h/v1/responses")!
        // 32 distinct stream_ids per connection, 16 responses in flight.
        #expect(UpstreamConfiguration(url: url, lanesPerConnection: 40).lanesPerConnection == 32)
        #expect(UpstreamConfiguration(url: url, activeResponsesPerConnection: 20).activeResponsesPerConnection == 16)
        #expect(UpstreamConfiguration(url: url).effectiveActiveResponsesPerConnection == 16)
        #expect(UpstreamConfiguration(url: url, lanesPerConnection: 4).effectiveActiveResponsesPerConnection == 4)
        #expect(UpstreamConfiguration(url: url, useLanes: false).effectiveActiveResponsesPerConnection == 1)
        #expect(UpstreamConfiguration(url: url, useLanes: false).effectiveLanesPerConnection == 1)
        #expect(UpstreamConfiguration(url: url, useLanes: false).laneName(0) == nil)
        #expect(UpstreamConfiguration(url: url).laneName(3) == "l3")
    }
}
