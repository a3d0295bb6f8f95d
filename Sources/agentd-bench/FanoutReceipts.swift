import Foundation

/// What each client of the fan-out client process received: per client, the seqs of the text deltas with their
/// `CLOCK_MONOTONIC` receipt instants, and why its subscription ended. Written by the client process to a file
/// the benchmark reads back.
struct FanoutReceipts: Equatable {
    struct Client: Equatable {
        var seqs: [Int64] = []
        var receivedNanos: [Int64] = []
        /// The `run/attach_ended` reason (`run_ended` when all went well).
        var endReason = ""
    }

    var clients: [Client]

    /// Layout, all little-endian Int64: client count; then per client the reason's byte count, the reason's bytes
    /// padded to 8, the receipt count, and count × (seq, nanos).
    func encoded() -> Data {
        var words: [Int64] = [Int64(clients.count)]
        for client in clients {
            var reason = Array(client.endReason.utf8)
            words.append(Int64(reason.count))
            while reason.count % 8 != 0 { reason.append(0) }
            reason.withUnsafeBytes { raw in
                for offset in stride(from: 0, to: raw.count, by: 8) {
                    words.append(raw.loadUnaligned(fromByteOffset: offset, as: Int64.self))
                }
            }
            words.append(Int64(client.seqs.count))
            for (seq, nanos) in zip(client.seqs, client.receivedNanos) {
                words.append(seq)
                words.append(nanos)
            }
        }
        return words.map(\.littleEndian).withUnsafeBytes { Data($0) }
    }

    init(clients: [Client]) {
        self.clients = clients
    }

    /// Reads what ``encoded()`` wrote; nil when truncated.
    init?(decoding data: Data) {
        let words = data.withUnsafeBytes { raw in
            (0..<(raw.count / 8)).map { Int64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self)) }
        }
        var index = 0
        func next() -> Int64? {
            guard index < words.count else { return nil }
            defer { index += 1 }
            return words[index]
        }
        guard let count = next(), count >= 0 else { return nil }
        var clients: [Client] = []
        for _ in 0..<count {
            guard let reasonLength = next(), reasonLength >= 0 else { return nil }
            let reasonWords = (Int(reasonLength) + 7) / 8
            guard index + reasonWords <= words.count else { return nil }
            let reasonBytes = words[index..<(index + reasonWords)].withUnsafeBytes {
                Array($0.prefix(Int(reasonLength)))
            }
            index += reasonWords
            var client = Client(endReason: String(decoding: reasonBytes, as: UTF8.self))
            guard let receipts = next(), receipts >= 0, index + 2 * Int(receipts) <= words.count else { return nil }
            client.seqs.reserveCapacity(Int(receipts))
            client.receivedNanos.reserveCapacity(Int(receipts))
            for _ in 0..<receipts {
                client.seqs.append(words[index])
                client.receivedNanos.append(words[index + 1])
                index += 2
            }
            clients.append(client)
        }
        self.clients = clients
    }
}
