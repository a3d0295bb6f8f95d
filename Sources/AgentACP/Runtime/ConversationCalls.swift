import AgentModel
import AgentProtocol

/// `run/prompt` of the conversations contract (issue 16): a new turn of a run, or input to its running turn.
///
/// Declared here until AgentProtocol has it, with the contract's wire names.
enum RunPromptCall: ControlMethod {
    static let name = "run/prompt"

    struct Params: Codable, Sendable, Equatable {
        var runID: RunID
        var text: String
        var requestID: String?

        enum CodingKeys: String, CodingKey {
            case runID = "run_id"
            case text
            case requestID = "request_id"
        }
    }

    struct Result: Codable, Sendable, Equatable {
        var runID: RunID
        /// The turn the text started, or joined when a turn was running.
        var turn: Int

        enum CodingKeys: String, CodingKey {
            case runID = "run_id"
            case turn
        }
    }
}

/// `run/fork` of the conversations contract: a new run with a copy of the conversation.
enum RunForkCall: ControlMethod {
    static let name = "run/fork"

    struct Params: Codable, Sendable, Equatable {
        var runID: RunID

        enum CodingKeys: String, CodingKey {
            case runID = "run_id"
        }
    }

    struct Result: Codable, Sendable, Equatable {
        var runID: RunID

        enum CodingKeys: String, CodingKey {
            case runID = "run_id"
        }
    }
}
