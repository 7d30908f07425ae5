import BaristaCore
import Foundation

/// A site's live segments: their definitions, who is in each, the event tallies their conditions
/// read, and when each person's memberships may next change by the clock alone.
///
/// Membership is kept per person (the keys of their segments) with a size per segment: an event
/// re-evaluates the segments of its one person, never a scan of everyone. Windows expire through
/// ``timers``: each evaluation reports the earliest moment its answer may change (an order leaving
/// a 30-day window, a visit's intent lapsing), and the person is re-evaluated then.
struct SegmentIndex: Sendable {
    /// The definitions by key.
    private(set) var definitions: [String: SegmentDefinition] = [:]
    /// Keys in evaluation order: every segment after the segments it names.
    private(set) var order: [String] = []
    /// The definitions in evaluation order (what every event walks, without a lookup per key).
    private(set) var ordered: [SegmentDefinition] = []
    /// Each person's segments (people in none are absent).
    var memberships: [ProfileID: Set<String>] = [:]
    /// Members per segment.
    var sizes: [String: Int] = [:]
    /// Per signature (event name and summed property), each person's tally of those events.
    var tallies: [EventSignature: [ProfileID: EventTally]] = [:]
    /// The signatures kept per event name.
    private(set) var signatures: [String: [EventSignature]] = [:]
    /// Per signature, the longest window a rule reads (0 when only all-time totals are read):
    /// entries older than that are pruned.
    private(set) var keep: [EventSignature: TimeInterval] = [:]
    /// When each person must be re-evaluated.
    var timers = TimerQueue()

    /// Whether there is nothing to maintain: no segment, and no tally being built for one.
    var isEmpty: Bool { definitions.isEmpty && tallies.isEmpty }

    /// Adds or replaces a definition and recomputes the evaluation order; the caller re-evaluates.
    mutating func put(_ definition: SegmentDefinition) {
        definitions[definition.key] = definition
        sizes[definition.key] = sizes[definition.key] ?? 0
        reindex()
    }

    /// Removes a definition and its members.
    mutating func remove(_ key: String) {
        definitions[key] = nil
        sizes[key] = nil
        for (profile, keys) in memberships where keys.contains(key) {
            var remaining = keys
            remaining.remove(key)
            memberships[profile] = remaining.isEmpty ? nil : remaining
        }
        reindex()
    }

    /// The signatures the definitions read that have no tally yet (to be built from the log).
    func missingSignatures(of rule: SegmentRule) -> Set<EventSignature> {
        rule.eventSignatures.filter { tallies[$0] == nil }
    }

    /// Signatures being built from the log for a segment not yet saved, with how many saves wait on each.
    private var building: [EventSignature: Int] = [:]

    /// Starts keeping tallies for `signature`: from now on every event of its name is recorded,
    /// until ``finishBuilding(_:)`` (when the segment that needs it is saved, or failed to be).
    mutating func track(_ signature: EventSignature) {
        building[signature, default: 0] += 1
        if tallies[signature] == nil { tallies[signature] = [:] }
        if !(signatures[signature.name]?.contains(signature) ?? false) { signatures[signature.name, default: []].append(signature) }
    }

    /// Ends the builds ``track(_:)`` started; tallies no definition reads are then dropped.
    mutating func finishBuilding(_ finished: Set<EventSignature>) {
        for signature in finished {
            let left = (building[signature] ?? 1) - 1
            building[signature] = left > 0 ? left : nil
        }
        reindex()
    }

    /// The keys that read `key` (directly or through others), `key` included, in evaluation order.
    func dependents(of keys: Set<String>) -> [String] {
        var affected = keys
        for key in order where !affected.contains(key) {
            if definitions[key]?.rule.referencedSegments.contains(where: affected.contains) == true { affected.insert(key) }
        }
        return order.filter(affected.contains)
    }

    /// The segments whose rules read predictions, with their dependents.
    var predictionSegments: [String] {
        dependents(of: Set(definitions.values.filter { $0.rule.readsPredictions }.map(\.key)))
    }

