import BaristaCore
import BaristaModels
import Foundation
import Logging
import Synchronization

/// How the scheduler delivers: retries, batch sizes, and how often predictions are checked.
public struct DeliveryPolicy: Sendable {
    /// Attempts before a message is dead-lettered (default 8).
    public var maxAttempts = 8
    /// The wait after the first failure; each further failure doubles it (default 30 s).
    public var baseBackoff: TimeInterval = 30
    /// The longest wait between attempts (default 1 h).
    public var maxBackoff: TimeInterval = 3_600
    /// Messages read per site and pass (default 200).
    public var batch = 200
    /// Deliveries in flight at once (default 8; one person's messages go one after another).
    public var concurrency = 8
    /// How often prediction conditions are checked across everyone (default 10 minutes).
    public var predictionInterval: TimeInterval = 600
    /// Whether webhooks may point at loopback, private and link-local addresses (default false;
    /// `barista serve --allow-private-webhooks`). See ``WebhookDestination``.
    public var allowPrivateNetworks = false

    /// The defaults.
    public init() {}

    /// The wait before the next attempt after `attempts` failures: `baseBackoff · 2^(attempts−1)`,
    /// at most `maxBackoff`, times a uniform jitter in [0.5, 1] so that a receiver coming back is
    /// not hit by every retry at once.
    public func backoff(afterAttempts attempts: Int, jitter: Double = Double.random(in: 0.5...1)) -> TimeInterval {
        min(maxBackoff, baseBackoff * pow(2, Double(max(0, attempts - 1)))) * jitter
    }
}

/// What one scheduler pass did, summed over sites.
public struct TriggerPassReport: Sendable, Hashable {
    /// Messages a receiver accepted.
    public var delivered = 0
    /// In-app messages made ready for the person's next decision.
    public var ready = 0
    /// Failed attempts that will be retried.
    public var retried = 0
    /// Messages dead-lettered after their last attempt.
    public var dead = 0
    /// Messages not sent (consent, unsubscribe, no email, cadence, holdout).
    public var suppressed = 0
    /// Messages cancelled at send time (an empty cart, a deleted trigger).
    public var cancelled = 0
    /// Messages moved later (quiet hours, preferred hour, cadence).
    public var deferred = 0

    /// Nothing done.
    public init() {}

    static func + (a: Self, b: Self) -> Self {
        var sum = a
        sum.delivered += b.delivered
        sum.ready += b.ready
        sum.retried += b.retried
        sum.dead += b.dead
        sum.suppressed += b.suppressed
        sum.cancelled += b.cancelled
        sum.deferred += b.deferred
        return sum
    }
}

/// The deliveries one pass of the trigger scheduler found due: one job per person, whose
/// messages go one after another. Its messages are claimed (``DeliveriesInFlight``) until
/// ``Engine/send(_:transport:policy:)`` has written what became of them.
public struct TriggerPass: Sendable {
    struct Job: Sendable {
        var runtime: SiteRuntime
        var messages: [OutboxMessage]
    }

    var jobs: [Job] = []

    /// Whether nothing was due.
    public var isEmpty: Bool { jobs.isEmpty }
}

/// The messages being sent at this moment. The scheduler starts a pass every second without
/// waiting for the previous pass's deliveries (a receiver may take its whole 10 s timeout), so a
/// later pass must neither send one of them again nor send that person's next message first.
///
/// A read of due messages that started before a release may hold a message as it stood before its
/// outcome was written: such a read cannot claim (``claim(_:site:readAt:)`` answers nil) and is
/// made again.
final class DeliveriesInFlight: Sendable {
    private let claimed = Mutex<(messages: Set<String>, people: Set<String>, releases: Int)>(([], [], 0))

    /// How many messages are claimed.
    var count: Int { claimed.withLock { $0.messages.count } }

    /// The number of releases so far: take it before reading due messages, and claim with it.
    var releases: Int { claimed.withLock { $0.releases } }

