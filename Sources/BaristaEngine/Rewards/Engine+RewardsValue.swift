import BaristaCore
import Foundation

extension Engine {
    /// The `rewards` part of `GET /v1/reports/value`: what the programme did in `[from, to)` for
    /// the site's global holdout and for everyone else (who also get personal offers), from the
    /// ledgers in memory. Per side: `profiles` with any ledger entry in the period, points earned,
    /// reversed by refunds and redeemed, the revenue of the orders that earned (exact, from
    /// hundredths) and that revenue per profile.
    public func rewardsValue(site: SiteID, from: Date, to: Date) async throws -> JSONValue {
        let runtime = try await runtime(site)
        return runtime.state.withLock { state in
            struct Side { var profiles = 0, earned: Int64 = 0, reversed: Int64 = 0, redeemed: Int64 = 0, revenue: Int64 = 0 }
            var sides = [false: Side(), true: Side()]
            for (id, profile) in state.profiles {
                let inPeriod = profile.rewards.entries.filter { $0.at >= from && $0.at < to }
                guard !inPeriod.isEmpty else { continue }
                let holdout = state.inGlobalHoldout(id)
                var side = sides[holdout] ?? Side()
                side.profiles += 1
                for entry in inPeriod {
                    switch entry.kind {
                    case .earn:
                        side.earned += entry.points
                        if entry.label == EventName.orderCompleted { side.revenue += entry.amount }
                    case .reversal:
                        side.reversed -= entry.points
                        side.revenue -= entry.amount
                    case .redemption: side.redeemed -= entry.points
                    }
                }
                sides[holdout] = side
            }
            func json(_ side: Side) -> JSONValue {
                [
                    "profiles": .number(Double(side.profiles)), "points_earned": .number(Double(side.earned)),
                    "points_reversed": .number(Double(side.reversed)), "points_redeemed": .number(Double(side.redeemed)),
                    "order_revenue": Decimal100.json(side.revenue),
                    "order_revenue_per_profile": side.profiles == 0 ? .null : .number((Double(side.revenue) / Double(side.profiles)).rounded() / 100),
                ]
            }
            return [
                "program": .bool(state.rewards.program != nil),
                "personalized": json(sides[false] ?? Side()), "holdout": json(sides[true] ?? Side()),
            ]
        }
    }
}
