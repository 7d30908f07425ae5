import BaristaCore
import Foundation

/// A site's triggers and what they are waiting for, kept with the live profiles.
///
/// Event-driven triggers are observed as each committed event is applied, so replaying the log
/// after a crash observes them again: the outbox changes they produce are idempotent (message ids
/// are derived from their causes), and those not yet written (``pending``) are written by the
/// scheduler's next pass, always before the profile checkpoint that would stop the replay short
/// of them.
struct TriggerIndex: Sendable {
    /// Every trigger, by key.
    var triggers: [String: Trigger] = [:]
    /// Outbox changes not yet written, in the order they happened.
    var pending: [OutboxChange] = []
    /// How far each person is through each sequence trigger: the next step and when the first matched.
    var progress: [ProgressKey: (step: Int, startedAt: Date)] = [:]
    /// When each person's next date message falls due, per date trigger.
    var dateTimers: [String: [ProfileID: (fire: Date, year: Int)]] = [:]
    /// The earliest time in ``dateTimers`` (the pass skips them until then).
    var earliestDateTimer = Date.distantFuture
    /// In-app messages waiting for the person's next decision of the `in_app` placement, oldest first.
    var inApp: [ProfileID: [OutboxMessage]] = [:]
    /// When the prediction conditions were last checked across everyone.
    var predictionsCheckedAt = Date.distantPast
    /// The prediction messages already scheduled in this process (`trigger|profile|cause`), so
    /// each check does not write them again.
    var predictionFired: Set<String> = []

    struct ProgressKey: Hashable, Sendable {
        var trigger: String
        var profile: ProfileID
    }

    /// The active triggers.
    var active: some Sequence<Trigger> { triggers.values.lazy.filter { $0.status == .active } }

    /// Whether a cancellation for `trigger` and `profile` is waiting to be written (the scheduler
    /// checks before sending a message it read from the store).
    func hasPendingCancel(trigger: String, profile: ProfileID) -> Bool {
        pending.contains { change in
            if case .cancel(let t, let p, _, _) = change { return (t == nil || t == trigger) && (p == nil || p == profile) }
            return false
        }
    }
}

extension SiteState {
    /// Observes one applied event for every active trigger: schedules, moves or cancels messages,
    /// and advances sequences. Called after the event is folded into the profile.
    mutating func observeTriggers(_ stored: StoredEvent, profile id: ProfileID) {
        guard !triggers.triggers.isEmpty else { return }
        let event = stored.event
        if let loser = stored.mergedProfileID, loser != id { mergeTriggers(from: loser, into: id) }
        guard let profile = profiles[id] else { return }
        let now = clock()
        for trigger in triggers.active {
            // Events received before a trigger existed never fire it (an import of last year's history, say).
            guard event.receivedAt >= trigger.createdAt else { continue }
            switch trigger.condition {
            case .event(let match, let cancel, let after, _):
                if let cancel, EventMatch.name(of: event) == cancel {
                    triggers.pending.append(.cancel(trigger: trigger.key, profile: id, reason: "\(cancel) arrived first", at: event.timestamp))
                }
                guard match.matches(event) else { continue }
                let due = event.timestamp.addingTimeInterval(after)
                guard due.addingTimeInterval(trigger.maxDelay) > now else { continue }
                if let cancel {
                    // One message per stretch between cancelling events; each repeat moves it later.
                    let cause = "episode-\(profile.eventCounts[cancel] ?? 0)"
                    let message = OutboxMessage(
                        id: OutboxMessage.id(trigger: trigger.key, profile: id, cause: cause), trigger: trigger.key,
                        channel: trigger.channel.rawValue, profileID: id, status: .scheduled, dueAt: due, items: Self.products(of: event),
                        createdAt: event.timestamp, updatedAt: now)
                    triggers.pending.append(.reschedule(message))
                } else {
                    schedule(trigger, profile: id, cause: event.messageID, due: due, items: Self.products(of: event))
                }
            case .sequence(let steps, let within, _):
                advance(trigger, steps: steps, within: within, event: event, profile: id)
            case .dateTrait(let trait, _):
                if event.traits[trait] != nil || event.traits["timezone"] != nil || event.kind == .identify {
                    setDateTimer(trigger, trait: trait, profile: profile, now: now)
                }
            case .prediction, .priceDrop:
                break
            }
        }
    }