    /// Claims `due` (read after `readAt` releases) for `site`, leaving out every person who has a
    /// message claimed already; returns the claimed messages grouped by person, each by due time,
    /// or nil when a release happened since the read began (the read may be stale: read again).
    func claim(_ due: [OutboxMessage], site: SiteID, readAt: Int) -> [[OutboxMessage]]? {
        let byPerson = Dictionary(grouping: due, by: \.profileID)
        return claimed.withLock { claimed in
            guard claimed.releases == readAt else { return nil }
            var groups: [[OutboxMessage]] = []
            for (person, messages) in byPerson {
                let key = site.rawValue + "|" + person.rawValue
                guard !claimed.people.contains(key), !messages.contains(where: { claimed.messages.contains($0.id) }) else { continue }
                claimed.people.insert(key)
                for message in messages { claimed.messages.insert(message.id) }
                groups.append(messages.sorted { $0.dueAt < $1.dueAt })
            }
            return groups
        }
    }

    /// Releases the messages of `groups` (after their outcomes are written, or given up).
    func release(_ groups: [[OutboxMessage]], site: SiteID) {
        claimed.withLock { claimed in
            claimed.releases += 1
            for messages in groups {
                guard let first = messages.first else { continue }
                claimed.people.remove(site.rawValue + "|" + first.profileID.rawValue)
                for message in messages { claimed.messages.remove(message.id) }
            }
        }
    }
}

extension Engine {
    /// One pass of the trigger scheduler over every loaded site, waiting for its deliveries:
    /// ``planTriggerPass(policy:)`` then ``send(_:transport:policy:)``. The background scheduler
    /// (``TriggerService``) calls the two itself, so that a slow receiver does not hold up the
    /// next pass.
    ///
    /// At send time, in order: the person must exist, be outside the global holdout and have the
    /// channel's consent (email also an `email` trait and no unsubscribe); a first attempt then
    /// waits for the end of the site's quiet hours (in the person's `timezone`), for the person's
    /// preferred hour when the trigger asks for it, and for room in their email cadence (the
    /// learned cadence, below the site's weekly cap, counted over the last 7 days), unless that
    /// is later than the trigger's `max_delay`, which suppresses it. The content is assembled
    /// once, on the first attempt, and kept so retries send the same body.
    @discardableResult
    public func runTriggers(transport: any WebhookTransport, policy: DeliveryPolicy = DeliveryPolicy()) async throws -> TriggerPassReport {
        try await send(planTriggerPass(policy: policy), transport: transport, policy: policy)
    }

    /// The first half of a pass, quick and never waiting for a receiver: date and prediction
    /// conditions are checked, outbox changes written, and the messages that are due, and not
    /// being sent by an earlier pass, are claimed. Call it from one task at a time (the outbox
    /// changes must be written in order).
    public func planTriggerPass(policy: DeliveryPolicy = DeliveryPolicy()) async throws -> TriggerPass {
        var pass = TriggerPass()
        for runtime in await directory.all {
            let now = now()
            let checkPredictions = runtime.state.withLock { state in
                state.fireDateTimers(now: now)
                return now.timeIntervalSince(state.triggers.predictionsCheckedAt) >= policy.predictionInterval
            }
            if checkPredictions { await checkPredictionTriggers(runtime, now: now) }
            try await flushOutbox(runtime)
            // Claimed messages are still due in the store until their outcome is written: read past
            // them. A read that a release overtook is made again (a few times; else next pass).
            for _ in 0..<3 {
                let readAt = deliveriesInFlight.releases
                let due = try await store.dueMessages(site: runtime.id, now: now, limit: policy.batch + deliveriesInFlight.count)
                guard !due.isEmpty else { break }
                guard let groups = deliveriesInFlight.claim(due, site: runtime.id, readAt: readAt) else { continue }
                pass.jobs += groups.map { TriggerPass.Job(runtime: runtime, messages: $0) }
                break
            }
        }
        return pass
    }

