import BaristaCore
import Crypto
import Foundation
import Synchronization

/// The active API keys by hash, refreshed from the store when an unknown key shows up
/// (at most once a second), so keys created by another process work without a restart.
final class KeyRing: Sendable {
    let store: any BaristaStore
    let clock: @Sendable () -> Date
    private let state = Mutex<(byHash: [String: APIKeyRecord], loadedAt: Date?)>(([:], nil))

    init(store: any BaristaStore, clock: @escaping @Sendable () -> Date) {
        self.store = store
        self.clock = clock
    }

    /// Hex SHA-256 of a key: what the store keeps instead of the key.
    static func hash(_ key: String) -> String {
        SHA256.hash(data: Data(key.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    func authenticate(_ key: String) async -> (site: SiteID, scope: KeyScope)? {
        guard key.hasPrefix("sk_") || key.hasPrefix("pk_"), key.count < 200 else { return nil }
        let hash = Self.hash(key)
        let (found, stale) = state.withLock { state -> (APIKeyRecord?, Bool) in
            (state.byHash[hash], state.loadedAt.map { clock().timeIntervalSince($0) > 1 } ?? true)
        }
        if let found { return found.revokedAt == nil ? (found.siteID, found.scope) : nil }
        guard stale else { return nil }
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
