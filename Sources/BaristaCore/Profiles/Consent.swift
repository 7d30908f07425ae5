/// What a person agreed to. A purpose left unset falls back to the site's `default_consent`.
public struct Consent: Sendable, Hashable, Codable {
    /// Personalized recommendations, ranking and targeting.
    public var personalization: Bool?
    /// Email messages.
    public var email: Bool?
    /// Behavioural analytics.
    public var analytics: Bool?

    /// A consent with the given purposes; a nil purpose stays unset, so the site's default applies.
    public init(personalization: Bool? = nil, email: Bool? = nil, analytics: Bool? = nil) {
        self.personalization = personalization
        self.email = email
        self.analytics = analytics
    }

    /// The purposes Barista knows.
    public static let purposes = ["personalization", "email", "analytics"]

    /// This consent with unset purposes taken from `defaults`.
    public func resolved(with defaults: Consent) -> Consent {
        Consent(personalization: personalization ?? defaults.personalization ?? true,
            email: email ?? defaults.email ?? false, analytics: analytics ?? defaults.analytics ?? true)
    }

    /// Overlays the purposes set in `other`.
    public func updated(with other: Consent) -> Consent {
        Consent(personalization: other.personalization ?? personalization, email: other.email ?? email,
            analytics: other.analytics ?? analytics)
    }

    /// The purposes that are set, as `{"personalization":true,…}`; unset ones are left out.
    public var json: JSONValue {
        var object: [String: JSONValue] = [:]
        if let personalization { object["personalization"] = .bool(personalization) }
        if let email { object["email"] = .bool(email) }
        if let analytics { object["analytics"] = .bool(analytics) }
        return .object(object)
    }

    /// Parses `{"personalization":true,…}`; unknown purposes and non-Booleans are errors.
    public static func parse(_ value: JSONValue, at base: JSONPointer) -> Result<Consent, ValidationErrors> {
        guard case .object(let object) = value else {
            return .failure(ValidationErrors([FieldError(field: base.description, message: "must be an object")]))
        }
        var errors: [FieldError] = []
        var consent = Consent()
        for (key, v) in object {
            guard purposes.contains(key) else {
                errors.append(FieldError(field: base.appending(key).description, message: "is not a consent purpose (personalization, email, analytics)"))
                continue
            }
            guard let b = v.boolValue else {
                errors.append(FieldError(field: base.appending(key).description, message: "must be true or false"))
                continue
            }
            switch key {
            case "personalization": consent.personalization = b
            case "email": consent.email = b
            default: consent.analytics = b
            }
        }
        return errors.isEmpty ? .success(consent) : .failure(ValidationErrors(errors))
    }
}

/// A person's own stated preferences, which outrank everything Barista infers.
public struct Preferences: Sendable, Hashable, Codable {
    /// `brands` the person wants to see; nil when never set.
    public var brands: [String]?
    /// `colors` the person wants to see; nil when never set.
    public var colors: [String]?
    /// `categories` the person wants to see; nil when never set.
    public var categories: [String]?
    /// `styles` the person wants to see; nil when never set.
    public var styles: [String]?
    /// `email_frequency_per_week`: the most emails a week the person wants (0–100); nil when never set.
    public var emailFrequencyPerWeek: Double?

    /// No preferences set.
    public init() {}

    static let listKeys = ["brands", "colors", "categories", "styles"]

    /// Overlays the fields set in `other`.
    public func updated(with other: Preferences) -> Preferences {
        var result = self
        result.brands = other.brands ?? brands
        result.colors = other.colors ?? colors
        result.categories = other.categories ?? categories
        result.styles = other.styles ?? styles
        result.emailFrequencyPerWeek = other.emailFrequencyPerWeek ?? emailFrequencyPerWeek
        return result
    }

    /// The preferences that are set, with their API names; unset ones are left out.
    public var json: JSONValue {
        var object: [String: JSONValue] = [:]
        if let brands { object["brands"] = .array(brands.map(JSONValue.string)) }
        if let colors { object["colors"] = .array(colors.map(JSONValue.string)) }
        if let categories { object["categories"] = .array(categories.map(JSONValue.string)) }
        if let styles { object["styles"] = .array(styles.map(JSONValue.string)) }
        if let emailFrequencyPerWeek { object["email_frequency_per_week"] = .number(emailFrequencyPerWeek) }
        return .object(object)
    }

    /// Parses the body of `PUT /v1/profiles/{id}/preferences`.
    public static func parse(_ value: JSONValue, at base: JSONPointer) -> Result<Preferences, ValidationErrors> {
        guard case .object(let object) = value else {
            return .failure(ValidationErrors([FieldError(field: base.description, message: "must be an object")]))
        }
        var errors: [FieldError] = []
        var preferences = Preferences()
        for (key, v) in object {
            let pointer = base.appending(key).description
            if listKeys.contains(key) {
                guard let array = v.arrayValue, array.count <= 100, array.allSatisfy({ $0.stringValue != nil }) else {
                    errors.append(FieldError(field: pointer, message: "must be an array of at most 100 strings"))
                    continue
                }
                let strings = array.compactMap(\.stringValue)
                switch key {
                case "brands": preferences.brands = strings
                case "colors": preferences.colors = strings
                case "categories": preferences.categories = strings
                default: preferences.styles = strings
                }
            } else if key == "email_frequency_per_week" {
                guard let n = v.doubleValue, n >= 0, n <= 100 else {
                    errors.append(FieldError(field: pointer, message: "must be a number from 0 to 100"))
                    continue
                }
                preferences.emailFrequencyPerWeek = n
            } else {
                errors.append(FieldError(field: pointer, message: "is not a preference (brands, colors, categories, styles, email_frequency_per_week)"))
            }
        }
        return errors.isEmpty ? .success(preferences) : .failure(ValidationErrors(errors))
    }
}
