import BaristaClient
import Foundation
import Synchronization
import Testing

struct EventsTests {
    @Test func eventsAreBatchedFlushedAndShowInTheProfile() async throws {
        let server = try await LiveBarista.start()
        defer { Task { await server.stop() } }
        // Given an app client sending batches of two
        let app = server.client { $0.batchSize = 2 }
        try await app.identify(userID: "u42", traits: ["name": "Ada", "address": ["city": "London"]])
        var sent: [String] = []
        var lastTimestamp = Date.distantPast
        for sku in ["sku-1", "sku-2", "sku-3", "sku-4"] {
            let event = try await app.track("Product Viewed", properties: ["product_id": .string(sku)])
            sent.append(event.messageID)
            lastTimestamp = event.timestamp
        }
        #expect(await app.queuedEvents.count == 5)

        // When it flushes
        let report = try await app.flush()

        // Then every event is accepted once, the queue is empty, and the profile shows them
        #expect(report.accepted == 5 && report.duplicates == 0 && report.rejected.isEmpty)
        #expect(await app.queuedEvents.isEmpty)
        let backend = server.client(key: server.secretKey, role: .server)
        let profile = try await backend.profile(id: "u42")
        #expect(profile.userIDs == ["u42"])
        #expect(profile.anonymousIDs == [await app.anonymousID])
        #expect(profile.traits["name"] == "Ada")
        #expect(Set(profile.recentlyViewed) == ["sku-1", "sku-2", "sku-3", "sku-4"])
        let export = try await backend.exportProfile(id: "u42")
        #expect(Set(sent).isSubset(of: Set(export.messageIDs)))
        // Each event keeps the time of the call, to the millisecond.
        let lastEvent = try #require(export.events.first { $0["message_id"]?.stringValue == sent.last })
        let stamped = try #require(lastEvent["timestamp"]?.stringValue)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let recorded = try #require(formatter.date(from: stamped) ?? ISO8601DateFormatter().date(from: stamped))
        #expect(abs(recorded.timeIntervalSince(lastTimestamp)) < 0.002)
    }

    @Test func aRejectedEventIsReportedWithItsPointerAndTheOthersAreKept() async throws {
        let server = try await LiveBarista.start()
        defer { Task { await server.stop() } }
        let seen = Mutex<[RejectedEvent]>([])
        let app = server.client { $0.onRejected = { rejected in seen.withLock { $0 += rejected } } }
        try await app.track("Product Viewed", properties: ["product_id": "sku-1"], userID: "u1")
        let bad = try await app.track("Product Viewed", properties: ["price": 3], userID: "u1")
        try await app.track("Signed Up", userID: "u1")

        let report = try await app.flush()

        #expect(report.accepted == 2)
        let rejected = try #require(report.rejected.first)
        #expect(report.rejected.count == 1)
        #expect(rejected.event.messageID == bad.messageID)
        #expect(rejected.errors.map(\.field) == ["/batch/1/properties/product_id"])
        #expect(seen.withLock { $0 } == report.rejected)
        // Nothing is left to send: the rejected event is not retried.
        #expect(await app.queuedEvents.isEmpty)
        #expect(try await app.flush() == FlushReport())
    }

    @Test func aPersistedQueueSurvivesARelaunchAndIsSentOnce() async throws {
        let server = try await LiveBarista.start()
        defer { Task { await server.stop() } }
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }

        // Given an app that recorded three events and quit before flushing
        let first = server.client { $0.storageDirectory = directory }
        var sent: [String] = []
        for step in 1...3 {
            sent.append(try await first.track("Onboarding Step", properties: ["step": .number(Double(step))]).messageID)
        }
        let anonymousID = await first.anonymousID

        // When it is launched again
        let second = server.client { $0.storageDirectory = directory }

        // Then the same events, with the same ids, are still queued and sent once
        #expect(await second.anonymousID == anonymousID)
        #expect(await second.queuedEvents.map(\.messageID) == sent)
        let report = try await second.flush()
        #expect(report.accepted == 3 && report.duplicates == 0)
        #expect(await server.client { $0.storageDirectory = directory }.queuedEvents.isEmpty)
        let export = try await server.client(key: server.secretKey, role: .server).exportProfile(id: anonymousID, by: .anonymousID)
        #expect(export.messageIDs.filter(sent.contains).sorted() == sent.sorted())
    }

    @Test func eventsSentAgainAfterACrashAreCountedAsDuplicates() async throws {
        let server = try await LiveBarista.start()
        defer { Task { await server.stop() } }
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let queueFile = directory.appendingPathComponent("barista-queue.jsonl")

        // Given a batch the server stored, but whose answer the app never saw (it crashed first)
        let first = server.client { $0.storageDirectory = directory }
        for step in 1...3 { try await first.track("Onboarding Step", properties: ["step": .number(Double(step))]) }
        let beforeCrash = try Data(contentsOf: queueFile)
        #expect(try await first.flush().accepted == 3)
        try beforeCrash.write(to: queueFile)

        // When the relaunched app sends it again
        let report = try await server.client { $0.storageDirectory = directory }.flush()

        // Then nothing is stored twice
        #expect(report.accepted == 0 && report.duplicates == 3)
    }

    @Test func aFlushRetriesUntilTheServerComesUp() async throws {
        // Given a port where no server listens yet
        let probe = try await LiveBarista.start()
        await probe.stop()
        let app = probe.client {
            $0.maxAttempts = 1
        }
        try await app.track("App Opened", userID: "u7")

        // A flush that gives up after one attempt fails as a transport error and keeps the event
        await #expect {
            try await app.flush()
        } throws: { error in
            guard let error = error as? BaristaClientError, case .transport = error else { return false }
            return error.isTransient
        }
        #expect(await app.queuedEvents.count == 1)

        // When a patient client flushes and the server comes up meanwhile
        let patient = probe.client {
            $0.maxAttempts = 100
            $0.maxBackoff = .milliseconds(50)
        }
        try await patient.track("App Opened", userID: "u7")
        let flush = Task { try await patient.flush() }
        try await Task.sleep(for: .milliseconds(300))
        let server = try await LiveBarista.start(port: probe.port, reusing: probe)
        defer { Task { await server.stop() } }

        // Then the event is delivered
        let report = try await flush.value
        #expect(report.accepted == 1)
        #expect(try await app.flush().accepted == 1)
    }

    @Test func aServerClientRefusesAnEventThatNamesNoOne() async throws {
        let client = BaristaClient(host: URL(string: "http://127.0.0.1:9")!, key: "sk_test", role: .server)
        await #expect(throws: BaristaClientError.self) {
            try await client.track("Order Completed")
        }
        #expect(await client.queuedEvents.isEmpty)
    }
}
