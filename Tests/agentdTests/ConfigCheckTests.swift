import Testing

@testable import agentd

/// `agentd --check-config` finds what agentd would refuse at start, says where, and suggests the key meant
/// (issue 13 item 5, issue 14 item 13).
struct ConfigCheckTests {
    private func errors(_ source: String) -> [String] {
        do {
            _ = try DaemonConfiguration.parse(source, file: "a.toml")
            return []
        } catch let errors as ConfigErrors {
            return errors.errors.map(\.description)
        } catch {
            return ["\(error)"]
        }
    }

    @Test func aBaseURLAgentdWouldRefuseAtStartIsRefusedByTheCheck() {
        #expect(
            errors("[upstream]\nbase_url = \"ftp://x\"\n") == [
                "a.toml:2: upstream.base_url: the upstream base URL 'ftp://x' is not an http(s):// or ws(s):// URL with a host"
            ])
    }

    @Test func credentialsInTheBaseURLAreRefusedWithoutBeingRepeated() {
        let found = errors("[upstream]\nbase_url = \"http://user:s3cret@example.test/v1\"\n")
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("a.toml:2: upstream.base_url: the upstream base URL http://example.test/v1 contains user info") == true, "\(found)")
        #expect(!found.joined().contains("s3cret") && !found.joined().contains("user:s3cret"))
    }

    @Test func anUnknownSectionHasItsLineAndASuggestion() {
        #expect(
            errors("[daemon]\nlog_level = \"info\"\n\n[upstrem]\nconnections = 2\n") == [
                "a.toml:4: upstrem: unknown section; did you mean [upstream]? (the sections are [daemon], [upstream], "
                    + "[run], [ledger], [tools], [control], [mcp])"
            ])
    }

    @Test func aMistypedKeyGetsDidYouMean() {
        #expect(
            errors("[daemon]\nlog_levle = \"debug\"\n") == [
                "a.toml:2: daemon.log_levle: unknown key; did you mean \"log_level\"? (see config/agentd.toml for the keys of [daemon])"
            ])
    }

    @Test func errorsComeInLineOrder() {
        let found = errors("[tools]\nconfine_to_workspace = \"yes\"\n[upstream]\nconnections = 0\n[daemon]\nlog_levle = 1\n")
        #expect(found.map { $0.split(separator: ":")[1] } == ["2", "4", "6"], "\(found)")
    }
}
