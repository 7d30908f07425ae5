import BaristaCore
import BaristaEngine
import Foundation
import Hummingbird

extension Dashboard {
    /// `/dashboard/recommendations`: what every strategy returns for a person, an anonymous
    /// session or a product page (previews are not logged as impressions), and each strategy's
    /// performance over the last 30 days.
    func registerRecommendations(on router: Router<BaristaRequestContext>) {
        router.get("/dashboard/recommendations") { request, _ in
            try await signedIn(request) { signed in
                let query = signed.query
                let who = query["who"] ?? "user"
                let id = query["id"]
                let itemID = query["item"]
                var strategies: [[String: Any]] = []
                var problems: [String] = []
                if id != nil || itemID != nil {
                    var user: UserReference?
                    if let id {
                        if who == "anonymous" { user = UserReference(anonymousID: id) }
                        else if who == "profile", let snapshot = try await engine.profile(id, by: .profileID, site: signed.site) {
                            user = snapshot.userIDs.first.map { UserReference(userID: $0) } ?? snapshot.anonymousIDs.first.map { UserReference(anonymousID: $0) }
                        } else { user = UserReference(userID: id) }
                    }
                    if let itemID, try await engine.item(ItemID(itemID), site: signed.site) == nil {
                        problems.append("No item has the id \(itemID); strategies that need a product page fall back.")
                    }
                    for strategy in RecommendationStrategy.allCases {
                        var recommendation = RecommendationRequest(strategy: strategy, user: user)
                        recommendation.limit = 8
                        recommendation.contextItem = itemID.map { ItemID($0) }
                        do {
                            let result = try await engine.recommend(recommendation, site: signed.site, logged: false)
                            strategies.append(["strategy": strategy.rawValue, "items": result.items.map(Self.itemCard), "empty": result.items.isEmpty])
                        } catch let error as BaristaError {
                            strategies.append(["strategy": strategy.rawValue, "items": [], "empty": true, "error": Self.describe(error)])
                        }
                    }
                }
                let now = engine.currentTime
                let report = try await engine.recommendationReport(site: signed.site, from: now.addingTimeInterval(-30 * 86_400), to: now.addingTimeInterval(1))
                let performance: [[String: Any]] = report.map { row in
                    [
                        "strategy": row.strategy, "requests": row.requests.formatted(), "impressions": row.impressions.formatted(),
                        "clicks": row.clicks.formatted(),
                        "ctr": row.impressions == 0 ? "–" : SVGChart.number(Double(row.clicks) / Double(row.impressions) * 100) + "%",
                        "orders": row.orders.formatted(), "revenue": row.revenue.formatted(.number.precision(.fractionLength(0...2))),
                    ]
                }
                return render(page: "recommendations", title: "Recommendations", session: signed.session, [
                    "who_user": who == "user", "who_anonymous": who == "anonymous", "who_profile": who == "profile",
                    "id": id ?? "", "item": itemID ?? "", "strategies": strategies, "asked": !strategies.isEmpty,
                    "problems": problems, "performance": performance, "no_performance": performance.isEmpty,
                ])
            }
        }
    }

    /// An item as the pages show it: picture, title, price, and why.
    static func itemCard(_ recommended: RecommendedItem) -> [String: Any] {
        var card = itemCard(recommended.item)
        card["reason"] = recommended.reason
        card["score"] = SVGChart.number(recommended.score)
        return card
    }

    static func itemCard(_ item: Item) -> [String: Any] {
        [
            "id": item.id.rawValue, "title": item.title ?? item.id.rawValue,
            "image": item.imageURL.flatMap { $0.hasPrefix("https://") || $0.hasPrefix("http://") || $0.hasPrefix("/") ? $0 : nil } ?? false,
            "price": item.price.map { ($0.formatted(.number.precision(.fractionLength(2)))) + (item.currency.map { " " + $0 } ?? "") } ?? "",
            "category": item.category ?? "", "brand": item.brand ?? "", "in_stock": item.inStock,
        ]
    }
}
