import Foundation

/// A personal offer of bonus points, carried by an experience variant's payload:
/// `{"points_offer":{"factor":2,"category":"pastries"}}` ("double points on pastries").
///
/// While the person's exposure to the variant is within the experience's goal window, their
/// earning events use the offer's factor instead of the programme's when it is higher: on the
/// order's lines of `category` (matched case-insensitively against the catalog), or on the whole
/// amount when no category is given. Offers do not stack with multipliers: the higher factor wins.
public struct PointsOffer: Sendable, Hashable {
    /// `factor` in hundredths (2 → 200).
    public var factor: Int64
    /// `category`: only the order lines of items in this category; nil for the whole amount.
    public var category: String?

    /// An offer of `factor` hundredths on `category` (or everything).
    public init(factor: Int64, category: String? = nil) {
        self.factor = factor
        self.category = category
    }

    /// The offer in a variant's payload, if it has a well-formed `points_offer`.
    public init?(payload: JSONValue) {
        guard let offer = payload["points_offer"], let raw = offer["factor"], let factor = Decimal100.parse(raw),
            factor > 0, factor <= RewardsProgram.maxFactor
        else { return nil }
        self.factor = factor
        category = offer["category"]?.stringValue
    }
}

extension RewardsLedger {
    /// The points an event earns under `rule`, the programme's `factor` and the person's `offers`
    /// (see ``PointsOffer``); `category` looks an item's category up in the catalog.
    static func points(
        for event: Event, rule: RewardsProgram.EarnRule, factor: Int64, offers: [PointsOffer], category: (ItemID) -> String?
    ) -> (points: Int64, amount: Int64)? {
        let whole = max(factor, offers.filter { $0.category == nil }.map(\.factor).max() ?? 0)
        switch rule.unit {
        case .event:
            return (rule.pointsPerUnit * whole / 10_000, 0)
        case .revenue:
            guard let amount = amount(of: event, property: rule.property), amount > 0 else { return nil }
            var points = multiplyDivide(amount, rule.pointsPerUnit * whole, 1_000_000) ?? maxPointsPerEvent
            // Each category offer adds what its factor gives beyond the whole order's, on its lines.
            var best: [String: Int64] = [:]
            for offer in offers { if let c = offer.category?.lowercased(), offer.factor > whole { best[c] = max(best[c] ?? 0, offer.factor) } }
            guard !best.isEmpty, let lines = event.properties["products"]?.arrayValue else { return (points, amount) }
            var byCategory: [String: Int64] = [:]
            for line in lines {
                guard let raw = line["product_id"]?.idString, let c = category(ItemID(raw))?.lowercased(), best[c] != nil,
                    let price = line["price"].flatMap(Decimal100.parse), price > 0
                else { continue }
                let quantity = line["quantity"]?.doubleValue ?? 1
                guard quantity >= 0, quantity.rounded(.down) == quantity, quantity < 1e9 else { continue }
                let (value, overflow) = price.multipliedReportingOverflow(by: Int64(quantity))
                if !overflow { byCategory[c, default: 0] += value }
            }
            for (c, lineAmount) in byCategory {
                guard let offered = best[c] else { continue }
                // Never more than the order's amount earns bonus, whatever the lines say.
                let bonus = multiplyDivide(min(lineAmount, amount), rule.pointsPerUnit * (offered - whole), 1_000_000) ?? 0
                points = min(points + bonus, maxPointsPerEvent)
            }
            return (points, amount)
        }
    }
}
