/// The registry of every method and notification of the control protocol.
///
/// Adding a method means adding a file under `Methods/` and a line here; the server dispatches on these names.
public enum ControlMethods {
    /// Every request method's name, in documentation order.
    public static let requestNames: [String] = [
        Initialize.name,
        RunStart.name,
        RunPrompt.name,
        RunFork.name,
        RunGet.name,
        RunList.name,
        RunAttach.name,
        RunDetach.name,
        RunInput.name,
        RunCancel.name,
        RunResume.name,
        ApprovalList.name,
        ApprovalResolve.name,
        ToolOutput.name,
        DaemonStatus.name,
        DaemonMetrics.name,
        DaemonStats.name,
    ]

    /// Every notification the daemon sends.
    public static let notificationNames: [String] = [
        RunEventNotification.name,
        RunAttachEnded.name,
    ]
}
