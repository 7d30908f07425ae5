import BaristaCore
import Crypto
import Foundation
import Synchronization

/// The API keys by hash, refreshed from the store when an unknown key shows up (at most once a
/// second) and every five seconds, so keys created or revoked by another process (`barista keys`)
/// take effect on a running server without a restart.
final class KeyRing: Sendable {
    let store: any BaristaStore
    let clock: @Sendable () -> Date
    private let state = Mutex<(byHash: [String: APIKeyRecord], loadedAt: Date?)>(([:], nil))
    /// Hashes of keys presented recently, so a busy key is hashed once, not on every request
    /// (bounded; whether the key is still valid is always looked up by its hash).
    private let hashes = Mutex<[String: String]>([:])

    init(store: any BaristaStore, clock: @escaping @Sendable () -> Date) {
        self.store = store
        self.clock = clock
    }

    /// Hex SHA-256 of a key: what the store keeps instead of the key.
    static func hash(_ key: String) -> String {
        Hex.encode(SHA256.hash(data: Data(key.utf8)))
    }

    func authenticate(_ key: String) async -> (site: SiteID, scope: KeyScope)? {
        guard key.hasPrefix("sk_") || key.hasPrefix("pk_"), key.count < 200 else { return nil }
        let hash = hashes.withLock { $0[key] } ?? {
            let hash = Self.hash(key)
            hashes.withLock { hashes in
                if hashes.count >= 10_000 { hashes.removeAll(keepingCapacity: true) }
                hashes[key] = hash
            }
            return hash
        }()
        let age = state.withLock { state in state.loadedAt.map { clock().timeIntervalSince($0) } ?? .infinity }
        let refreshed = age > 5
        if refreshed { await reload() }
        let found = state.withLock { $0.byHash[hash] }
        if let found { return found.revokedAt == nil ? (found.siteID, found.scope) : nil }
        guard !refreshed, age > 1 else { return nil }
        await reload()
        guard let record = state.withLock({ $0.byHash[hash] }), record.revokedAt == nil else { return nil }
        return (record.siteID, record.scope)
    }

    func reload() async {
        guard let records = try? await store.keys() else { return }
        let byHash = Dictionary(records.map { ($0.hash, $0) }, uniquingKeysWith: { _, last in last })
        let time = clock()
        state.withLock { $0 = (byHash, time) }
    }
}
