import Foundation

extension RewardsLedger {
    /// Folds one event into the ledger under `program`, for a person in `segments` just before
    /// the event and with the personal `offers` running for them (``PointsOffer``; `category`
    /// reads an item's category for offers on one); returns the entry it added, if any.
    ///
    /// - An event with an earn rule earns `floor(amount × points_per_unit × factor)`, computed in
    ///   exact hundredths with one rounding down at the end (`19.99` at 10 per unit: 199 points),
    ///   where the factor is the highest multiplier or offer that applies (1 when none does). Nothing is
    ///   added for an amount of zero or less.
    /// - `Order Refunded` reverses the points of the earn entries of its `order_id`: all that is
    ///   left of them without `revenue`; with it, in proportion to the amount refunded so far, so
    ///   partial refunds that add up to the order reverse exactly what it earned.
    /// - `Reward Redeemed` spends its `points` (checked by the engine before it was recorded).
    /// - An event whose `message_id` is already in the ledger changes nothing.
    @discardableResult
    public mutating func fold(
        _ event: Event, program: RewardsProgram, segments: Set<String>, offers: [PointsOffer] = [], category: (ItemID) -> String? = { _ in nil }
    ) -> Entry? {
        guard event.kind == .track, let name = event.name, !contains(messageID: event.messageID) else { return nil }
        switch name {
        case EventName.rewardRedeemed:
            guard let cost = event.properties["points"]?.doubleValue, cost.rounded() == cost, cost > 0, cost <= Double(RewardsProgram.maxPoints)
            else { return nil }
            let entry = Entry(kind: .redemption, messageID: event.messageID, at: event.timestamp, points: -Int64(cost),
                label: event.properties["reward"]?.stringValue)
            append(entry)
            return entry
        case EventName.orderRefunded:
            return reverse(event)
        default:
            guard let rule = program.earn.first(where: { $0.event == name }) else { return nil }
            let factor = program.factor(at: event.timestamp, segments: segments)
            guard let earning = Self.points(for: event, rule: rule, factor: factor, offers: offers, category: category) else { return nil }
            let (points, amount) = earning
            let earned = min(points, Self.maxPointsPerEvent)
            guard earned > 0 else { return nil }
            let order = event.properties["order_id"]?.idString ?? event.messageID
            let entry = Entry(kind: .earn, messageID: event.messageID, at: event.timestamp, points: earned, order: order, amount: amount, label: name)
            append(entry)
            return entry
        }
    }

    /// The reversal an `Order Refunded` makes, appended; nil when the order earned nothing here.
    private mutating func reverse(_ event: Event) -> Entry? {
        guard let order = event.properties["order_id"]?.idString else { return nil }
        var earnedPoints: Int64 = 0, earnedAmount: Int64 = 0, refundedAmount: Int64 = 0, reversedPoints: Int64 = 0
        var origin: Date?
        for entry in entries where entry.order == order {
            switch entry.kind {
            case .earn:
                earnedPoints += entry.points
                earnedAmount += entry.amount
                origin = min(origin ?? entry.at, entry.at)
            case .reversal:
                refundedAmount += entry.amount
                reversedPoints -= entry.points
            case .redemption: break
            }
        }
        guard earnedPoints > 0, reversedPoints < earnedPoints else { return nil }
        let remaining = max(earnedAmount - refundedAmount, 0)
        var refund = remaining
        if let raw = event.properties["revenue"], let value = Decimal100.parse(raw) { refund = min(max(value, 0), remaining) }
        let target: Int64
        if earnedAmount == 0 || refundedAmount + refund >= earnedAmount {
            target = earnedPoints
        } else {
            target = multiplyDivide(earnedPoints, refundedAmount + refund, earnedAmount) ?? earnedPoints
        }
        let points = target - reversedPoints
        guard points > 0 || refund > 0 else { return nil }
        let entry = Entry(kind: .reversal, messageID: event.messageID, at: event.timestamp, points: -points, order: order, amount: refund,
            label: event.name, origin: origin)
        append(entry)
        return entry
    }

    /// The earning amount of `event` in hundredths: `property`; for an order's `revenue`, its
    /// `total` or the sum of its lines (`price` × whole `quantity`) when `revenue` is absent.
    public static func amount(of event: Event, property: String) -> Int64? {
        if let raw = event.properties[property], let value = Decimal100.parse(raw) { return value }
        guard property == "revenue", event.name == EventName.orderCompleted else { return nil }
        if let raw = event.properties["total"], let value = Decimal100.parse(raw) { return value }
        guard let lines = event.properties["products"]?.arrayValue, !lines.isEmpty else { return nil }
        var sum: Int64 = 0
        for line in lines {
            guard let price = line["price"].flatMap(Decimal100.parse) else { continue }
            let quantity = line["quantity"]?.doubleValue ?? 1
            guard quantity >= 0, quantity.rounded(.down) == quantity, quantity < 1e9 else { continue }
            let (value, overflow) = price.multipliedReportingOverflow(by: Int64(quantity))
            guard !overflow else { return nil }
            sum = sum.addingReportingOverflow(value).overflow ? sum : sum + value
        }
        return sum
    }
}