    /// The second half of a pass: checks and sends each claimed message, `policy.concurrency`
    /// people at a time, then writes the outcomes of each site together (one transaction, not one
    /// per message) and releases the claims. A crash before that write sends those messages
    /// again, with the same `message_id` and body, for the receiver to drop.
    @discardableResult
    public func send(_ pass: TriggerPass, transport: any WebhookTransport, policy: DeliveryPolicy = DeliveryPolicy()) async throws -> TriggerPassReport {
        guard !pass.isEmpty else { return TriggerPassReport() }
        let jobs = pass.jobs
        let (report, updates) = await withTaskGroup(of: (TriggerPassReport, [OutboxMessage]).self) { group in
            var total = TriggerPassReport(), updates: [OutboxMessage] = [], next = 0
            func start() {
                guard next < jobs.count else { return }
                let job = jobs[next]
                next += 1
                group.addTask { await self.deliver(job, transport: transport, policy: policy) }
            }
            for _ in 0..<policy.concurrency { start() }
            for await (part, changed) in group {
                total = total + part
                updates += changed
                start()
            }
            return (total, updates)
        }
        let bySite = Dictionary(grouping: jobs, by: \.runtime.id)
        var failure: (any Error)?
        for (site, siteJobs) in bySite {
            let ids = Set(siteJobs.flatMap { $0.messages.map(\.id) })
            do {
                try await store.applyOutbox(updates.filter { ids.contains($0.id) }.map { .update($0) }, site: site)
            } catch {
                failure = failure ?? error
            }
            // Released either way: a failed write leaves the messages due, for a later pass to send again (same id).
            deliveriesInFlight.release(siteJobs.map(\.messages), site: site)
        }
        if let failure { throw failure }
        return report
    }

    /// One person's claimed messages, one after another.
    private func deliver(_ job: TriggerPass.Job, transport: any WebhookTransport, policy: DeliveryPolicy) async -> (TriggerPassReport, [OutboxMessage]) {
        var part = TriggerPassReport(), updates: [OutboxMessage] = [], sent: [Date] = []
        for message in job.messages {
            do {
                let (outcome, updated) = try await process(message, runtime: job.runtime, transport: transport, policy: policy, sentThisPass: sent)
                part = part + outcome
                if let updated {
                    updates.append(updated)
                    if updated.status == .delivered, let at = updated.deliveredAt { sent.append(at) }
                }
            } catch {
                logger.error("message not processed", metadata: ["message_id": "\(message.id)", "error": "\(error)"])
            }
        }
        return (part, updates)
    }

    /// Checks every prediction condition across everyone (outside the lock, on a copy of the
    /// profiles) and schedules a message for each person it holds for, once per purchase history
    /// (a `rewards.…` condition: once per balance).
    /// Not optimized: Swift 6.3.1's optimizer crashed on this function in release builds
    /// (CopyPropagation, "Found outside of lifetime use"); a helper confirmed that this attribute
    /// avoids it. It runs once every 10 minutes.
    @_optimize(none)
    func checkPredictionTriggers(_ runtime: SiteRuntime, now: Date) async {
        let (triggers, profiles, models, program) = runtime.state.withLock { state in
            state.triggers.predictionsCheckedAt = now
            let triggers = state.triggers.active.filter { if case .prediction = $0.condition { true } else { false } }
            return (triggers, triggers.isEmpty ? [:] : state.profiles, state.profileModels, state.rewards.program)
        }
        guard !triggers.isEmpty else { return }
        var firing: [(Trigger, ProfileID, String)] = []
        for profile in profiles.values {
            let predictions = models?.predictions(for: profile, now: now)
            // Plain numbers first: Swift 6.3.1's optimizer crashed (CopyPropagation) on reading
            // `pointsToNext` through the optional status inside the switch below.
            var balance: Double?, toNext: Double?
            if let program {
                let status = RewardsStatus(ledger: profile.rewards, program: program, now: now)
                balance = Double(status.balance)
                if let points = status.pointsToNext { toNext = Double(points) }
            }
            for trigger in triggers {
                guard case .prediction(let name, let op, let threshold) = trigger.condition else { continue }
                let value: Double?, cause: String
                switch name {
                case "rewards.balance": (value, cause) = (balance, "points-\(profile.rewards.balance)")
                case "rewards.points_to_next": (value, cause) = (toNext, "points-\(profile.rewards.balance)")
                default: (value, cause) = (predictions?[name], "orders-\(profile.orders)")
                }
                guard let value, op.holds(value, threshold) else { continue }
                firing.append((trigger, profile.id, cause))
            }
        }
        runtime.state.withLock { state in
            for (trigger, profile, cause) in firing where state.profiles[profile] != nil {
                guard state.triggers.predictionFired.insert("\(trigger.key)|\(profile.rawValue)|\(cause)").inserted else { continue }
                state.schedule(trigger, profile: profile, cause: cause, due: now, items: [])
            }
        }
    }

