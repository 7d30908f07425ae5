import BaristaCore
import BaristaSQLite
import BaristaTesting
import Foundation
import Logging
import Testing

@testable import BaristaEngine

/// Profiles are encoded before a checkpoint's turn in the commit order; what is written must still
/// be each profile's state at that turn.
struct CheckpointEncodingTests {
    @Test func aProfileChangedAfterItsEncodingIsEncodedAgain() throws {
        // Member order in the text is not fixed: compare what the text says.
        func state(_ encoded: EncodedProfile) throws -> JSONValue { try JSON.parse(encoded.state) }
        var profile = Profile(id: ProfileID("p"))
        let ahead = PreEncodedProfiles([profile])
        #expect(try state(ahead.encoding(profile)) == profile.storageJSON)
        profile.traits["name"] = "Ada"
        #expect(try state(ahead.encoding(profile)) == profile.storageJSON, "the new state, not the one encoded ahead")
        #expect(try state(ahead.encoding(profile))["traits"]?["name"] == "Ada")
    }

    @Test func checkpointsRacingWithEventsLeaveEveryProfileAsTheLogSays() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("barista-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clock = TestClock()
        let h = try await EngineHarness(store: try SQLiteStore(directory: directory), clock: clock)
        let people = (0..<20).map { "u\($0)" }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for round in 0..<30 {
                    _ = try await h.engine.ingest(people.map { user in
                        Fixtures.track("Product Viewed", user: user, properties: ["product_id": round % 2 == 0 ? "runner" : "jacket"])
                    }, site: h.site)
                }
            }
            group.addTask {
                for _ in 0..<30 { try await h.engine.checkpoint() }
            }
            try await group.waitForAll()
        }
        try await h.engine.checkpoint()
        let reopened = Engine(store: try SQLiteStore(directory: directory), clock: clock.function, logger: Logger(label: "test"))
        for user in people {
            let live = try #require(try await h.profile(user))
            let restored = try #require(try await reopened.profile(user, site: h.site))
            #expect(restored.profile == live.profile, "\(user)")
        }
    }
}
