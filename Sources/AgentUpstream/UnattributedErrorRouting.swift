/// Where a request-scoped `error` frame without `stream_id` goes on a connection with named lanes.
///
/// The server leaves `stream_id` out of an error when it cannot echo it (`invalid_stream_id`, a frame it could not
/// parse): such an error answers a request that has not started streaming, since a started response's errors
/// carry its lane. So it fails only the responses still waiting for their first frame — the one it answers when
/// there is one, every candidate when it is ambiguous (each then retries) — and never disturbs a streaming lane.
/// With no candidate at all it concerns the connection.
enum UnattributedErrorRouting {
    /// What to do with the error.
    enum Decision: Equatable {
        /// Deliver it as the terminal frame of the responses on these lanes (ascending).
        case fail(lanes: [Int])
        /// Nothing could have asked for it: replace the connection.
        case retireConnection
    }

    /// Decides from the frames received so far by each active response, by lane.
    static func route(framesByLane: [Int: Int]) -> Decision {
        let waiting = framesByLane.filter { $0.value == 0 }.map(\.key).sorted()
        return waiting.isEmpty ? .retireConnection : .fail(lanes: waiting)
    }
}
