import BaristaCore
import Foundation
import Logging

/// A segment as the API lists it: its definition and how many people are in it now.
public struct SegmentSummary: Sendable {
    /// The definition as written (with its times).
    public var definition: SegmentDefinition
    /// `size`: members now.
    public var size: Int

    /// The API form: the definition's fields plus `size`.
    public var json: JSONValue {
        guard case .object(var object) = definition.json else { return definition.json }
        object["size"] = .number(Double(size))
        return .object(object)
    }
}

extension Engine {
    /// The kind segments are stored under.
    static let segmentKind = "segment"

    /// Creates a segment and computes its members from every profile (its event conditions from
    /// the whole log). Throws ``BaristaError/conflict(_:)`` when the key is taken.
    public func createSegment(_ definition: SegmentDefinition, site: SiteID) async throws -> SegmentSummary {
        try await putSegment(definition, site: site, replacing: false).summary
    }

    /// Creates or replaces a segment (keeping its `created_at`); returns it and whether it was new.
    public func replaceSegment(_ definition: SegmentDefinition, site: SiteID) async throws -> (summary: SegmentSummary, created: Bool) {
        try await putSegment(definition, site: site, replacing: true)
    }

    private func putSegment(_ definition: SegmentDefinition, site: SiteID, replacing: Bool) async throws -> (summary: SegmentSummary, created: Bool) {
        let runtime = try await runtime(site)
        var definition = definition
        let existing = try runtime.state.withLock { state -> SegmentDefinition? in
            let existing = state.segments.definitions[definition.key]
            if existing != nil, !replacing { throw BaristaError.conflict("a segment has the key \(definition.key)") }
            try Self.checkReferences(of: definition, in: state.segments)
            return existing
        }
        if let existing { definition.createdAt = existing.createdAt }
        let stored = StoredDefinition(
            kind: Self.segmentKind, key: definition.key, body: JSON.string(definition.json), createdAt: definition.createdAt,
            updatedAt: definition.updatedAt)
        try await installSegment(definition, runtime: runtime) { [store] in try await store.saveDefinition(stored, site: site) }
        await announceDefinitions(Self.segmentKind, keys: [definition.key], site: site)
        let size = runtime.state.withLock { $0.segments.sizes[definition.key] ?? 0 }
        logger.info("segment saved", metadata: ["site.id": "\(site)", "segment": "\(definition.key)", "size": "\(size)"])
        return (SegmentSummary(definition: definition, size: size), existing == nil)
    }

    /// Puts a segment in force: tallies its new event conditions from the whole log (tracking
    /// them from this moment, so nothing folded meanwhile is missed), runs `save` (the store write,
    /// for a segment saved here), then computes everyone's membership.
    func installSegment(
        _ definition: SegmentDefinition, runtime: SiteRuntime, save: @Sendable () async throws -> Void = {}
    ) async throws {
        let (missing, through) = runtime.state.withLock { state -> (Set<EventSignature>, Int64) in
            let missing = state.segments.missingSignatures(of: definition.rule)
            for signature in missing { state.segments.track(signature) }
            return (missing, state.appliedSeq)
        }
        let built: [EventSignature: [ProfileID: EventTally]]
        do {
            built = try await buildTallies(missing, site: runtime.id, through: through)
            try await save()
        } catch {
            runtime.state.withLock { $0.segments.finishBuilding(missing) }
            throw error
        }
        let now = now()
        let (keys, people) = runtime.state.withLock { state -> ([String], [ProfileID]) in
            state.mergeTallies(built)
            state.segments.put(definition)
            state.segments.finishBuilding(missing)
            state.servingGeneration += 1
            return (state.segments.dependents(of: [definition.key]), Array(state.profiles.keys))
        }
        await Self.reevaluate(people, keys: keys, in: runtime, now: now)
    }

    /// Deletes a segment; throws ``BaristaError/conflict(_:)`` while another segment names it.
    /// Returns false when there was none.
    public func deleteSegment(_ key: String, site: SiteID) async throws -> Bool {
        let runtime = try await runtime(site)
        let exists = try runtime.state.withLock { state -> Bool in
            guard state.segments.definitions[key] != nil else { return false }
            let users = state.segments.definitions.values.filter { $0.key != key && $0.rule.referencedSegments.contains(key) }.map(\.key).sorted()
            if !users.isEmpty { throw BaristaError.conflict("segment \(key) is used by \(users.joined(separator: ", ")): change those first") }
            return true
        }
        guard exists else { return false }
        _ = try await store.deleteDefinition(kind: Self.segmentKind, key: key, site: site)
        runtime.state.withLock { state in
            state.segments.remove(key)
            state.servingGeneration += 1
        }
        await announceDefinitions(Self.segmentKind, keys: [key], site: site)
        return true
    }

