import BaristaCore
import BaristaEngine
import BaristaSQLite
import BaristaTesting
import Foundation
import Logging
import Testing

/// `retention_days`: old events go once the checkpoints include them; profiles keep what they folded in.
struct RetentionTests {
    @Test func oldEventsArePurgedOnlyOnceCheckpointedAndProfilesKeepTheirTotals() async throws {
        let store = try SQLiteStore()
        let h = try await EngineHarness(store: store)
        _ = try await h.engine.updateSettings(site: h.site, patch: ["retention_days": 30])
        let old = h.clock.now.addingTimeInterval(-40 * 86_400)
        _ = try await h.send(
            Fixtures.track("Order Completed", user: "ada", message: "old-order", at: old, properties: ["products": [["product_id": "runner"]], "revenue": 50]),
            Fixtures.track("Product Viewed", user: "ada", message: "new-view", at: h.clock.now, properties: ["product_id": "jacket"]))
        #expect(try await h.engine.purgeExpired().isEmpty, "nothing is checkpointed yet: a restart would need the old order")
        try await h.engine.checkpoint()
        try await h.engine.checkpointLiveModels()
        let purged = try await h.engine.purgeExpired()
        #expect(purged[h.site]?.events == 1)
        let remaining = try await store.events(site: h.site, after: 0, limit: 100).map(\.event.messageID)
        #expect(remaining.contains("new-view") && !remaining.contains("old-order"))
        #expect(try await h.profile("ada")?.profile.orders == 1, "the profile keeps the order it folded in")
        let restarted = Engine(store: store, clock: h.clock.function, logger: Logger(label: "test"))
        let snapshot = try #require(try await restarted.profile("ada", site: h.site))
        #expect(snapshot.profile.orders == 1 && snapshot.profile.revenue == 50, "and after a restart")
        #expect(try await restarted.purgeExpired().isEmpty, "a second purge finds nothing")
    }
}
