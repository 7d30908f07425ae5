import BaristaCore
import Foundation
import Synchronization

/// Events stored per site and minute, the last two hours, counted as this node accepts them.
final class EventRate: Sendable {
    private let minutes = Mutex<[SiteID: [Int: Int]]>([:])

    func record(_ count: Int, site: SiteID, at time: Date) {
        guard count > 0 else { return }
        let minute = Int(time.timeIntervalSince1970 / 60)
        minutes.withLock { all in
            all[site, default: [:]][minute, default: 0] += count
            if all[site]!.count > 150 { all[site] = all[site]!.filter { $0.key > minute - 120 } }
        }
    }

    func counts(site: SiteID, last count: Int, at time: Date) -> [Int] {
        let now = Int(time.timeIntervalSince1970 / 60)
        let site = minutes.withLock { $0[site] ?? [:] }
        return (0..<count).map { site[now - count + 1 + $0] ?? 0 }
    }
}

/// A site's audience at a glance: the overview's figures, read from the live profiles.
public struct SiteActivity: Sendable, Hashable {
    /// Every profile.
    public var profiles: Int
    /// Profiles with a user id (known customers).
    public var identified: Int
    /// Profiles seen in the last 7 and 30 days.
    public var active7d: Int, active30d: Int
    /// Profiles with at least one order.
    public var customers: Int
    /// All orders and their revenue, as folded into profiles.
    public var orders: Int
    public var revenue: Double
}

extension Engine {
    /// How many events this node stored for the site in each of the last `minutes` minutes, oldest first.
    public func eventsPerMinute(site: SiteID, minutes: Int = 60) -> [Int] {
        eventRate.counts(site: site, last: minutes, at: now())
    }

    /// The overview's audience figures.
    public func activity(site: SiteID) async throws -> SiteActivity {
        let runtime = try await runtime(site)
        let time = now()
        // Copy-on-write views taken under the lock (as the prediction triggers do): the pass over
        // every profile runs outside it, so requests are not held up by it; a write meanwhile pays
        // one copy instead.
        let (profiles, identities) = runtime.state.withLock { ($0.profiles, $0.identities) }
        var activity = SiteActivity(profiles: profiles.count, identified: 0, active7d: 0, active30d: 0, customers: 0, orders: 0, revenue: 0)
        for (id, profile) in profiles {
            if !identities.ids(of: id, kind: .user).isEmpty { activity.identified += 1 }
            if let seen = profile.lastSeen {
                let age = time.timeIntervalSince(seen)
                if age <= 7 * 86_400 { activity.active7d += 1 }
                if age <= 30 * 86_400 { activity.active30d += 1 }
            }
            if profile.orders > 0 { activity.customers += 1 }
            activity.orders += profile.orders
            activity.revenue += profile.revenue
        }
        return activity
    }
}
