import BaristaClient
import Foundation
import Testing

struct ProfilesTests {
    @Test func aServerReadsSetsExportsAndErasesAProfileWithTheSecretKey() async throws {
        let server = try await LiveBarista.start()
        defer { Task { await server.stop() } }
        let backend = server.client(key: server.secretKey, role: .server)
        let event = try await backend.track("Product Viewed", properties: ["product_id": "sku 1/2"], userID: "ada lovelace")
        try await backend.flush()

        let consent = try await backend.setConsent(Consent(email: true), for: "ada lovelace")
        #expect(consent.email == true && consent.personalization == true)
        let preferences = try await backend.setPreferences(Preferences(brands: ["Acme"], emailFrequencyPerWeek: 2), for: "ada lovelace")
        #expect(preferences.brands == ["Acme"] && preferences.emailFrequencyPerWeek == 2)

        let profile = try await backend.profile(id: "ada lovelace", by: .userID)
        #expect(profile.userIDs == ["ada lovelace"])
        #expect(profile.consent.email == true)
        #expect(profile.preferences.brands == ["Acme"])
        #expect(profile.recentlyViewed == ["sku 1/2"])
        #expect(profile.raw["profile_id"]?.stringValue == profile.profileID)
        #expect(profile.lastSeen != nil)

        let export = try await backend.exportProfile(id: profile.profileID)
        #expect(export.profile.profileID == profile.profileID)
        #expect(export.messageIDs.contains(event.messageID))

        let receipt = try await backend.deleteProfile(id: "ada lovelace")
        #expect(receipt.profileID == profile.profileID && receipt.eventsDeleted >= 1)
        await #expect {
            try await backend.profile(id: "ada lovelace")
        } throws: { error in
            (error as? BaristaClientError)?.status == 404
        }
    }

    @Test func aPublishableKeyGetsATyped403OnProfileReads() async throws {
        let server = try await LiveBarista.start()
        defer { Task { await server.stop() } }
        let app = server.client()
        do {
            _ = try await app.profile(id: "u1")
            Issue.record("a publishable key read a profile")
        } catch let error as BaristaClientError {
            #expect(error.status == 403)
            #expect(error.problem?.status == 403)
            #expect(error.problem?.detail?.isEmpty == false)
        }
    }
}
