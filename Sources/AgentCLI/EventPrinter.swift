import AgentModel

/// Prints a followed run's events as they come: JSON lines, `agentctl log` lines, or rendered (on a live terminal view when there is
/// one), holding back the line of a run-ending event so the follower can say it with its summary instead.
struct EventPrinter {
    let json: Bool
    /// Each event as `agentctl log` prints it (``LogLine``).
    let logLines: Bool
    let live: LiveView?
    private var renderer = EventRenderer()
    /// The line a run-ending event rendered: shown only if the run goes on (a later `run.resumed`); at the end
    /// the summary line says it instead.
    private var heldEnding: String?

    init(json: Bool, logLines: Bool = false, live: LiveView?) {
        self.json = json
        self.logLines = logLines
        self.live = live
    }

    /// Prints `event`.
    mutating func print(_ event: LedgerEvent) async throws {
        if json {
            Console.out(try JSONCoding.encode(event) + "\n")
            return
        }
        if logLines {
            Console.out(LogLine.render(event) + "\n")
            return
        }
        var rendered = renderer.render(event)
        if let held = heldEnding {
            live?.screen.diagnostic(held) ?? Console.err(held)
            heldEnding = nil
        }
        if let ending = rendered.ending {
            heldEnding = ending
            rendered.ending = nil
        }
        if let live {
            await live.show(event, rendered)
        } else {
            Console.out(rendered.output)
            Console.err(rendered.diagnostics)
        }
    }

    /// The held line of the last run-ending event, which the caller's summary replaces.
    mutating func takeHeldEnding() -> String? {
        defer { heldEnding = nil }
        return heldEnding
    }
}
