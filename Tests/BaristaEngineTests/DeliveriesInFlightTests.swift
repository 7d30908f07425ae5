import BaristaCore
import Foundation
import Testing

@testable import BaristaEngine

/// The claims that keep overlapping scheduler passes from sending a message twice.
struct DeliveriesInFlightTests {
    static func message(_ id: String, person: String) -> OutboxMessage {
        let at = Date(timeIntervalSince1970: 1_700_000_000)
        return OutboxMessage(
            id: id, trigger: "t", channel: "email", profileID: ProfileID(person), status: .retrying, dueAt: at, scheduledFor: at, items: [],
            attempts: 2, lastError: nil, body: nil, createdAt: at, updatedAt: at, deliveredAt: nil)
    }

    @Test func aReadThatAReleaseOvertookCannotClaim() {
        let inFlight = DeliveriesInFlight()
        let site = SiteID("site")
        let readAt = inFlight.releases
        let first = inFlight.claim([Self.message("m1", person: "p")], site: site, readAt: readAt)
        #expect(first?.count == 1)
        // A second read began before the first pass wrote m1's outcome and released it: it may
        // hold m1 as it stood before, so it must not claim it.
        let staleRead = inFlight.releases
        inFlight.release(first ?? [], site: site)
        #expect(inFlight.claim([Self.message("m1", person: "p")], site: site, readAt: staleRead) == nil)
        // A read made after the release claims again.
        #expect(inFlight.claim([Self.message("m1", person: "p")], site: site, readAt: inFlight.releases)?.count == 1)
    }
}