    /// Checks, assembles and sends one due message; returns what happened and the message as it
    /// now stands (nil when it is left as it was). `sentThisPass` are the person's deliveries
    /// earlier in this pass, not yet written.
    func process(
        _ message: OutboxMessage, runtime: SiteRuntime, transport: any WebhookTransport, policy: DeliveryPolicy, sentThisPass: [Date]
    ) async throws -> (TriggerPassReport, OutboxMessage?) {
        let now = now()
        var report = TriggerPassReport()
        var message = message
        message.updatedAt = now
        let gate = runtime.state.withLock { state in state.gate(message, now: now) }
        switch gate {
        case .wait:
            return (report, nil)
        case .cancel(let reason):
            message.status = .cancelled
            message.lastError = reason
            report.cancelled = 1
            return (report, message)
        case .suppress(let reason):
            message.status = .suppressed
            message.lastError = reason
            report.suppressed = 1
            return (report, message)
        case .open(let trigger, let person):
            if message.status == .scheduled,
                let hold = try await hold(message, trigger: trigger, person: person, runtime: runtime, now: now, sentThisPass: sentThisPass)
            {
                if hold.until > message.scheduledFor.addingTimeInterval(trigger.maxDelay) {
                    message.status = .suppressed
                    message.lastError = hold.until == .distantFuture ? hold.reason : hold.reason + " past max_delay (\(trigger.maxDelayText))"
                    report.suppressed = 1
                } else {
                    message.dueAt = hold.until
                    message.lastError = "waiting: " + hold.reason
                    report.deferred = 1
                }
                return (report, message)
            }
            if message.body == nil {
                guard let body = try await assemble(message, trigger: trigger, person: person, runtime: runtime, now: now) else {
                    message.status = .cancelled
                    message.lastError = "the cart is empty"
                    report.cancelled = 1
                    return (report, message)
                }
                message.body = body
            }
            switch trigger.channel {
            case .inApp:
                message.status = .ready
                message.lastError = nil
                report.ready = 1
                runtime.state.withLock { state in
                    if !(state.triggers.inApp[message.profileID]?.contains { $0.id == message.id } ?? false) {
                        state.triggers.inApp[message.profileID, default: []].append(message)
                    }
                }
            case .email:
                message.attempts += 1
                let webhook = trigger.webhook ?? ""
                // A refused destination is dead at once: retrying cannot make it allowed.
                let refused = policy.allowPrivateNetworks ? nil : WebhookDestination.refusal(for: webhook)
                let failure: String?
                if let refused { failure = refused } else {
                    failure = await deliver(message, webhook: webhook, secret: person.webhookSecret, transport: transport, now: now)
                }
                if let failure {
                    message.lastError = failure
                    if message.attempts >= policy.maxAttempts || refused != nil {
                        message.status = .dead
                        report.dead = 1
                        logger.warning("message dead-lettered", metadata: ["message_id": "\(message.id)", "error": "\(failure)"])
                    } else {
                        message.status = .retrying
                        message.dueAt = self.now().addingTimeInterval(policy.backoff(afterAttempts: message.attempts))  // after the attempt, which may have taken its 10 s
                        report.retried = 1
                    }
                } else {
                    message.status = .delivered
                    message.lastError = nil
                    message.deliveredAt = now
                    report.delivered = 1
                }
            }
            return (report, message)
        }
    }

    /// POSTs the message's body, signed; nil on a 2xx answer, otherwise why it failed.
    func deliver(_ message: OutboxMessage, webhook: String, secret: String?, transport: any WebhookTransport, now: Date) async -> String? {
        guard let secret else { return "webhook_secret is not set (PATCH /v1/settings)" }
        let body = Array((message.body ?? "{}").utf8)
        let timestamp = Int(now.timeIntervalSince1970)
        let headers = [
            ("Content-Type", "application/json"), ("User-Agent", "Barista"),
            ("X-Barista-Signature", WebhookSignature.header(secret: secret, timestamp: timestamp, body: body)),
            ("Idempotency-Key", message.id),
        ]
        do {
            let status = try await transport.post(webhook, body: body, headers: headers)
            return (200..<300).contains(status) ? nil : "HTTP \(status)"
        } catch {
            return "\(error)"
        }
    }

