/// What `agentctl acp` can do (`initialize` result).
public struct AgentCapabilities: Codable, Sendable, Equatable {
    /// Content a prompt may hold besides text and resource links.
    public struct Prompt: Codable, Sendable, Equatable {
        public var image: Bool
        public var audio: Bool
        /// Embedded resources (`resource` blocks): their text becomes context of the prompt.
        public var embeddedContext: Bool

        public init(image: Bool, audio: Bool, embeddedContext: Bool) {
            self.image = image
            self.audio = audio
            self.embeddedContext = embeddedContext
        }
    }

    /// Which kinds of MCP server `session/new` accepts besides stdio.
    public struct MCP: Codable, Sendable, Equatable {
        public var http: Bool
        public var sse: Bool

        public init(http: Bool, sse: Bool) {
            self.http = http
            self.sse = sse
        }
    }

    /// The optional session methods supported; `{}` means supported, absent means not.
    public struct Sessions: Codable, Sendable, Equatable {
        public var list: ACPEmpty?
        public var resume: ACPEmpty?
        public var fork: ACPEmpty?
        public var close: ACPEmpty?

        public init(list: ACPEmpty?, resume: ACPEmpty?, fork: ACPEmpty?, close: ACPEmpty?) {
            self.list = list
            self.resume = resume
            self.fork = fork
            self.close = close
        }
    }

    public var loadSession: Bool
    public var promptCapabilities: Prompt
    public var mcpCapabilities: MCP
    public var sessionCapabilities: Sessions

    public init(loadSession: Bool, promptCapabilities: Prompt, mcpCapabilities: MCP, sessionCapabilities: Sessions) {
        self.loadSession = loadSession
        self.promptCapabilities = promptCapabilities
        self.mcpCapabilities = mcpCapabilities
        self.sessionCapabilities = sessionCapabilities
    }
}
