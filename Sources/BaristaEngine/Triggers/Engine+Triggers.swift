import BaristaCore
import Foundation
import Logging

extension Engine {
    /// The kind triggers are stored under.
    static let triggerKind = "trigger"

    /// Creates a trigger; throws ``BaristaError/conflict(_:)`` when the key is taken.
    public func createTrigger(_ trigger: Trigger, site: SiteID) async throws -> Trigger {
        try await putTrigger(trigger, site: site, replacing: false).trigger
    }

    /// Creates or replaces a trigger (keeping its `created_at`); returns it and whether it was new.
    public func replaceTrigger(_ trigger: Trigger, site: SiteID) async throws -> (trigger: Trigger, created: Bool) {
        try await putTrigger(trigger, site: site, replacing: true)
    }

    /// Sets a trigger's status (`start` → active, `pause` → paused, which cancels its scheduled
    /// messages); nil when there is none.
    public func setTriggerStatus(_ key: String, to status: Trigger.Status, site: SiteID) async throws -> Trigger? {
        guard var trigger = try await runtime(site).state.withLock({ $0.triggers.triggers[key] }) else { return nil }
        trigger.status = status
        trigger.updatedAt = now()
        return try await putTrigger(trigger, site: site, replacing: true).trigger
    }

    /// Deletes a trigger and cancels its scheduled messages; returns whether it existed.
    public func deleteTrigger(_ key: String, site: SiteID) async throws -> Bool {
        let runtime = try await runtime(site)
        let existed = try await store.deleteDefinition(kind: Self.triggerKind, key: key, site: site)
        runtime.state.withLock { state in state.uninstallTrigger(key) }
        try await flushOutbox(runtime)
        try await store.applyOutbox([.cancel(trigger: key, profile: nil, reason: "the trigger was deleted", at: now())], site: site)
        await announceDefinitions(Self.triggerKind, keys: [key], site: site)
        return existed
    }

    private func putTrigger(_ trigger: Trigger, site: SiteID, replacing: Bool) async throws -> (trigger: Trigger, created: Bool) {
        let runtime = try await runtime(site)
        var trigger = trigger
        let existing = try runtime.state.withLock { state -> Trigger? in
            let existing = state.triggers.triggers[trigger.key]
            if existing != nil, !replacing { throw BaristaError.conflict("a trigger has the key \(trigger.key)") }
            return existing
        }
        if let existing { trigger.createdAt = existing.createdAt }
        try await store.saveDefinition(
            StoredDefinition(kind: Self.triggerKind, key: trigger.key, body: JSON.string(trigger.json), createdAt: trigger.createdAt,
                updatedAt: trigger.updatedAt),
            site: site)
        runtime.state.withLock { state in state.install(trigger) }
        if trigger.status == .paused, existing?.status != .paused {
            // What was scheduled before the pause is written first, then cancelled with the rest.
            try await flushOutbox(runtime)
            try await store.applyOutbox([.cancel(trigger: trigger.key, profile: nil, reason: "the trigger was paused", at: now())], site: site)
        }
        await announceDefinitions(Self.triggerKind, keys: [trigger.key], site: site)
        logger.info("trigger saved", metadata: ["site.id": "\(site)", "trigger": "\(trigger.key)", "status": "\(trigger.status.rawValue)"])
        return (trigger, existing == nil)
    }

    /// Every trigger, in key order.
    public func triggers(site: SiteID) async throws -> [Trigger] {
        try await runtime(site).state.withLock { state in state.triggers.triggers.values.sorted { $0.key < $1.key } }
    }

    /// One trigger, or nil.
    public func trigger(_ key: String, site: SiteID) async throws -> Trigger? {
        try await runtime(site).state.withLock { $0.triggers.triggers[key] }
    }

    /// The outbox, newest first (`GET /v1/messages`): changes still in memory are written first,
    /// so what was just scheduled or cancelled shows.
    public func messages(site: SiteID, status: MessageStatus?, cursor: String?, limit: Int) async throws -> (messages: [OutboxMessage], next: String?) {
        let runtime = try await runtime(site)
        try await flushOutbox(runtime)
        let page = try await store.messages(site: site, status: status, before: cursor, limit: limit + 1)
        let shown = Array(page.prefix(limit))
        return (shown, page.count > limit ? shown.last?.cursor : nil)
    }

    /// One message of the outbox, or nil.
    public func message(_ id: String, site: SiteID) async throws -> OutboxMessage? {
        let runtime = try await runtime(site)
        try await flushOutbox(runtime)
        return try await store.message(id, site: site)
    }