    /// Why a first attempt must wait, and until when; nil when it may go now.
    func hold(_ message: OutboxMessage, trigger: Trigger, person: MessagePerson, runtime: SiteRuntime, now: Date, sentThisPass: [Date]) async throws
        -> (until: Date, reason: String)?
    {
        if let end = person.quietHours?.end(containing: now, timezone: person.timezone) {
            return (end, "quiet hours")
        }
        if trigger.sendTime == .preferred, let hour = person.preferredHour {
            let dayStart = (now.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400
            var at = Date(timeIntervalSince1970: dayStart + Double(hour) * 3_600)
            if at.addingTimeInterval(3_600) <= now { at = at.addingTimeInterval(86_400) }
            if at > now, at.timeIntervalSince(message.scheduledFor) <= 86_400 { return (at, "the person's usual open hour (\(hour):00 UTC)") }
        }
        guard trigger.channel == .email else { return nil }
        let allowed = Int(person.cadencePerWeek.rounded(.down))
        if allowed <= 0 { return (.distantFuture, "a learned cadence of 0 emails a week") }
        let sent = try await store.deliveries(site: runtime.id, profile: message.profileID, channel: "email", since: now.addingTimeInterval(-7 * 86_400))
            + sentThisPass
        guard sent.count >= allowed else { return nil }
        return (sent[sent.count - allowed].addingTimeInterval(7 * 86_400), "no room in the email cadence (\(allowed) a week)")
    }

    /// The message's body, assembled now: the person, the items that triggered it and the
    /// recommendations of its content. Nil when a cart message finds the cart empty.
    func assemble(_ message: OutboxMessage, trigger: Trigger, person: MessagePerson, runtime: SiteRuntime, now: Date) async throws -> String? {
        let items = runtime.state.withLock { state in state.messageItems(message, trigger: trigger) }
        guard let items else { return nil }
        var object: [String: JSONValue] = [
            "message_id": .string(message.id), "trigger": .string(trigger.key), "channel": .string(trigger.channel.rawValue),
            "profile_id": .string(message.profileID.rawValue), "user_id": person.userID.map(JSONValue.string) ?? .null,
            "traits": .object(person.traits), "items": .array(items.map(\.json)), "recommendations": .array([]),
            "created_at": .string(Timestamp.format(message.createdAt)), "sent_at": .string(Timestamp.format(now)),
        ]
        if !trigger.payload.isNull { object["payload"] = trigger.payload }
        if var request = trigger.recommendations {
            request.user = person.reference
            if request.contextCart.isEmpty { request.contextCart = items.map(\.id) }
            if request.contextItem == nil, request.strategy != .boughtTogether { request.contextItem = items.first?.id }
            if request.channel == nil { request.channel = trigger.channel == .email ? "email" : "in_app" }
            // A strategy that starts from an item has nothing to start from without one: no picks then.
            let needsItem: Set<RecommendationStrategy> = [.similar, .next, .boughtTogether]
            guard !needsItem.contains(request.strategy) || request.contextItem != nil || !request.contextCart.isEmpty else {
                return JSON.string(.object(object))
            }
            let result = try await recommend(request, site: runtime.id)
            let answer = try JSON.parse(RecommendationResult.answerText(result))
            object["recommendations"] = answer["items"] ?? .array([])
            object["recommendation_id"] = .string(result.id)
        }
        return JSON.string(.object(object))
    }
}

/// What sending a message needs to know of the person, read under the site lock.
struct MessagePerson: Sendable {
    var reference: UserReference
    var userID: String?
    var traits: [String: JSONValue]
    var timezone: TimeZone?
    var preferredHour: Int?
    var cadencePerWeek: Double
    var quietHours: QuietHours?
    var webhookSecret: String?
}

/// The answer of the checks that need only the live state.
enum MessageGate {
    /// Leave it: a cancellation not yet written names it.
    case wait
    case cancel(String)
    case suppress(String)
    case open(Trigger, MessagePerson)
}

extension SiteState {
    /// The checks of a due message against the trigger, the person, consent and the holdout.
    func gate(_ message: OutboxMessage, now: Date) -> MessageGate {
        if triggers.hasPendingCancel(trigger: message.trigger, profile: message.profileID) { return .wait }
        guard let trigger = triggers.triggers[message.trigger] else { return .cancel("the trigger was deleted") }
        guard trigger.status == .active else { return .cancel("the trigger is paused") }
        guard let profile = profiles[message.profileID] else { return .cancel("the person no longer exists") }
        if inGlobalHoldout(profile.id) { return .suppress("in the global holdout (the control group)") }
        let consent = profile.consent.resolved(with: site.settings.defaultConsent)
        switch trigger.channel {
        case .email:
            guard consent.email == true else { return .suppress("no email consent") }
            if profile.unsubscribedAt != nil { return .suppress("unsubscribed") }
            guard let email = profile.traits["email"]?.stringValue, !email.isEmpty else { return .suppress("no email trait") }
        case .inApp:
            guard consent.personalization ?? true else { return .suppress("no personalization consent") }
        }
        let cap = site.settings.emailFrequencyCapPerWeek
        let cadence = profileModels?.cadence(for: profile, cap: cap)?.perWeek ?? cap
        let user = identities.ids(of: profile.id, kind: .user).first
        let anonymous = identities.ids(of: profile.id, kind: .anonymous).first
        return .open(trigger, MessagePerson(
            reference: UserReference(userID: user, anonymousID: user == nil ? anonymous : nil), userID: user, traits: profile.traits,
            timezone: profile.traits["timezone"]?.stringValue.flatMap(TimeZone.init(identifier:)), preferredHour: profile.preferredSendHour,
            cadencePerWeek: min(cadence, cap), quietHours: site.settings.quietHours.flatMap(QuietHours.init(json:)),
            webhookSecret: site.settings.webhookSecret))
    }

