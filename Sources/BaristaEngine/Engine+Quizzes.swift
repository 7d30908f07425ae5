import BaristaCore
import Foundation

extension Engine {
    /// The kind quizzes are stored under.
    static let quizKind = "quiz"

    /// Creates or replaces a quiz; returns whether it was new.
    public func saveQuiz(_ quiz: Quiz, site: SiteID) async throws -> Bool {
        _ = try await runtime(site)
        let now = now()
        let existing = try await store.definitions(kind: Self.quizKind, site: site).first { $0.key == quiz.key }
        try await store.saveDefinition(
            StoredDefinition(kind: Self.quizKind, key: quiz.key, body: JSON.string(quiz.json), createdAt: existing?.createdAt ?? now, updatedAt: now),
            site: site)
        return existing == nil
    }

    /// Every quiz of a site, in key order.
    public func quizzes(site: SiteID) async throws -> [Quiz] {
        try await store.definitions(kind: Self.quizKind, site: site).compactMap { try? Self.quiz($0) }
    }

    /// The quiz named `key`, or nil.
    public func quiz(_ key: String, site: SiteID) async throws -> Quiz? {
        guard let stored = try await store.definitions(kind: Self.quizKind, site: site).first(where: { $0.key == key }) else { return nil }
        return try Self.quiz(stored)
    }

    /// Deletes a quiz; returns whether it existed. Answers already given stay in the profiles.
    public func deleteQuiz(_ key: String, site: SiteID) async throws -> Bool {
        try await store.deleteDefinition(kind: Self.quizKind, key: key, site: site)
    }

    /// Records a person's answers: a `Quiz Answered` event (the answers in its properties, the
    /// traits they set) and, when the answers set preferences, a preferences change, both through
    /// the log, so the very next recommendation follows them. Returns the profile afterwards.
    public func recordQuizResponse(_ response: QuizResponse, quiz: Quiz, site: SiteID) async throws -> ProfileSnapshot {
        let runtime = try await runtime(site)
        let time = now()
        let token = RandomID.string(length: 24)
        var items = [IngestItem(event: Event(
            kind: .track, name: EventName.quizAnswered, userID: response.user.userID, anonymousID: response.user.anonymousID,
            messageID: "quiz-" + token, timestamp: time, receivedAt: time,
            properties: ["quiz": .string(quiz.key), "answers": response.answersJSON], traits: response.traits,
            context: ["channel": "api"]), fixedProfile: nil)]
        if response.preferences != Preferences() {
            items.append(IngestItem(event: Event(
                kind: .preferences, userID: response.user.userID, anonymousID: response.user.anonymousID, messageID: "preferences-" + token,
                timestamp: time, receivedAt: time, properties: response.preferences.json.objectValue ?? [:], context: ["channel": "api"]),
                fixedProfile: nil))
        }
        let results = try await ingest(items, runtime: runtime)
        let profileID = results.last!.profileID
        guard let snapshot = runtime.state.withLock({ $0.snapshot(profileID, now: now()) }) else {
            throw BaristaError.notFound("the profile was erased meanwhile")
        }
        return snapshot
    }

    static func quiz(_ stored: StoredDefinition) throws -> Quiz {
        let value = try JSON.parse(stored.body)
        return try Quiz.parse(value).mapError { BaristaError.invalid($0.errors) }.get()
    }
}
