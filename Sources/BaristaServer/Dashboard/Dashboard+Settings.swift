import BaristaCore
import BaristaEngine
import Foundation
import Hummingbird

extension Dashboard {
    /// `/dashboard/settings`: keys (create, revoke), the global holdout, feedback weights, the
    /// webhook secret, data retention and the rest of the site's settings. Everyone may read it;
    /// only an admin may change it. Secrets are never shown back, only whether they are set; a new
    /// key is shown once, when it is made.
    func registerSettings(on router: Router<BaristaRequestContext>) {
        router.get("/dashboard/settings") { request, _ in
            try await signedIn(request) { signed in
                try await settingsPage(signed, status: .ok, extra: [:])
            }
        }

        router.post("/dashboard/settings") { request, _ in
            try await signedIn(request, role: .admin) { signed in
                let form = signed.form
                switch form["action"] {
                case "create_key":
                    let scope = KeyScope(rawValue: form["scope"] ?? "") ?? .publishable
                    let key = try await engine.createKey(site: signed.site, scope: scope)
                    return try await settingsPage(signed, status: .ok, extra: ["new_key": key, "new_key_scope": scope.rawValue])
                case "revoke_key":
                    guard let prefix = form["prefix"], prefix.count >= APIKeyRecord.prefixLength,
                          try await engine.keys(site: signed.site).contains(where: { $0.prefix == prefix }) else {
                        throw DashboardFailure(status: .notFound, title: "No such key", detail: "This site has no key with that prefix.")
                    }
                    _ = try await engine.revokeKeys(prefix: prefix)
                    return try await settingsPage(signed, status: .ok, extra: ["notice": "Revoked \(prefix)…; requests with it are refused from now on."])
                case "settings":
                    let (patch, problems) = settingsPatch(form)
                    guard problems.isEmpty else { return try await settingsPage(signed, status: .unprocessableContent, extra: ["errors": problems]) }
                    do {
                        _ = try await engine.updateSettings(site: signed.site, patch: patch)
                    } catch let error as BaristaError {
                        return try await settingsPage(signed, status: .unprocessableContent, extra: ["errors": Self.problems(error)])
                    }
                    return try await settingsPage(signed, status: .ok, extra: ["notice": "Settings saved."])
                default:
                    throw DashboardFailure(status: .unprocessableContent, title: "Unknown action", detail: "This page saves settings and creates or revokes keys.")
                }
            }
        }
    }

    private func settingsPage(_ signed: DashboardRequest, status: HTTPResponse.Status, extra: [String: Any]) async throws -> Response {
        let settings = try await engine.settings(site: signed.site)
        let json = settings.json
        let keys: [[String: Any]] = try await engine.keys(site: signed.site).sorted { $0.createdAt > $1.createdAt }.map { key in
            ["prefix": key.prefix, "scope": key.scope.rawValue, "created": DashboardTime.show(key.createdAt),
             "revoked": key.revokedAt.map(DashboardTime.show) ?? false]
        }
        let weights = settings.feedbackWeights.sorted { $0.key < $1.key }.map { "\($0.key)=\(SVGChart.number($0.value))" }.joined(separator: "\n")
        var values: [String: Any] = [
            "keys": keys,
            "holdout": SVGChart.number(settings.globalHoldoutPercent),
            "weights": weights,
            "webhook_set": settings.webhookSecret != nil,
            "identity_set": settings.identitySecret != nil,
            "retention": settings.retentionDays.map { "\($0)" } ?? "",
            "origins": settings.allowedOrigins.joined(separator: "\n"),
            "require_user_hash": settings.requireUserHash,
            "rate_limit": SVGChart.number(settings.rateLimitPerSecond),
            "cap": SVGChart.number(settings.emailFrequencyCapPerWeek),
            "half_life": settings.affinityHalfLife,
            "json": JSON.string(json, sortedKeys: true),
            "users": try await engine.dashboardUsers(site: signed.site).map { ["email": $0.email, "role": $0.role.rawValue] },
        ]
        for (key, value) in extra { values[key] = value }
        return render(status: status, page: "settings", title: "Settings", session: signed.session, values)
    }

    /// A `PATCH /v1/settings` body from the form; the engine validates the values.
    private func settingsPatch(_ form: FormData) -> (JSONValue, [[String: String]]) {
        var patch: [String: JSONValue] = [:]
        var problems: [[String: String]] = []
        func number(_ field: String, _ name: String) {
            guard let text = form[field] else { return }
            if let value = Double(text) { patch[name] = .number(value) } else { problems.append(["field": "/\(name)", "message": "must be a number"]) }
        }
        number("holdout", "global_holdout_percent")
        number("rate_limit", "rate_limit_per_second")
        number("cap", "email_frequency_cap_per_week")
        if let text = form["retention"] {
            if let days = Double(text) { patch["retention_days"] = .number(days) } else { problems.append(["field": "/retention_days", "message": "must be a whole number of days, or empty to keep everything"]) }
        } else if form.values("retention").count == 1 {
            patch["retention_days"] = .null
        }
        if let halfLife = form["half_life"] { patch["affinity_half_life"] = .string(halfLife) }
        if let text = form.raw("weights") {
            var weights: [String: JSONValue] = [:]
            for line in text.split(whereSeparator: \.isNewline) where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, !parts[0].isEmpty, let weight = Double(parts[1]) else {
                    problems.append(["field": "/feedback_weights", "message": "each line must read Event Name=weight, not \"\(line)\""])
                    continue
                }
                weights[parts[0]] = .number(weight)
            }
            patch["feedback_weights"] = .object(weights)
        }
        if let text = form.raw("origins") {
            patch["allowed_origins"] = .array(text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map(JSONValue.string))
        }
        patch["require_user_hash"] = .bool(form["require_user_hash"] != nil)
        if let secret = form.raw("webhook_secret"), !secret.isEmpty { patch["webhook_secret"] = .string(secret) }
        if form["clear_webhook_secret"] != nil { patch["webhook_secret"] = .null }
        if let secret = form.raw("identity_secret"), !secret.isEmpty { patch["identity_secret"] = .string(secret) }
        return (.object(patch), problems)
    }
}
