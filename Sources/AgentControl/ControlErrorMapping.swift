import AgentModel
import AgentProtocol

/// The one place where Swift errors become wire errors.
public enum ControlErrorMapping {
    /// The wire error for `error`.
    public static func controlError(from error: any Error) -> ControlError {
        switch error {
        case let error as ControlError:
            return error
        case let error as EngineError:
            switch error.code {
            case .runNotFound: return ControlError(code: .runNotFound, message: error.message)
            case .invalidRequest: return ControlError(code: .invalidParams, message: error.message)
            case .ledgerUnavailable: return .ledgerUnavailable(error.message)
            case .shuttingDown: return .overloaded(error.message)
            }
        case let failure as LedgerFailure:
            switch failure.code {
            case .diskFull, .notWritable, .ioError, .unavailable:
                return .ledgerUnavailable("\(failure.code.rawValue): \(failure.message)")
            case .rejected:
                return .internalError("the ledger rejected the write: \(failure.message)")
            }
        case is DecodingError:
            let (field, detail) = DecodingErrorDescription.describe(error)
            return .invalidParams(field: field, detail)
        case is CancellationError:
            return .overloaded("the daemon is shutting down")
        default:
            return .internalError(String(describing: error))
        }
    }
}
