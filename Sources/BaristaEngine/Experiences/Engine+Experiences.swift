import BaristaCore
import BaristaModels
import Foundation
import Logging

extension Engine {
    /// The kind experiences are stored under.
    static let experienceKind = "experience"

    /// Creates an experience; throws ``BaristaError/conflict(_:)`` when the key is taken and 422
    /// when its audience names a segment that does not exist.
    public func createExperience(_ experience: Experience, site: SiteID) async throws -> Experience {
        try await putExperience(experience, site: site, replacing: false).experience
    }

    /// Creates or replaces an experience (keeping its `created_at`); returns it and whether it was new.
    public func replaceExperience(_ experience: Experience, site: SiteID) async throws -> (experience: Experience, created: Bool) {
        try await putExperience(experience, site: site, replacing: true)
    }

    /// Sets an experience's status (`start` → running, `pause` → paused); nil when there is none.
    public func setExperienceStatus(_ key: String, to status: Experience.Status, site: SiteID) async throws -> Experience? {
        guard var experience = try await runtime(site).state.withLock({ $0.experiences.experiences[key] }) else { return nil }
        experience.status = status
        experience.updatedAt = now()
        return try await putExperience(experience, site: site, replacing: true).experience
    }

    private func putExperience(_ experience: Experience, site: SiteID, replacing: Bool) async throws -> (experience: Experience, created: Bool) {
        let runtime = try await runtime(site)
        var experience = experience
        let existing = try runtime.state.withLock { state -> Experience? in
            let existing = state.experiences.experiences[experience.key]
            if existing != nil, !replacing { throw BaristaError.conflict("an experience has the key \(experience.key)") }
            if let segment = experience.audienceSegment, state.segments.definitions[segment] == nil {
                throw BaristaError.invalid("/audience/segment", "names segment \(segment), which does not exist")
            }
            return existing
        }
        if let existing { experience.createdAt = existing.createdAt }
        try await store.saveDefinition(
            StoredDefinition(kind: Self.experienceKind, key: experience.key, body: JSON.string(experience.json), createdAt: experience.createdAt,
                updatedAt: experience.updatedAt),
            site: site)
        runtime.state.withLock { $0.experiences.put(experience) }
        await announceDefinitions(Self.experienceKind, keys: [experience.key], site: site)
        logger.info("experience saved", metadata: ["site.id": "\(site)", "experience": "\(experience.key)", "status": "\(experience.status.rawValue)"])
        return (experience, existing == nil)
    }

    /// Every experience, in key order.
    public func experiences(site: SiteID) async throws -> [Experience] {
        try await runtime(site).state.withLock { state in state.experiences.experiences.values.sorted { $0.key < $1.key } }
    }

    /// One experience, or nil.
    public func experience(_ key: String, site: SiteID) async throws -> Experience? {
        try await runtime(site).state.withLock { $0.experiences.experiences[key] }
    }

    /// Every decision of a site (or of one experience), oldest first, with whether a conversion was attributed to it.
    public func decisionLog(site: SiteID, experience: String? = nil) async throws -> [(decision: Decision, converted: Bool)] {
        _ = try await runtime(site)
        try await flushDecisionLog()
        return try await store.decisions(site: site, since: .distantPast).filter { experience == nil || $0.decision.experience == experience }
    }

    /// Writes buffered decisions and conversions of every loaded site; on failure they stay buffered.
    public func flushDecisionLog() async throws {
        for runtime in await directory.all {
            let (decisions, conversions) = runtime.state.withLock { state in
                defer {
                    state.experiences.pendingDecisions.removeAll()
                    state.experiences.pendingConversions.removeAll()
                }
                return (state.experiences.pendingDecisions, state.experiences.pendingConversions)
            }
            if cluster != nil, !decisions.isEmpty {
                // Written before they can be read back, so this node never counts them twice.
                runtime.follow.withLock { $0.ownDecisions.formUnion(decisions.map(\.id)) }
            }
            do {
                try await store.recordDecisions(decisions, site: runtime.id)
            } catch {
                runtime.state.withLock { state in
                    state.experiences.pendingDecisions.insert(contentsOf: decisions, at: 0)
                    state.experiences.pendingConversions.insert(contentsOf: conversions, at: 0)
                }
                throw error
            }
            do {
                try await store.recordConversions(conversions, site: runtime.id)
            } catch {
                runtime.state.withLock { $0.experiences.pendingConversions.insert(contentsOf: conversions, at: 0) }
                throw error
            }
        }
    }

