import Glibc

/// CPU time (user + system) from `getrusage`: a cost measure that, unlike latency, hardly depends on what else
/// the machine is running.
enum ProcessCPUTime {
    /// Seconds of CPU used by this process so far.
    static func ownSeconds() -> Double { seconds(RUSAGE_SELF.rawValue) }

    /// Seconds of CPU used by this process's children that have exited and been waited for.
    static func childrenSeconds() -> Double { seconds(RUSAGE_CHILDREN.rawValue) }

    private static func seconds(_ who: __rusage_who_t) -> Double {
        var usage = rusage()
        getrusage(who, &usage)
        func value(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return value(usage.ru_utime) + value(usage.ru_stime)
    }
}