    /// Whether adding `definition` would make a segment name itself, directly or not; the cycle's keys if so.
    func cycle(adding definition: SegmentDefinition) -> [String]? {
        var graph = definitions.mapValues { $0.rule.referencedSegments }
        graph[definition.key] = definition.rule.referencedSegments
        var path: [String] = []
        var visiting: Set<String> = [], done: Set<String> = []
        func visit(_ key: String) -> Bool {
            if done.contains(key) { return false }
            if visiting.contains(key) { path.append(key); return true }
            visiting.insert(key)
            path.append(key)
            for next in (graph[key] ?? []).sorted() where visit(next) { return true }
            path.removeLast()
            visiting.remove(key)
            done.insert(key)
            return false
        }
        return visit(definition.key) ? path : nil
    }

    private mutating func reindex() {
        // Depth-first: a segment after everything it names (definitions never form a cycle).
        var sorted: [String] = [], placed: Set<String> = []
        func place(_ key: String) {
            guard !placed.contains(key), let definition = definitions[key] else { return }
            placed.insert(key)
            for reference in definition.rule.referencedSegments.sorted() { place(reference) }
            sorted.append(key)
        }
        for key in definitions.keys.sorted() { place(key) }
        order = sorted
        ordered = sorted.compactMap { definitions[$0] }
        var longest: [EventSignature: TimeInterval] = [:]
        for definition in definitions.values {
            for condition in definition.rule.eventConditions {
                longest[condition.signature] = max(longest[condition.signature] ?? 0, condition.within ?? 0)
            }
        }
        keep = longest
        // Tallies no rule reads any more are dropped (unless a segment being saved is building them).
        for signature in tallies.keys where longest[signature] == nil && building[signature] == nil { tallies[signature] = nil }
        signatures = Dictionary(grouping: Set(longest.keys).union(building.keys), by: \.name)
    }
}

/// Tallies read from the log for previews of rules no segment uses yet, kept for the next preview
/// of the same rule (a marketer editing it): the two most recently used, with the log position they include.
struct PreviewTallies: Sendable {
    static let capacity = 2
    private var entries: [(signature: EventSignature, tallies: [ProfileID: EventTally], through: Int64)] = []

    /// The kept tallies of `signature`, if any.
    func entry(_ signature: EventSignature) -> (tallies: [ProfileID: EventTally], through: Int64)? {
        entries.first { $0.signature == signature }.map { ($0.tallies, $0.through) }
    }

    /// Keeps `tallies` as the newest entry, forgetting the least recently used beyond ``capacity``.
    mutating func keep(_ signature: EventSignature, tallies: [ProfileID: EventTally], through: Int64) {
        entries.removeAll { $0.signature == signature }
        entries.append((signature, tallies, through))
        if entries.count > Self.capacity { entries.removeFirst(entries.count - Self.capacity) }
    }

    /// Forgets everything (an erasure: kept tallies may name the erased person).
    mutating func removeAll() { entries.removeAll() }
}

extension SegmentRule {
    /// Whether any leaf reads a prediction.
    var readsPredictions: Bool {
        if case .prediction = self { return true }
        return children.contains { $0.readsPredictions }
    }
}

/// One person's facts as a segment rule reads them, at one moment.
///
/// What costs more than a lookup (taste shares, predictions) is worked out once per evaluation
/// pass, on first use, in ``Memo``: fifty segments read them on every event.
struct ProfileFacts: SegmentFacts {
    let profile: Profile
    let now: Date
    let settings: SiteSettings
    let models: ProfileModels?
    /// The person's segments as known so far in this evaluation.
    var memberOf: Set<String>
    /// The person's tallies by signature.
    let tallies: [EventSignature: EventTally]
    /// The site's rewards programme, which `rewards` leaves read the person's standing under.
    var rewardsProgram: RewardsProgram?
    private let memo = Memo()

    /// Values worked out on first use within one evaluation pass.
    private final class Memo {
        var halfLife: Double?
        var totals: [AffinityDimension: (total: Double, newest: Date)] = [:]
        var predictions: ProfilePredictions?
        var rewards: RewardsStatus?
    }

