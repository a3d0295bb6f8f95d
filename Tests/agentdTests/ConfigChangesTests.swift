import Foundation
import Testing

@testable import agentd

/// What a reload applies live and what it names as needing a restart.
struct ConfigChangesTests {
    @Test func propertyNamesBecomeTheirTOMLKeys() {
        let names = [
            "connectTimeoutMillis", "maxConnectionAgeSeconds", "baseURL", "allowedUIDs", "lanesPerConnection", "lanes",
            "maxFrameBytes",
        ].map(ConfigChanges.tomlName)
        #expect(
            names == [
                "connect_timeout_ms", "max_connection_age_s", "base_url", "allowed_uids", "lanes_per_connection",
                "lanes", "max_frame_bytes",
            ])
    }

    @Test func everyKeyOfTheConfigurationIsDocumentedInTheReferenceFile() throws {
        let reference = try String(contentsOfFile: Self.referenceConfig, encoding: .utf8)
        let documented = Set(Self.documentedKeys(reference))
        let keys = ConfigChanges.flattened(DaemonConfiguration()).keys.sorted()
        let missing = keys.filter { !documented.contains($0) }
        #expect(missing == [])
    }

    @Test func liveKeysApplyAndTheOthersAreNamedAsNeedingARestart() throws {
        let started = DaemonConfiguration()
        var new = started
        new.daemon.logLevel = "debug"
        new.tools.timeoutMillis = 5_000
        new.run.model = "emu-text"
        new.upstream.connections = 4
        new.upstream.lanesPerConnection = 8
        new.control.maxConnections = 8
        let changes = ConfigChanges(started: started, applied: started, new: new)
        #expect(
            changes
                == ConfigChanges(
                    live: ["daemon.log_level", "run.model", "tools.timeout_ms", "upstream.connections"],
                    needRestart: ["control.max_connections", "upstream.lanes_per_connection"]))
    }

    @Test func theToolFormatOfNewRunsIsLive() throws {
        let started = DaemonConfiguration()
        var new = started
        new.run.toolFormat = "native"
        new.run.nativeToolModels = ["o9"]
        let changes = ConfigChanges(started: started, applied: started, new: new)
        #expect(changes == ConfigChanges(live: ["run.native_tool_models", "run.tool_format"], needRestart: []))
    }

    @Test func theConnectionCountIsLiveExceptOverSSE() throws {
        var started = DaemonConfiguration()
        started.upstream.transport = "sse"
        var new = started
        new.upstream.connections = 4
        // Over HTTP+SSE the count bounds the requests in flight, fixed at start-up.
        #expect(ConfigChanges(started: started, applied: started, new: new).needRestart == ["upstream.connections"])
    }

    @Test func aRestartOnlyKeyStaysPendingAcrossLaterReloads() throws {
        let started = DaemonConfiguration()
        var first = started
        first.upstream.lanesPerConnection = 8
        var second = first
        second.daemon.logLevel = "warning"
        let changes = ConfigChanges(started: started, applied: first, new: second)
        #expect(changes == ConfigChanges(live: ["daemon.log_level"], needRestart: ["upstream.lanes_per_connection"]))
    }

    @Test func commandToolsNeedARestartSoTheirApprovalIsNeverSkipped() throws {
        let started = DaemonConfiguration()
        let new = try DaemonConfiguration.parse(
            "[[tools.command]]\nname = \"deploy\"\ndescription = \"Deploy.\"\nargv = [\"true\"]\napproval = \"always\"\n",
            file: "agentd.toml")
        let changes = ConfigChanges(started: started, applied: started, new: new)
        #expect(changes == ConfigChanges(live: [], needRestart: ["tools.command"]))
    }

    @Test func removingTheDefaultInstructionsNeedsARestart() throws {
        var started = DaemonConfiguration()
        started.run.instructions = "be brief"
        var new = started
        new.run.instructions = nil
        let changes = ConfigChanges(started: started, applied: started, new: new)
        #expect(changes == ConfigChanges(live: [], needRestart: ["run.instructions"]))
    }

    /// `section.key` for every `key = value` line of the reference file, commented or not.
    static func documentedKeys(_ text: String) -> [String] {
        var section = ""
        var keys: [String] = []
        for raw in text.split(separator: "\n") {
            var line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") { line = String(line.dropFirst()).trimmingCharacters(in: .whitespaces) }
            if line.hasPrefix("[["), line.hasSuffix("]]") {
                // An array of tables is itself a key of its parent section (`[[tools.command]]`).
                section = String(line.dropFirst(2).dropLast(2))
                keys.append(section)
            } else if line.hasPrefix("["), line.hasSuffix("]") {
                section = String(line.dropFirst().dropLast())
            } else if let equals = line.firstIndex(of: "=") {
                let key = line[..<equals].trimmingCharacters(in: .whitespaces)
                if !key.isEmpty, !key.contains(" ") { keys.append(section + "." + key) }
            }
        }
        return keys
    }

    static let referenceConfig = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../config/agentd.toml").standardizedFileURL.path
}