    /// The items a message is about, as current catalog entries: the cart now for a cart trigger
    /// (nil when it is empty), the items viewed since the first view for a browse trigger, and
    /// otherwise the items stored with the message. Items no longer in the catalog are left out.
    func messageItems(_ message: OutboxMessage, trigger: Trigger) -> [Item]? {
        var ids = message.items
        if case .event(let match, let cancel, _, _) = trigger.condition, cancel != nil, let profile = profiles[message.profileID] {
            switch match.event {
            case EventName.productAdded:
                guard !profile.cart.isEmpty else { return nil }
                ids = profile.cart.map(\.itemID)
            case EventName.productViewed:
                let viewed = profile.recentlyViewed.filter { $0.at >= message.createdAt }.map(\.itemID)
                if !viewed.isEmpty { ids = viewed }
            default:
                break
            }
        }
        return ids.compactMap { catalog[$0] }
    }
}

/// The site's `quiet_hours`: `{"start":"22:00","end":"08:00"}` in the person's time zone (UTC when unknown).
struct QuietHours: Sendable, Hashable {
    /// Minutes after midnight.
    var start: Int
    var end: Int

    init?(json: JSONValue) {
        guard let start = json["start"]?.stringValue.flatMap(Self.minutes), let end = json["end"]?.stringValue.flatMap(Self.minutes), start != end
        else { return nil }
        self.start = start
        self.end = end
    }

    /// `HH:MM` as minutes after midnight.
    static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0...23).contains(h),
            (0...59).contains(m)
        else { return nil }
        return h * 60 + m
    }

    /// When the quiet hours around `now` end, or nil when `now` is outside them.
    func end(containing now: Date, timezone: TimeZone?) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timezone ?? TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.hour, .minute], from: now)
        let minute = (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
        let inside = start < end ? (minute >= start && minute < end) : (minute >= start || minute < end)
        guard inside else { return nil }
        let wait = ((end - minute) + 24 * 60) % (24 * 60)
        let second = calendar.component(.second, from: now)
        return now.addingTimeInterval(Double(wait * 60 - second))
    }
}
