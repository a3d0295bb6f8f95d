import Foundation
import Testing

@testable import agentd

/// A run's working directory is refused at `run/start` with its path (issue 13 item 6, issue 14 item 15).
struct WorkingDirectoryCheckTests {
    @Test func aMissingARelativeOrAFileWorkingDirectoryIsRefusedWithItsPath() throws {
        #expect(
            WorkingDirectoryCheck.problem("/does/not/exist")
                == "the working directory /does/not/exist cannot be used: No such file or directory")
        #expect(WorkingDirectoryCheck.problem("src") == "the working directory must be an absolute path, got \"src\"")
        #expect(WorkingDirectoryCheck.problem("/etc/hostname") == "the working directory /etc/hostname is not a directory")
        #expect(WorkingDirectoryCheck.problem(NSTemporaryDirectory()) == nil)
    }
}