    /// Every segment with its size, in key order.
    public func segments(site: SiteID) async throws -> [SegmentSummary] {
        try await runtime(site).state.withLock { state in
            state.segments.definitions.keys.sorted().map { key in
                SegmentSummary(definition: state.segments.definitions[key]!, size: state.segments.sizes[key] ?? 0)
            }
        }
    }

    /// One segment with its size, or nil.
    public func segment(_ key: String, site: SiteID) async throws -> SegmentSummary? {
        try await runtime(site).state.withLock { state in
            state.segments.definitions[key].map { SegmentSummary(definition: $0, size: state.segments.sizes[key] ?? 0) }
        }
    }

    /// How many people a rule would hold now, and a sample of them (the smallest profile ids),
    /// without saving anything. Runs over a copy-on-write view of the profiles, outside the lock;
    /// event conditions no segment tallies yet are read from the log first.
    public func previewSegment(_ rule: SegmentRule, site: SiteID, sampleSize: Int = 20) async throws -> (size: Int, sample: [ProfileID]) {
        let runtime = try await runtime(site)
        let probe = SegmentDefinition(key: "preview", rule: rule, createdAt: .distantPast, updatedAt: .distantPast)
        let (state, missing, through) = try runtime.state.withLock { state -> (SiteState, Set<EventSignature>, Int64) in
            for reference in rule.referencedSegments where state.segments.definitions[reference] == nil {
                throw BaristaError.invalid("/rule", "names segment \(reference), which does not exist")
            }
            return (state, state.segments.missingSignatures(of: probe.rule), state.appliedSeq)
        }
        var view = state
        if !missing.isEmpty {
            // A rule being edited is previewed again and again: tallies read for a preview are kept
            // (the last few), and the next preview reads only the log after them.
            var built: [EventSignature: [ProfileID: EventTally]] = [:]
            for signature in missing {
                if let cached = state.previewTallies.entry(signature) {
                    var tallies = cached.tallies
                    let newer = try await Self.scanTallies([signature], site: site, after: cached.through, through: through, store: store)
                    for (profile, tally) in newer[signature] ?? [:] { tallies[profile, default: EventTally()].merge(tally) }
                    built[signature] = tallies
                } else {
                    built[signature] = try await Self.scanTallies([signature], site: site, after: 0, through: through, store: store)[signature] ?? [:]
                }
            }
            runtime.state.withLock { state in
                for (signature, tallies) in built { state.previewTallies.keep(signature, tallies: tallies, through: through) }
            }
            for signature in missing { view.segments.track(signature) }
            view.mergeTallies(built)
        }
        let now = now()
        var size = 0
        var sample: [ProfileID] = []
        for (id, profile) in view.profiles {
            var facts = ProfileFacts(
                profile: profile, now: now, settings: view.site.settings, models: view.profileModels,
                memberOf: view.segments.memberships[id] ?? [], tallies: view.talliesOf(id))
            facts.rewardsProgram = view.rewards.program
            guard rule.evaluate(facts).matched else { continue }
            size += 1
            Self.keepSmallest(id, in: &sample, count: sampleSize)
        }
        return (size, sample)
    }

    /// A page of a segment's members in profile-id order after `cursor`; nil when there is no such segment.
    public func segmentMembers(_ key: String, site: SiteID, after cursor: String?, limit: Int) async throws -> (profiles: [ProfileSnapshot], next: String?)? {
        let runtime = try await runtime(site)
        let now = now()
        return runtime.state.withLock { state in
            guard state.segments.definitions[key] != nil else { return nil }
            var page: [ProfileID] = []
            for (id, keys) in state.segments.memberships where keys.contains(key) {
                if let cursor, id.rawValue <= cursor { continue }
                Self.keepSmallest(id, in: &page, count: limit + 1)
            }
            let more = page.count > limit
            let shown = page.prefix(limit).compactMap { state.snapshot($0, now: now) }
            return (shown, more ? shown.last?.profile.id.rawValue : nil)
        }
    }

    /// Re-evaluates, in every loaded site, the people whose segment windows or intent have lapsed
    /// by now. The checkpoint service calls it a few times a second; tests call it after moving
    /// their clock. Returns how many people were re-evaluated.
    @discardableResult
    public func expireSegmentWindows() async -> Int {
        let now = now()
        var total = 0
        for runtime in await directory.all {
            total += runtime.state.withLock { $0.expireSegmentWindows(now: now) }
        }
        return total
    }

