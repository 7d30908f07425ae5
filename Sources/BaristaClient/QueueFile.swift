import Foundation

/// The persisted queue: one event per line (JSON lines), appended as events are recorded and
/// rewritten when a batch is accepted.
struct QueueFile: Sendable {
    let url: URL

    /// The queued events; a line that cannot be read (torn by a crash mid-write) is skipped.
    func load() -> [BaristaEvent] {
        guard let data = try? Data(contentsOf: url) else { return [] }
        let decoder = Coding.decoder()
        return data.split(separator: UInt8(ascii: "\n")).compactMap { try? decoder.decode(BaristaEvent.self, from: Data($0)) }
    }

    /// Adds one event at the end.
    func append(_ event: BaristaEvent) throws {
        var line = try Coding.encoder().encode(event)
        line.append(UInt8(ascii: "\n"))
        if !FileManager.default.fileExists(atPath: url.path) {
            try line.write(to: url, options: .atomic)
            return
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: line)
    }

    /// Replaces the file's content with `events`.
    func rewrite(_ events: [BaristaEvent]) throws {
        let encoder = Coding.encoder()
        var data = Data()
        for event in events {
            data.append(try encoder.encode(event))
            data.append(UInt8(ascii: "\n"))
        }
        try data.write(to: url, options: .atomic)
    }
}

/// The persisted identity of an app: its anonymous id and the identified user.
struct Identity: Sendable, Codable, Equatable {
    var anonymousID: String
    var userID: String?
    /// The user's `user_hash`, for sites that set `require_user_hash`.
    var userHash: String?

    private enum CodingKeys: String, CodingKey { case anonymousID = "anonymous_id", userID = "user_id", userHash = "user_hash" }

    static func fresh() -> Identity { Identity(anonymousID: UUID().uuidString.lowercased(), userID: nil, userHash: nil) }

    static func load(_ url: URL?) -> Identity? {
        guard let url, let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONDecoder().decode(Identity.self, from: data)
    }

    func save(_ url: URL?) {
        guard let url, let data = try? JSONEncoder().encode(self) else { return }
        try? data.write(to: url, options: .atomic)
    }
}
