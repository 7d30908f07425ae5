import BaristaCore
import Foundation

extension SiteState {
    /// Folds one applied event into the segment tallies and re-evaluates its person's segments
    /// (and moves what a merged-away profile had to the survivor).
    mutating func observeSegments(_ event: Event, profile id: ProfileID, merged loser: ProfileID?) {
        guard !segments.isEmpty else { return }
        if let loser, loser != id {
            for signature in Array(segments.tallies.keys) {
                guard let theirs = segments.tallies[signature]?.removeValue(forKey: loser) else { continue }
                segments.tallies[signature]?[id, default: EventTally()].merge(theirs)
            }
            forgetSegments(of: loser)
        }
        let now = clock()
        if event.kind == .track, let name = event.name, let signatures = segments.signatures[name] {
            for signature in signatures {
                let value = signature.sumProperty.map { event.numericValue(of: $0) ?? 0 } ?? 1
                segments.tallies[signature]?[id, default: EventTally()].record(at: event.timestamp, value: value)
                // A day's margin: events may be timestamped up to a day ahead of the clock. A tally
                // still being built for a new segment has no window yet and keeps everything.
                if let keep = segments.keep[signature] {
                    segments.tallies[signature]?[id]?.prune(before: now.addingTimeInterval(-keep - 86_400))
                }
            }
        }
        evaluateSegments(of: id, keys: segments.order, now: now)
    }

    /// Re-evaluates `keys` (in evaluation order) for one person, updates their memberships and
    /// sizes, and schedules their next re-evaluation.
    mutating func evaluateSegments(of id: ProfileID, keys: [String], now: Date) {
        guard let profile = profiles[id] else {
            forgetSegments(of: id)
            return
        }
        let before = segments.memberships[id] ?? []
        var facts = ProfileFacts(profile: profile, now: now, settings: site.settings, models: profileModels, memberOf: before, tallies: talliesOf(id))
        facts.rewardsProgram = rewards.program
        var next: Date?
        func evaluate(_ definition: SegmentDefinition) {
            let result = definition.rule.evaluate(facts)
            if result.matched != facts.memberOf.contains(definition.key) {
                if result.matched { facts.memberOf.insert(definition.key) } else { facts.memberOf.remove(definition.key) }
            }
            if let change = result.nextChange, change > now { next = next.map { min($0, change) } ?? change }
        }
        if keys.count == segments.order.count {
            for definition in segments.ordered { evaluate(definition) }
        } else {
            for key in keys { if let definition = segments.definitions[key] { evaluate(definition) } }
        }
        let after = facts.memberOf
        if after != before {
            for key in after.subtracting(before) { segments.sizes[key, default: 0] += 1 }
            for key in before.subtracting(after) { segments.sizes[key, default: 0] -= 1 }
            segments.memberships[id] = after.isEmpty ? nil : after
        }
        // Only a full pass knows every time-dependent answer of the person.
        if keys.count == segments.order.count {
            segments.timers.schedule(id, at: next)
        } else if let next, next < segments.timers.due[id].map({ Date(timeIntervalSince1970: $0) }) ?? .distantFuture {
            segments.timers.schedule(id, at: next)
        }
    }

    /// The person's tallies of every kept signature.
    func talliesOf(_ id: ProfileID) -> [EventSignature: EventTally] {
        var result: [EventSignature: EventTally] = [:]
        for (signature, byProfile) in segments.tallies {
            if let tally = byProfile[id] { result[signature] = tally }
        }
        return result
    }

    /// Re-evaluates everyone for `keys` in one step (at load, before the site serves).
    mutating func reevaluateEveryone(_ keys: [String], now: Date) {
        guard !keys.isEmpty else { return }
        for id in Array(profiles.keys) { evaluateSegments(of: id, keys: keys, now: now) }
    }

    /// Re-evaluates the people whose windows or intent may have changed by `now`; returns how many.
    @discardableResult
    mutating func expireSegmentWindows(now: Date) -> Int {
        let due = segments.timers.popDue(now)
        for id in due { evaluateSegments(of: id, keys: segments.order, now: now) }
        return due.count
    }

    /// Drops a person from every segment, tally and timer (erased or merged away).
    mutating func forgetSegments(of id: ProfileID) {
        previewTallies.removeAll()
        if let keys = segments.memberships.removeValue(forKey: id) {
            for key in keys { segments.sizes[key, default: 0] -= 1 }
        }
        for signature in Array(segments.tallies.keys) { segments.tallies[signature]?[id] = nil }
        segments.timers.schedule(id, at: nil)
    }

    /// `segments` of a profile: its segments' keys in key order.
    func segmentKeys(of id: ProfileID) -> [String] {
        (segments.memberships[id] ?? []).sorted()
    }

    /// `persona` of a profile: its persona segment of the highest priority (then the smallest key).
    func persona(of id: ProfileID) -> String? {
        guard let keys = segments.memberships[id] else { return nil }
        return keys.compactMap { segments.definitions[$0] }.filter(\.persona)
            .max { ($0.priority, $1.key) < ($1.priority, $0.key) }?.key
    }
}