    /// The kind a contextual bandit's state is stored under (keyed by its experience).
    static let banditKind = "bandit"

    /// Saves the state of every contextual bandit that learned since its last save (base64 of its
    /// bytes in the definitions table). A crash loses what it learned since: at most the live-model
    /// checkpoint interval.
    public func checkpointBandits() async throws {
        for runtime in await directory.all {
            let changed = runtime.state.withLock { state -> [(String, [UInt8])] in
                defer { state.experiences.changedBandits.removeAll() }
                return state.experiences.changedBandits.sorted().compactMap { key in state.experiences.contextual[key].map { (key, $0.serialized()) } }
            }
            let now = now()
            for (key, bytes) in changed {
                try await store.saveDefinition(
                    StoredDefinition(kind: Self.banditKind, key: key, body: JSON.string(["bytes": .string(Data(bytes).base64EncodedString())]),
                        createdAt: now, updatedAt: now),
                    site: runtime.id)
            }
        }
    }

    /// Reads a site's experiences at load, their arms' totals, and the exposures still inside a goal window.
    static func loadExperiences(into state: inout SiteState, store: any BaristaStore, logger: Logger) async throws {
        let stored = try await store.definitions(kind: experienceKind, site: state.site.id)
        guard !stored.isEmpty else { return }
        for entry in stored {
            do {
                var experience = try Experience.parse(try JSON.parse(entry.body), now: entry.updatedAt).mapError { BaristaError.invalid($0.errors) }.get()
                experience.createdAt = entry.createdAt
                state.experiences.put(experience)
            } catch {
                logger.error("stored experience unreadable: skipped", metadata: ["site.id": "\(state.site.id)", "experience": "\(entry.key)", "error": "\(error)"])
            }
        }
        for experience in state.experiences.experiences.values {
            for totals in try await store.armTotals(experience: experience.key, site: state.site.id, from: .distantPast, to: .distantFuture)
            where totals.arm != "control" {
                state.experiences.arms[experience.key, default: [:]][totals.arm] = ExperienceIndex.ArmCounts(
                    exposures: totals.exposures, conversions: totals.conversions)
            }
        }
        for entry in try await store.definitions(kind: banditKind, site: state.site.id) {
            guard let experience = state.experiences.experiences[entry.key], case .contextualBandit = experience.allocation,
                let text = (try? JSON.parse(entry.body))?["bytes"]?.stringValue, let data = Data(base64Encoded: text)
            else { continue }
            do {
                let bandit = try LinearThompson(serialized: [UInt8](data))
                if bandit.armCount == experience.variants.count { state.experiences.contextual[entry.key] = bandit }
            } catch {
                logger.warning("stored bandit unreadable: starting it afresh", metadata: ["site.id": "\(state.site.id)", "experience": "\(entry.key)"])
            }
        }
        let since = state.clock().addingTimeInterval(-state.experiences.longestGoalWindow)
        for (decision, converted) in try await store.decisions(site: state.site.id, since: since) {
            let id = state.profiles[decision.profileID] != nil ? decision.profileID : state.identities.profile(.profile, decision.profileID.rawValue)
            guard let id else { continue }
            state.experiences.exposures[id, default: [:]][decision.experience] = ExperienceIndex.Exposure(
                decisionID: decision.id, variant: decision.variant, control: decision.control, holdout: decision.holdout, at: decision.at,
                converted: converted)
        }
    }
}
