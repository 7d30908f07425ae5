import BaristaCore
import Foundation
import Logging

/// What a redemption left: the person and their balance after it.
public struct RedemptionResult: Sendable, Hashable {
    /// The profile the points were spent from.
    public var profileID: ProfileID
    /// `balance` after the redemption.
    public var balance: Int64
    /// The reward redeemed.
    public var reward: String
    /// The points it cost.
    public var points: Int64
    /// False when the `message_id` had already redeemed: nothing was spent this time.
    public var redeemed: Bool
}

extension Engine {
    /// The kind the programme is stored under (one definition per site, key ``rewardsProgramKey``).
    static let rewardsKind = "rewards"
    static let rewardsProgramKey = "program"

    /// The site's rewards programme; an empty one before any was saved.
    public func rewardsProgram(site: SiteID) async throws -> RewardsProgram {
        try await runtime(site).state.withLock { $0.rewards.program } ?? RewardsProgram()
    }

    /// Saves the site's programme (`PUT /v1/rewards/program`). It applies to events folded from
    /// now on; points already earned stay as they were. Segments are re-evaluated for everyone,
    /// since tiers and rewards (what `rewards` leaves read) may have changed.
    public func replaceRewardsProgram(_ program: RewardsProgram, site: SiteID) async throws -> RewardsProgram {
        let runtime = try await runtime(site)
        var program = program
        program.updatedAt = program.updatedAt ?? now()
        let created = runtime.state.withLock { $0.rewards.program == nil }
        let time = program.updatedAt ?? now()
        try await store.saveDefinition(
            StoredDefinition(kind: Self.rewardsKind, key: Self.rewardsProgramKey, body: JSON.string(program.json), createdAt: time, updatedAt: time),
            site: site)
        runtime.state.withLock { state in
            state.rewards.program = program
            state.servingGeneration += 1
            state.reevaluateEveryone(state.segments.order, now: now())
        }
        await announceDefinitions(Self.rewardsKind, keys: [Self.rewardsProgramKey], site: site)
        logger.info("rewards program saved", metadata: [
            "site.id": "\(site)", "rewards.earn_rules": "\(program.earn.count)", "rewards.created": "\(created)",
        ])
        return program
    }

    /// Spends a reward's points from a person's balance (`POST /v1/rewards/redeem`).
    ///
    /// The balance is checked under the site's lock, less the redemptions of the same person still
    /// being committed, and the points are reserved before the `Reward Redeemed` event is written:
    /// of two redemptions racing for the same points, the second sees the first and is refused.
    /// A `message_id` that already redeemed answers the balance again and spends nothing.
    ///
    /// - Throws: ``BaristaError/invalid(_:)`` at `/reward` for a reward the programme does not
    ///   have; ``BaristaError/conflict(_:)`` when the balance is short (an unknown person has 0),
    ///   or when the `message_id` names another event or a redemption still in flight.
    public func redeem(user: UserReference, reward key: String, messageID: String?, site: SiteID) async throws -> RedemptionResult {
        let runtime = try await runtime(site)
        let now = now()
        let messageID = messageID ?? "redeem-" + RandomID.string(length: 24)
        enum Check { case replay(RedemptionResult), reserved(ProfileID, RewardsProgram.Reward) }
        let check = try runtime.state.withLock { state -> Check in
            guard let reward = state.rewards.program?.reward(key) else {
                let known = state.rewards.program?.rewards.map(\.key) ?? []
                throw BaristaError.invalid("/reward", known.isEmpty ? "is not a reward: the program has none" : "is not a reward of the program (\(known.joined(separator: ", ")))")
            }
            guard let id = state.resolve(user), let profile = state.profiles[id] else {
                throw BaristaError.conflict("the balance is 0 points, short of the \(reward.points) points \(reward.key) costs")
            }
            if let entry = profile.rewards.entries.last(where: { $0.messageID == messageID }) {
                guard entry.kind == .redemption else { throw BaristaError.conflict("message_id \(messageID) belongs to another event") }
                return .replay(RedemptionResult(profileID: id, balance: profile.rewards.balance, reward: entry.label ?? key, points: -entry.points, redeemed: false))
            }
            if state.rewards.reservations.values.contains(where: { $0[messageID] != nil }) {
                throw BaristaError.conflict("a redemption with message_id \(messageID) is being committed; retry to read its result")
            }
            let available = profile.rewards.balance - state.rewards.reserved(id)
            guard available >= reward.points else {
                throw BaristaError.conflict("the balance is \(available) points, short of the \(reward.points) points \(reward.key) costs (\(reward.points - available) more needed)")
            }
            state.rewards.reservations[id, default: [:]][messageID] = reward.points
            return .reserved(id, reward)
        }
        guard case .reserved(let id, let reward) = check else {
            if case .replay(let result) = check { return result }
            preconditionFailure("a redemption check answered neither a replay nor a reservation")
        }
        let event = Event(
            kind: .track, name: EventName.rewardRedeemed, messageID: messageID, timestamp: now, receivedAt: now,
            properties: ["reward": .string(reward.key), "points": .number(Double(reward.points))], context: ["channel": "api"])
        let results: [IngestResult]
        do {
            results = try await ingest([IngestItem(event: event, fixedProfile: id)], runtime: runtime)
        } catch {
            runtime.state.withLock { $0.rewards.release(messageID, of: id) }
            throw error
        }
        return try runtime.state.withLock { state in
            // Folding the event released the reservation; a duplicate or an erasure did not.
            state.rewards.release(messageID, of: id)
            let profileID = results.first?.profileID ?? id
            guard let profile = state.profiles[profileID] else { throw BaristaError.notFound("the profile was erased meanwhile") }
            guard results.first?.stored == true || profile.rewards.contains(messageID: messageID) else {
                throw BaristaError.conflict("message_id \(messageID) belongs to another event")
            }
            return RedemptionResult(profileID: profileID, balance: profile.rewards.balance, reward: reward.key, points: reward.points,
                redeemed: results.first?.stored == true)
        }
    }

    /// Reads the site's programme at load, before the log is replayed (the replay earns under it).
    static func loadRewards(into state: inout SiteState, store: any BaristaStore, logger: Logger) async throws {
        guard let entry = try await store.definitions(kind: rewardsKind, site: state.site.id).first(where: { $0.key == rewardsProgramKey }) else { return }
        do {
            var program = try RewardsProgram.parse(try JSON.parse(entry.body), now: entry.updatedAt).mapError { BaristaError.invalid($0.errors) }.get()
            program.updatedAt = entry.updatedAt
            state.rewards.program = program
        } catch {
            logger.error("stored rewards program unreadable: skipped", metadata: ["site.id": "\(state.site.id)", "error": "\(error)"])
        }
    }
}
