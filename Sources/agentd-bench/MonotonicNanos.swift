import AgentBenchKit
import Glibc

/// `CLOCK_MONOTONIC` in nanoseconds: one clock for the whole machine, so an instant taken in the benchmark's
/// server process and one taken in its client process can be subtracted.
enum MonotonicNanos {
    /// The current instant.
    static func now() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }
}