    /// Queues a message of `trigger` for `profile`, unless its cause already scheduled one.
    mutating func schedule(_ trigger: Trigger, profile: ProfileID, cause: String, due: Date, items: [ItemID]) {
        let message = OutboxMessage(
            id: OutboxMessage.id(trigger: trigger.key, profile: profile, cause: cause), trigger: trigger.key,
            channel: trigger.channel.rawValue, profileID: profile, status: .scheduled, dueAt: due, items: items, createdAt: clock())
        triggers.pending.append(.schedule(message))
    }

    private mutating func advance(_ trigger: Trigger, steps: [Trigger.EventMatch], within: TimeInterval, event: Event, profile: ProfileID) {
        let key = TriggerIndex.ProgressKey(trigger: trigger.key, profile: profile)
        var state = triggers.progress[key] ?? (0, event.timestamp)
        if state.step > 0, event.timestamp.timeIntervalSince(state.startedAt) > within { state = (0, event.timestamp) }
        guard steps[state.step].matches(event) else {
            triggers.progress[key] = state.step == 0 ? nil : state
            return
        }
        if state.step == 0 { state.startedAt = event.timestamp }
        state.step += 1
        if state.step == steps.count {
            triggers.progress[key] = nil
            schedule(trigger, profile: profile, cause: event.messageID, due: event.timestamp, items: Self.products(of: event))
        } else {
            triggers.progress[key] = state
        }
    }

    private mutating func mergeTriggers(from loser: ProfileID, into survivor: ProfileID) {
        triggers.pending.append(.reassign(from: loser, to: survivor))
        if let waiting = triggers.inApp.removeValue(forKey: loser) {
            triggers.inApp[survivor, default: []] += waiting.map { message in
                var moved = message
                moved.profileID = survivor
                return moved
            }
        }
        for key in triggers.progress.keys where key.profile == loser { triggers.progress[key] = nil }
        for trigger in triggers.dateTimers.keys { triggers.dateTimers[trigger]?[loser] = nil }
        if let profile = profiles[survivor] {
            let now = clock()
            for trigger in triggers.active {
                if case .dateTrait(let trait, _) = trigger.condition { setDateTimer(trigger, trait: trait, profile: profile, now: now) }
            }
        }
    }

    /// Forgets an erased person's waiting messages, sequences and timers (the store deletes their rows).
    mutating func forgetTriggers(of profile: ProfileID) {
        triggers.pending.removeAll { change in
            switch change {
            case .schedule(let m), .reschedule(let m), .update(let m): m.profileID == profile
            case .cancel(_, let p, _, _): p == profile
            case .reassign(let from, let to): from == profile || to == profile
            }
        }
        triggers.inApp[profile] = nil
        for key in triggers.progress.keys where key.profile == profile { triggers.progress[key] = nil }
        for trigger in triggers.dateTimers.keys { triggers.dateTimers[trigger]?[profile] = nil }
    }

    /// The products an event names: its `product_id`, or the `product_id` of each of its `products`.
    static func products(of event: Event) -> [ItemID] {
        if let id = event.productID { return [id] }
        var seen = Set<ItemID>()
        return (event.properties["products"]?.arrayValue ?? []).compactMap { line in
            guard let raw = line["product_id"]?.idString else { return nil }
            let id = ItemID(raw)
            return seen.insert(id).inserted ? id : nil
        }
    }
}

typealias EventMatch = Trigger.EventMatch

// MARK: - Dates

extension SiteState {
    /// Sets (or clears) when `profile`'s next message of a date trigger falls due.
    mutating func setDateTimer(_ trigger: Trigger, trait: String, profile: Profile, now: Date) {
        guard case .dateTrait(_, let daysBefore) = trigger.condition,
            let next = DateTrigger.nextFire(trait: profile.traits[trait], timezone: profile.traits["timezone"]?.stringValue, daysBefore: daysBefore, now: now)
        else {
            triggers.dateTimers[trigger.key]?[profile.id] = nil
            return
        }
        triggers.dateTimers[trigger.key, default: [:]][profile.id] = next
        triggers.earliestDateTimer = min(triggers.earliestDateTimer, next.fire)
    }

