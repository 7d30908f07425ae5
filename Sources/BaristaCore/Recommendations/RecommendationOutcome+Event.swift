extension RecommendationOutcome {
    /// The outcome an event reports, when it carries `properties.recommendation_id` (or `ranking_id`) and is a click
    /// (`Product Clicked`, `Product Viewed`), an add (`Product Added`) or an order (`Order Completed`,
    /// whose revenue is `revenue`, else `total`, else the sum of its lines); nil for anything else.
    public init?(_ event: Event, profile: ProfileID) {
        guard event.kind == .track, let name = event.name,
            let recommendation = (event.properties["recommendation_id"] ?? event.properties["ranking_id"])?.stringValue, !recommendation.isEmpty
        else { return nil }
        let kind: Kind
        var revenue = 0.0
        switch name {
        case EventName.productClicked, EventName.productViewed: kind = .click
        case EventName.productAdded: kind = .add
        case EventName.orderCompleted:
            kind = .order
            let lines = event.properties["products"]?.arrayValue ?? []
            let lineTotal = lines.reduce(0.0) { $0 + ($1["quantity"]?.doubleValue ?? 1) * ($1["price"]?.doubleValue ?? 0) }
            revenue = event.properties["revenue"]?.doubleValue ?? event.properties["total"]?.doubleValue ?? lineTotal
        default: return nil
        }
        self.init(
            recommendationID: recommendation, profileID: profile, kind: kind, itemID: kind == .order ? nil : event.productID,
            revenue: revenue, messageID: event.messageID, at: event.timestamp)
    }
}
