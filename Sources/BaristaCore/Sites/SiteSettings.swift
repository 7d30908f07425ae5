import Foundation

/// A site's settings (`GET/PATCH /v1/settings`), with the defaults of API.md.
///
/// Secrets (`webhook_secret`, `identity_secret`) are write-only: ``json`` shows only whether they are set.
public struct SiteSettings: Sendable, Hashable, Codable {
    /// `default_consent`: the consent of anyone who has not set a purpose (personalization and analytics on, email off).
    public var defaultConsent = Consent(personalization: true, email: false, analytics: true)
    /// `global_holdout_percent`: the share of people (0–100) kept out of all personalization as a control; default 0.
    public var globalHoldoutPercent: Double = 0
    /// `feedback_weights`: how much one event of each name adds to affinities; default ``defaultFeedbackWeights``.
    public var feedbackWeights: [String: Double] = SiteSettings.defaultFeedbackWeights
    /// Affinity half-life, as written (`30d`).
    public var affinityHalfLife = "30d"
    /// `boosts`: `{"attribute","value","factor"}` objects multiplying matching items' scores (factor < 1 buries); default none.
    public var boosts: [JSONValue] = []
    /// `webhook_secret`: the HMAC-SHA256 key of `X-Barista-Signature` on deliveries; write-only, nil when unset.
    public var webhookSecret: String?
    /// `identity_secret`: the HMAC-SHA256 key that `user_hash` is computed with; write-only, nil when unset.
    public var identitySecret: String?
    /// `require_user_hash`: whether a publishable-key event with a `user_id` must carry a valid `user_hash`; default false.
    public var requireUserHash = false
    /// `allowed_origins`: origins (`https://shop.example`) the browser tag may call from (CORS); default none.
    public var allowedOrigins: [String] = []
    /// `email_frequency_cap_per_week`: the most emails one person is sent a week (0–100); default 7.
    public var emailFrequencyCapPerWeek: Double = 7
    /// `quiet_hours`: `{"start":"22:00","end":"08:00"}`, when no message is delivered; nil for none.
    public var quietHours: JSONValue? = nil
    /// `retention_days`: how many days events are kept; nil keeps everything.
    public var retentionDays: Int? = nil
    /// `rate_limit_per_second`: the requests each key may make per second; 0 (the default) is no limit.
    public var rateLimitPerSecond: Double = 0

    /// API.md's default `feedback_weights`: `Order Completed` 5, `Product Added` 3, `Product Clicked` 1.5, `Product Viewed` 1.
    public static let defaultFeedbackWeights: [String: Double] = [
        EventName.orderCompleted: 5, EventName.productAdded: 3, EventName.productClicked: 1.5, EventName.productViewed: 1,
    ]

    /// The settings of a new site: every field at its API.md default.
    public init() {}

    /// Whether `allowed_origins` lists `origin` (compared case-insensitively, without a trailing slash).
    public func allows(origin: String) -> Bool {
        func normalized(_ text: String) -> Substring {
            let lowered = text.lowercased()
            return lowered[..<(lowered.lastIndex { $0 != "/" }.map(lowered.index(after:)) ?? lowered.startIndex)]
        }
        let wanted = normalized(origin)
        return allowedOrigins.contains { normalized($0) == wanted }
    }

    /// The half-life in seconds.
    public var halfLifeSeconds: Double { DurationText.seconds(affinityHalfLife) ?? 30 * 86_400 }

    /// The settings as `GET /v1/settings` shows them; each secret only as `{"set": true|false}`.
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
                func clock(_ text: String?) -> Bool {
                    guard let text, text.count == 5, let h = Int(text.prefix(2)), let m = Int(text.suffix(2)), text.dropFirst(2).first == ":"
                    else { return false }
                    return (0...23).contains(h) && (0...59).contains(m)
                }
                if v.isNull {
                    s.quietHours = nil
                } else if let o = v.objectValue, Set(o.keys) == ["start", "end"], clock(o["start"]?.stringValue), clock(o["end"]?.stringValue),
                    o["start"] != o["end"]
                {
                    s.quietHours = v
                } else {
                    fail(key, "must be {\"start\":\"22:00\",\"end\":\"08:00\"} (HH:MM, different, in each person's time zone) or null")
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