    /// Reads the segments of a site at load: definitions, then their tallies from the log, then
    /// everyone's memberships.
    static func loadSegments(into state: inout SiteState, store: any BaristaStore, logger: Logger) async throws {
        let stored = try await store.definitions(kind: segmentKind, site: state.site.id)
        guard !stored.isEmpty else { return }
        var definitions: [SegmentDefinition] = []
        for entry in stored {
            do {
                let value = try JSON.parse(entry.body)
                var definition = try SegmentDefinition.parse(value, now: entry.updatedAt).mapError { BaristaError.invalid($0.errors) }.get()
                definition.createdAt = entry.createdAt
                definitions.append(definition)
            } catch {
                logger.error("stored segment unreadable: skipped", metadata: ["site.id": "\(state.site.id)", "segment": "\(entry.key)", "error": "\(error)"])
            }
        }
        var signatures: Set<EventSignature> = []
        for definition in definitions { signatures.formUnion(definition.rule.eventSignatures) }
        for signature in signatures { state.segments.track(signature) }
        let built = try await scanTallies(signatures, site: state.site.id, after: 0, through: state.appliedSeq, store: store)
        state.mergeTallies(built)
        for definition in definitions { state.segments.put(definition) }
        state.segments.finishBuilding(signatures)
        state.reevaluateEveryone(state.segments.order, now: state.clock())
    }

    /// The tallies of `signatures` from the whole log up to `through`, by the profile each event was stored under.
    func buildTallies(_ signatures: Set<EventSignature>, site: SiteID, through: Int64) async throws -> [EventSignature: [ProfileID: EventTally]] {
        try await Self.scanTallies(signatures, site: site, after: 0, through: through, store: store)
    }

    static func scanTallies(
        _ signatures: Set<EventSignature>, site: SiteID, after: Int64, through: Int64, store: any BaristaStore
    ) async throws -> [EventSignature: [ProfileID: EventTally]] {
        var tallies: [EventSignature: [ProfileID: EventTally]] = [:]
        for signature in signatures {
            var byProfile: [ProfileID: EventTally] = [:]
            var cursor = after
            while cursor < through {
                let page = try await store.eventOccurrences(
                    site: site, name: signature.name, sumProperty: signature.sumProperty, after: cursor, through: through, limit: 100_000)
                guard let last = page.last?.seq else { break }
                for occurrence in page {
                    let value = signature.sumProperty == nil ? 1 : occurrence.value ?? 0
                    byProfile[occurrence.profileID, default: EventTally()].record(at: occurrence.timestamp, value: value)
                }
                cursor = last
            }
            tallies[signature] = byProfile
        }
        return tallies
    }

    /// Throws 422 when the rule names a segment that does not exist, or would close a cycle.
    static func checkReferences(of definition: SegmentDefinition, in segments: SegmentIndex) throws {
        for reference in definition.rule.referencedSegments.sorted() where reference != definition.key && segments.definitions[reference] == nil {
            throw BaristaError.invalid("/rule", "names segment \(reference), which does not exist")
        }
        if let cycle = segments.cycle(adding: definition) {
            throw BaristaError.invalid("/rule", "would make segments name each other in a circle: \(cycle.joined(separator: " → "))")
        }
    }

    /// Re-evaluates `keys` for `people` a few thousand at a time, taking the site lock per chunk, so
    /// that ingestion goes on while a new segment fills (about 1.6 s for 100,000 people) or refit
    /// predictions move memberships. People whose events arrive meanwhile are evaluated by those
    /// events; people erased meanwhile are skipped.
    static func reevaluate(_ people: [ProfileID], keys: [String], in runtime: SiteRuntime, now: Date) async {
        guard !keys.isEmpty else { return }
        var start = 0
        while start < people.count {
            let chunk = people[start..<min(start + reevaluationChunk, people.count)]
            runtime.state.withLock { state in
                for id in chunk { state.evaluateSegments(of: id, keys: keys, now: now) }
            }
            start += reevaluationChunk
            await Task.yield()
        }
    }

    /// How many people one step of ``reevaluate(_:keys:in:now:)`` evaluates under the lock (~20 ms of work).
    static let reevaluationChunk = 2_000

    /// Keeps the `count` smallest ids seen, sorted.
    static func keepSmallest(_ id: ProfileID, in list: inout [ProfileID], count: Int) {
        guard count > 0 else { return }
        if list.count == count, let last = list.last, id >= last { return }
        let position = list.firstIndex { $0 > id } ?? list.endIndex
        list.insert(id, at: position)
        if list.count > count { list.removeLast() }
    }
}

extension SiteState {
    /// Adds tallies read from the log, each under the profile its events now belong to (merged-away
    /// profiles lead to their survivor; erased ones are dropped).
    mutating func mergeTallies(_ built: [EventSignature: [ProfileID: EventTally]]) {
        for (signature, byProfile) in built {
            guard segments.tallies[signature] != nil else { continue }
            for (stored, tally) in byProfile {
                let id = profiles[stored] != nil ? stored : identities.profile(.profile, stored.rawValue)
                guard let id, profiles[id] != nil else { continue }
                // Most people have no live entries yet: taking the read tally as is copies nothing.
                if segments.tallies[signature]?[id] == nil {
                    segments.tallies[signature]?[id] = tally
                } else {
                    segments.tallies[signature]?[id]?.merge(tally)
                }
            }
        }
    }
}
