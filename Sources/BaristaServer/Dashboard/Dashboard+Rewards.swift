import BaristaCore
import BaristaEngine
import Foundation
import Hummingbird

extension Dashboard {
    /// `/dashboard/rewards`: the programme's rules, tiers and rewards, what it owes (points
    /// outstanding) and what it earns against the global holdout; a marketer edits the programme.
    func registerRewards(on router: Router<BaristaRequestContext>) {
        router.get("/dashboard/rewards") { request, _ in
            try await signedIn(request) { signed in
                let program = try await engine.rewardsProgram(site: signed.site)
                return try await rewardsPage(signed, status: .ok, text: Self.prettyJSON(program.json, dropping: ["updated_at"]), errors: [], notice: nil)
            }
        }

        router.post("/dashboard/rewards") { request, _ in
            try await signedIn(request, role: .marketer) { signed in
                let text = signed.form.raw("program") ?? ""
                let body: JSONValue
                do { body = try JSON.parse(text) } catch {
                    return try await rewardsPage(signed, status: .unprocessableContent, text: text, errors: [["field": "", "message": "the programme is not JSON: \(error)"]], notice: nil)
                }
                switch RewardsProgram.parse(body, now: engine.currentTime) {
                case .failure(let failure):
                    return try await rewardsPage(signed, status: .unprocessableContent, text: text,
                        errors: failure.errors.map { ["field": $0.field, "message": $0.message] }, notice: nil)
                case .success(let program):
                    let saved = try await engine.replaceRewardsProgram(program, site: signed.site)
                    return try await rewardsPage(signed, status: .ok, text: Self.prettyJSON(saved.json, dropping: ["updated_at"]), errors: [],
                        notice: "Programme saved; it applies to events from now on.")
                }
            }
        }
    }

    private func rewardsPage(_ signed: DashboardRequest, status: HTTPResponse.Status, text: String, errors: [[String: String]], notice: String?) async throws -> Response {
        let program = try await engine.rewardsProgram(site: signed.site)
        let liability = try await engine.rewardsLiability(site: signed.site)
        let now = engine.currentTime
        let value = try await engine.rewardsValue(site: signed.site, from: now.addingTimeInterval(-30 * 86_400), to: now)
        func side(_ name: String) -> [String: Any] {
            let side = value[name] ?? .null
            return [
                "profiles": side["profiles"]?.mustache ?? "0", "earned": side["points_earned"]?.mustache ?? "0",
                "redeemed": side["points_redeemed"]?.mustache ?? "0", "revenue": side["order_revenue"]?.mustache ?? "0",
                "per_profile": side["order_revenue_per_profile"]?.mustache ?? "–",
            ]
        }
        func window(_ tier: RewardsProgram.Tier) -> String { tier.windowText }
        return render(status: status, page: "rewards", title: "Rewards", session: signed.session, [
            "outstanding": liability.outstanding.formatted(), "holders": liability.holders.formatted(),
            "earn": program.earn.map { ["event": $0.event, "points": SVGChart.number(Double($0.pointsPerUnit) / 100), "unit": $0.unit.rawValue] as [String: Any] },
            "multipliers": program.multipliers.map { m in
                ["segment": m.segment ?? "everyone", "factor": SVGChart.number(Double(m.factor) / 100),
                 "from": m.from.map(DashboardTime.show) ?? "always", "to": m.to.map(DashboardTime.show) ?? "no end"] as [String: Any]
            },
            "tiers": program.tiers.map { tier in
                ["key": tier.key, "min": tier.minPoints.formatted(), "window": window(tier), "people": (liability.tiers[tier.key] ?? 0).formatted(),
                 "benefits": JSON.string(.object(tier.benefits), sortedKeys: true)] as [String: Any]
            },
            "rewards": program.rewards.map { reward in
                ["key": reward.key, "title": reward.title ?? reward.key, "points": reward.points.formatted(),
                 "can_redeem": (liability.canRedeem[reward.key] ?? 0).formatted()] as [String: Any]
            },
            "has_program": !program.earn.isEmpty || !program.rewards.isEmpty, "has_tiers": !program.tiers.isEmpty,
            "treated": side("personalized"), "holdout": side("holdout"),
            "program": text, "errors": errors, "notice": notice ?? false,
        ])
    }
}