    /// Sets every person's timer for a date trigger (when it is created or the site loads).
    mutating func setDateTimers(_ trigger: Trigger) {
        guard case .dateTrait(let trait, _) = trigger.condition else { return }
        triggers.dateTimers[trigger.key] = [:]
        let now = clock()
        for profile in profiles.values where profile.traits[trait] != nil { setDateTimer(trigger, trait: trait, profile: profile, now: now) }
    }

    /// Schedules the date messages that fell due by `now` (each once per person and year) and sets
    /// each timer to the following year.
    mutating func fireDateTimers(now: Date) {
        guard now >= triggers.earliestDateTimer else { return }
        var earliest = Date.distantFuture
        for (key, timers) in triggers.dateTimers {
            guard let trigger = triggers.triggers[key], trigger.status == .active, case .dateTrait(let trait, _) = trigger.condition else { continue }
            for (id, timer) in timers {
                if timer.fire <= now {
                    schedule(trigger, profile: id, cause: "year-\(timer.year)", due: timer.fire, items: [])
                    if let profile = profiles[id] { setDateTimer(trigger, trait: trait, profile: profile, now: timer.fire.addingTimeInterval(86_401)) }
                }
                if let next = triggers.dateTimers[key]?[id] { earliest = min(earliest, next.fire) }
            }
        }
        triggers.earliestDateTimer = earliest
    }
}

/// When a date trait's yearly message falls due.
enum DateTrigger {
    /// The hour of the day (in the person's time zone) a date message is due.
    static let hour = 9

    /// The first time at or after `now − 1 day` (a day's grace for a server that was down) that is
    /// `daysBefore` days before an anniversary of the date in `trait`, at 09:00 in `timezone` (UTC
    /// when absent or unknown), and the year of that anniversary. A 29 February falls on 28
    /// February in other years. Nil when the trait is not a date (`YYYY-MM-DD`, `MM-DD` or an RFC 3339 time).
    static func nextFire(trait: JSONValue?, timezone: String?, daysBefore: Int, now: Date) -> (fire: Date, year: Int)? {
        guard let text = trait?.stringValue, let (month, day) = monthDay(text) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timezone.flatMap(TimeZone.init(identifier:)) ?? TimeZone(identifier: "UTC")!
        let earliest = now.addingTimeInterval(-86_400)
        let thisYear = calendar.component(.year, from: now)
        for year in (thisYear - 1)...(thisYear + 2) {
            var parts = DateComponents(year: year, month: month, day: day, hour: hour)
            if month == 2, day == 29, !isLeap(year) { parts.day = 28 }
            guard let anniversary = calendar.date(from: parts),
                let fire = calendar.date(byAdding: .day, value: -daysBefore, to: anniversary)
            else { continue }
            if fire >= earliest { return (fire, year) }
        }
        return nil
    }

    private static func monthDay(_ text: String) -> (Int, Int)? {
        let digits = text.split(separator: "T").first.map(String.init) ?? text
        let parts = digits.split(separator: "-").map(String.init)
        let numbers: [Int]
        switch parts.count {
        case 3 where parts[0].count == 4: numbers = [Int(parts[1]) ?? 0, Int(parts[2]) ?? 0]
        case 2: numbers = [Int(parts[0]) ?? 0, Int(parts[1]) ?? 0]
        default: return nil
        }
        let (month, day) = (numbers[0], numbers[1])
        let lengths = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...12).contains(month), (1...lengths[month - 1]).contains(day) else { return nil }
        return (month, day)
    }

    private static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }
}

// MARK: - In app

extension SiteState {
    /// The placement triggered in-app messages answer.
    static let inAppPlacement = "in_app"

    /// The person's oldest waiting in-app message, now marked delivered (written with the next
    /// outbox flush); nil when none waits.
    mutating func takeInAppMessage(for profile: ProfileID, now: Date) -> OutboxMessage? {
        guard var waiting = triggers.inApp[profile], !waiting.isEmpty else { return nil }
        var message = waiting.removeFirst()
        triggers.inApp[profile] = waiting.isEmpty ? nil : waiting
        message.status = .delivered
        message.deliveredAt = now
        message.updatedAt = now
        triggers.pending.append(.update(message))
        return message
    }
}
