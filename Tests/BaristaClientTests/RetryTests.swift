import BaristaClient
import Foundation
import Testing

/// Failures a live server seldom produces on demand, against a scripted `POST /v1/events`.
struct RetryTests {
    @Test func throttlingAndServerErrorsAreRetriedWithTheSameBatch() async throws {
        let server = await ScriptedServer.start { attempt, events in
            switch attempt {
            case 1: .problem(429, headers: ["Retry-After": "0"])
            case 2: .problem(503)
            default: .accepted(events.count)
            }
        }
        let client = server.client()
        try await client.track("App Opened", userID: "u1")
        try await client.track("Screen Viewed", userID: "u1")

        let report = try await client.flush()

        #expect(report.accepted == 2)
        let batches = await server.batches
        #expect(batches.count == 3)
        // The same message ids each time, so the server can tell a retry from new events.
        #expect(Set(batches.map { $0 }).count == 1 && batches[0].count == 2)
        #expect(await client.queuedEvents.isEmpty)
        await server.stop()
    }

    @Test func retryAfterIsHonoured() async throws {
        let server = await ScriptedServer.start { attempt, events in
            attempt == 1 ? .problem(429, headers: ["Retry-After": "1"]) : .accepted(events.count)
        }
        let client = server.client { $0.maxBackoff = .seconds(5) }
        try await client.track("App Opened", userID: "u1")
        let start = ContinuousClock.now

        try await client.flush()

        #expect(ContinuousClock.now - start >= .milliseconds(900))
        await server.stop()
    }

    @Test func aClientErrorIsNotRetriedAndTheEventsStay() async throws {
        let server = await ScriptedServer.start { _, _ in .problem(401) }
        let client = server.client()
        try await client.track("App Opened", userID: "u1")

        await #expect {
            try await client.flush()
        } throws: { error in
            guard let error = error as? BaristaClientError else { return false }
            return error.status == 401 && error.problem?.detail == "scripted failure" && !error.isTransient
        }
        #expect(await server.batches.count == 1)
        #expect(await client.queuedEvents.count == 1)
        await server.stop()
    }

    @Test func aBatchTooLargeForTheServerIsSplit() async throws {
        let server = await ScriptedServer.start { _, events in
            events.count > 1 ? .problem(413) : .accepted(events.count)
        }
        let client = server.client()
        for step in 1...3 { try await client.track("Step", properties: ["n": .number(Double(step))], userID: "u1") }

        let report = try await client.flush()

        #expect(report.accepted == 3)
        #expect(await server.batches.filter { $0.count == 1 }.count == 3)
        await server.stop()
    }

    @Test func batchesRespectTheCountAndByteLimits() async throws {
        let server = await ScriptedServer.start { _, events in .accepted(events.count) }
        let client = server.client {
            $0.batchSize = 4
            $0.maxBatchBytes = 2_000
        }
        for _ in 1...10 { try await client.track("Note", properties: ["text": .string(String(repeating: "x", count: 500))], userID: "u1") }

        let report = try await client.flush()

        #expect(report.accepted == 10)
        let bodies = await server.bodies
        #expect(bodies.allSatisfy { $0.count <= 2_000 })
        #expect(await server.batches.allSatisfy { (1...4).contains($0.count) })
        await server.stop()
    }

    @Test func theBackgroundFlushSendsWithoutBeingAsked() async throws {
        let server = await ScriptedServer.start { _, events in .accepted(events.count) }
        let client = server.client { $0.flushInterval = .milliseconds(50) }
        await client.startAutoFlush()
        try await client.track("App Opened", userID: "u1")

        var waited = 0
        while await !client.queuedEvents.isEmpty, waited < 100 {
            try await Task.sleep(for: .milliseconds(50))
            waited += 1
        }
        await client.stopAutoFlush()

        #expect(await client.queuedEvents.isEmpty)
        #expect(await server.batches.count == 1)
        await server.stop()
    }
}
