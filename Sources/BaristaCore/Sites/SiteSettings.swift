import Foundation

/// A site's settings (`GET/PATCH /v1/settings`), with the defaults of API.md.
///
/// Secrets (`webhook_secret`, `identity_secret`) are write-only: ``json`` shows only whether they are set.
public struct SiteSettings: Sendable, Hashable, Codable {
    public var defaultConsent = Consent(personalization: true, email: false, analytics: true)
    public var globalHoldoutPercent: Double = 0
    public var feedbackWeights: [String: Double] = SiteSettings.defaultFeedbackWeights
    /// Affinity half-life, as written (`30d`).
    public var affinityHalfLife = "30d"
    public var boosts: [JSONValue] = []
    public var webhookSecret: String?
    public var identitySecret: String?
    public var requireUserHash = false
    public var allowedOrigins: [String] = []
    public var emailFrequencyCapPerWeek: Double = 7
    public var quietHours: JSONValue? = nil
    public var retentionDays: Int? = nil
    public var rateLimitPerSecond: Double = 0

    public static let defaultFeedbackWeights: [String: Double] = [
        EventName.orderCompleted: 5, EventName.productAdded: 3, EventName.productClicked: 1.5, EventName.productViewed: 1,
    ]

    public init() {}

    /// The half-life in seconds.
    public var halfLifeSeconds: Double { DurationText.seconds(affinityHalfLife) ?? 30 * 86_400 }

    public var json: JSONValue {
        [
            "default_consent": defaultConsent.json,
            "global_holdout_percent": .number(globalHoldoutPercent),
            "feedback_weights": .object(feedbackWeights.mapValues(JSONValue.number)),
            "affinity_half_life": .string(affinityHalfLife),
            "boosts": .array(boosts),
            "webhook_secret": ["set": .bool(webhookSecret != nil)],
            "identity_secret": ["set": .bool(identitySecret != nil)],
            "require_user_hash": .bool(requireUserHash),
            "allowed_origins": .array(allowedOrigins.map(JSONValue.string)),
            "email_frequency_cap_per_week": .number(emailFrequencyCapPerWeek),
            "quiet_hours": quietHours ?? .null,
            "retention_days": retentionDays.map { .number(Double($0)) } ?? .null,
            "rate_limit_per_second": .number(rateLimitPerSecond),
        ]
    }

    /// Applies a `PATCH /v1/settings` body: only the members present change; every error is reported.
    public func patched(with value: JSONValue) -> Result<SiteSettings, ValidationErrors> {
        guard case .object(let patch) = value else {
            return .failure(ValidationErrors([FieldError(field: "", message: "must be an object")]))
        }
        var s = self
        var errors: [FieldError] = []
        func fail(_ key: String, _ message: String) { errors.append(FieldError(field: "/" + key, message: message)) }
        for (key, v) in patch {
            switch key {
            case "default_consent":
                switch Consent.parse(v, at: JSONPointer("/default_consent")) {
                case .success(let c): s.defaultConsent = s.defaultConsent.updated(with: c)
                case .failure(let e): errors += e.errors
                }
            case "global_holdout_percent":
                if let n = v.doubleValue, (0...100).contains(n) { s.globalHoldoutPercent = n } else { fail(key, "must be a number from 0 to 100") }
            case "feedback_weights":
                if let o = v.objectValue, o.values.allSatisfy({ ($0.doubleValue ?? -1) >= 0 }) {
                    s.feedbackWeights = o.compactMapValues(\.doubleValue)
                } else { fail(key, "must be an object of event names to numbers ≥ 0") }
            case "affinity_half_life":
                if let t = v.stringValue, let secs = DurationText.seconds(t), secs > 0 { s.affinityHalfLife = t } else { fail(key, "must be a duration such as \"30d\"") }
            case "boosts":
                if let a = v.arrayValue, a.allSatisfy({ $0["attribute"]?.stringValue != nil && $0["value"] != nil && ($0["factor"]?.doubleValue ?? -1) >= 0 }) {
                    s.boosts = a
                } else { fail(key, "must be an array of {\"attribute\",\"value\",\"factor\"} with factor ≥ 0") }
            case "webhook_secret", "identity_secret":
                let secret: String?
                if v.isNull { secret = nil } else if let t = v.stringValue, t.count >= 16, t.count <= 256 { secret = t } else {
                    fail(key, "must be a string of 16 to 256 characters, or null")
                    continue
                }
                if key == "webhook_secret" { s.webhookSecret = secret } else { s.identitySecret = secret }
            case "require_user_hash":
                if let b = v.boolValue { s.requireUserHash = b } else { fail(key, "must be true or false") }
            case "allowed_origins":
                if let a = v.arrayValue, a.allSatisfy({ $0.stringValue?.hasPrefix("http") ?? false }) {
                    s.allowedOrigins = a.compactMap(\.stringValue)
                } else { fail(key, "must be an array of origins such as \"https://shop.example\"") }
            case "email_frequency_cap_per_week":
                if let n = v.doubleValue, n >= 0, n <= 100 { s.emailFrequencyCapPerWeek = n } else { fail(key, "must be a number from 0 to 100") }
            case "quiet_hours":
                if v.isNull || (v["start"]?.stringValue != nil && v["end"]?.stringValue != nil) { s.quietHours = v.isNull ? nil : v } else {
                    fail(key, "must be {\"start\":\"22:00\",\"end\":\"08:00\"} or null")
                }
            case "retention_days":
                if v.isNull { s.retentionDays = nil } else if let n = v.doubleValue, n >= 1, n.rounded() == n { s.retentionDays = Int(n) } else {
                    fail(key, "must be a whole number of days ≥ 1, or null")
                }
            case "rate_limit_per_second":
                if let n = v.doubleValue, n >= 0 { s.rateLimitPerSecond = n } else { fail(key, "must be a number ≥ 0 (0 = off)") }
            default:
                fail(key, "is not a setting")
            }
        }
        return errors.isEmpty ? .success(s) : .failure(ValidationErrors(errors.sorted { $0.field < $1.field }))
    }
}