    init(profile: Profile, now: Date, settings: SiteSettings, models: ProfileModels?, memberOf: Set<String>, tallies: [EventSignature: EventTally]) {
        self.profile = profile
        self.now = now
        self.settings = settings
        self.models = models
        self.memberOf = memberOf
        self.tallies = tallies
    }

    func trait(_ path: [String]) -> JSONValue? {
        guard let first = path.first, var value = profile.traits[first] else { return nil }
        for key in path.dropFirst() {
            guard let next = value[key] else { return nil }
            value = next
        }
        return value
    }

    func tally(_ condition: EventCondition) -> EventTally.Window {
        tallies[condition.signature]?.window(condition.within, now: now) ?? .empty
    }

    func affinityShare(_ dimension: AffinityDimension, _ value: String) -> Double {
        guard let weights = profile.affinities.weights[dimension], !weights.isEmpty else { return 0 }
        // Shares do not change as time passes (every weight decays alike), so they are computed
        // against the newest weight's time, which keeps the powers of two in range. The total is
        // worked out once a pass; a value is matched exactly first, then ignoring case.
        let halfLife = memo.halfLife ?? settings.halfLifeSeconds
        memo.halfLife = halfLife
        let (total, newest): (Double, Date)
        if let known = memo.totals[dimension] {
            (total, newest) = known
        } else {
            let latest = weights.values.lazy.map(\.at).max()!
            total = weights.values.reduce(0) { $0 + $1.weight * exp2(-latest.timeIntervalSince($1.at) / halfLife) }
            newest = latest
            memo.totals[dimension] = (total, newest)
        }
        guard total > 0 else { return 0 }
        func decayed(_ weight: Affinities.Weight) -> Double { weight.weight * exp2(-newest.timeIntervalSince(weight.at) / halfLife) }
        if let exact = weights[value] { return decayed(exact) / total }
        var matched = 0.0
        for (name, weight) in weights where Self.sameIgnoringCase(name, value) { matched += decayed(weight) }
        return matched / total
    }

    /// Whether two values are equal ignoring case: bytes compared with ASCII folding (most values
    /// differ in length and are rejected at once), lowercased comparison when either is not ASCII.
    static func sameIgnoringCase(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        for (x, y) in zip(a.utf8, b.utf8) {
            if x >= 0x80 || y >= 0x80 { return a.lowercased() == b.lowercased() }
            let fx = (x >= 65 && x <= 90) ? x + 32 : x, fy = (y >= 65 && y <= 90) ? y + 32 : y
            if fx != fy { return false }
        }
        return true
    }

    func prediction(_ name: PredictionName) -> Double? {
        if memo.predictions == nil { memo.predictions = models?.predictions(for: profile, now: now) ?? ProfilePredictions() }
        return memo.predictions?[name.rawValue]
    }

    func consent(_ purpose: String) -> Bool {
        let resolved = profile.consent.resolved(with: settings.defaultConsent)
        switch purpose {
        case "personalization": return resolved.personalization ?? true
        case "email": return resolved.email ?? false
        case "analytics": return resolved.analytics ?? true
        default: return false
        }
    }

    var intent: (value: String, changesAt: Date?) {
        let state = profile.intentState(at: now)
        return (state.intent, state.lapsesAt)
    }

    var channels: [String] { profile.channels }

    func geo(_ field: GeoField) -> String? {
        let address = profile.traits["address"]
        func text(_ value: JSONValue?) -> String? { value?.stringValue.flatMap { $0.isEmpty ? nil : $0 } }
        switch field {
        case .country: return text(address?["country"]) ?? text(profile.traits["country"])
        case .region: return text(address?["region"]) ?? text(address?["state"]) ?? text(profile.traits["region"]) ?? text(profile.traits["state"])
        case .city: return text(address?["city"]) ?? text(profile.traits["city"])
        }
    }

    func isMember(of segment: String) -> Bool { memberOf.contains(segment) }

    var rewards: RewardsStatus? {
        if let known = memo.rewards { return known }
        let status = RewardsStatus(ledger: profile.rewards, program: rewardsProgram, now: now)
        memo.rewards = status
        return status
    }
}
