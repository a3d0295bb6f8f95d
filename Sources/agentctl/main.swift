import AgentCLI

#if canImport(Glibc)
    import Glibc
#endif

// A reader that closed the pipe is reported as EPIPE (and handled by the stdout sink), never a SIGPIPE death.
signal(SIGPIPE, SIG_IGN)
exit(await AgentCtl.run(Array(CommandLine.arguments.dropFirst()), streams: .standard))