    /// Writes a site's outbox changes still in memory; on failure they stay, in order, for the next try.
    func flushOutbox(_ runtime: SiteRuntime) async throws {
        try await Self.flushOutbox(runtime, store: store)
    }

    /// Writes a site's outbox changes still in memory (the checkpoint calls it first: after the
    /// checkpoint, no replay would bring them back).
    static func flushOutbox(_ runtime: SiteRuntime, store: any BaristaStore) async throws {
        let changes = runtime.state.withLock { state in
            defer { state.triggers.pending.removeAll() }
            return state.triggers.pending
        }
        guard !changes.isEmpty else { return }
        do {
            try await store.applyOutbox(changes, site: runtime.id)
        } catch {
            runtime.state.withLock { $0.triggers.pending.insert(contentsOf: changes, at: 0) }
            throw error
        }
    }

    /// Schedules the price-drop messages of items that got cheaper: for each active price-drop
    /// trigger, everyone who viewed such an item within its window. Written at once (a catalog
    /// change is not in the event log, so no replay would bring them back).
    func schedulePriceDrops(_ drops: [(item: ItemID, old: Double, new: Double)], runtime: SiteRuntime) async throws {
        guard !drops.isEmpty else { return }
        let changes = runtime.state.withLock { state -> [OutboxChange] in
            let triggers = state.triggers.active.filter { if case .priceDrop = $0.condition { true } else { false } }
            guard !triggers.isEmpty else { return [] }
            let now = state.clock()
            let before = state.triggers.pending.count
            for trigger in triggers {
                guard case .priceDrop(let minPercent, let within, _) = trigger.condition else { continue }
                let dropped = Dictionary(
                    drops.filter { ($0.old - $0.new) / $0.old * 100 >= minPercent }.map { ($0.item, $0.new) }, uniquingKeysWith: { _, last in last })
                guard !dropped.isEmpty else { continue }
                let since = now.addingTimeInterval(-within)
                for profile in state.profiles.values {
                    for viewed in profile.recentlyViewed where viewed.at >= since {
                        guard let price = dropped[viewed.itemID] else { continue }
                        state.schedule(trigger, profile: profile.id, cause: "price-\(viewed.itemID.rawValue)-\(price)", due: now,
                            items: [viewed.itemID])
                    }
                }
            }
            defer { state.triggers.pending.removeSubrange(before...) }
            return Array(state.triggers.pending[before...])
        }
        try await store.applyOutbox(changes, site: runtime.id)
    }

    /// Reads a site's triggers at load (before the log is replayed, so the replay observes them)
    /// and the in-app messages waiting to be shown.
    static func loadTriggers(into state: inout SiteState, store: any BaristaStore, logger: Logger) async throws {
        for entry in try await store.definitions(kind: triggerKind, site: state.site.id) {
            do {
                var trigger = try Trigger.parse(try JSON.parse(entry.body), now: entry.updatedAt).mapError { BaristaError.invalid($0.errors) }.get()
                trigger.createdAt = entry.createdAt
                state.triggers.triggers[trigger.key] = trigger
            } catch {
                logger.error("stored trigger unreadable: skipped", metadata: ["site.id": "\(state.site.id)", "trigger": "\(entry.key)", "error": "\(error)"])
            }
        }
        for message in try await store.readyMessages(site: state.site.id) {
            state.triggers.inApp[message.profileID, default: []].append(message)
        }
    }

    /// Sets the date timers once the profiles are rebuilt.
    static func startDateTimers(in state: inout SiteState) {
        for trigger in state.triggers.triggers.values where trigger.status == .active { state.setDateTimers(trigger) }
    }
}

extension SiteState {
    /// Puts a trigger in force (or replaces it): its date timers, and a pause drops its in-app messages.
    mutating func install(_ trigger: Trigger) {
        triggers.triggers[trigger.key] = trigger
        setDateTimers(trigger)
        if trigger.status == .paused {
            for (profile, waiting) in triggers.inApp { triggers.inApp[profile] = waiting.filter { $0.trigger != trigger.key } }
        }
    }

    /// Takes a deleted trigger out of force: its timers, what it waits for and its in-app messages.
    mutating func uninstallTrigger(_ key: String) {
        triggers.triggers[key] = nil
        triggers.dateTimers[key] = nil
        for progress in triggers.progress.keys where progress.trigger == key { triggers.progress[progress] = nil }
        for (profile, waiting) in triggers.inApp { triggers.inApp[profile] = waiting.filter { $0.trigger != key } }
    }
}
