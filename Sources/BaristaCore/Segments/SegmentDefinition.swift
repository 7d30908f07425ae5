import Foundation

/// A segment as the API defines it: the body of `POST /v1/segments`, plus the times the engine sets.
///
/// `{"key":"vip-runners","name":"VIP runners","description":"…","rule":{…},"persona":false,"priority":0}`.
/// A persona is a segment with `persona: true`; a profile's persona is its matching persona of
/// highest `priority`.
public struct SegmentDefinition: Sendable, Hashable {
    /// `key`: the segment's id, matching `^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$`.
    public var key: String
    /// `name`: 1–256 characters; defaults to the key.
    public var name: String
    /// `description`: free text of at most 8 KiB, or nil.
    public var description: String?
    /// `rule`: who belongs.
    public var rule: SegmentRule
    /// `persona`: whether this segment is a persona (default false).
    public var persona: Bool
    /// `priority`: orders personas, the highest first (default 0).
    public var priority: Int
    /// `created_at`: when the segment was first defined; set by the engine.
    public var createdAt: Date
    /// `updated_at`: when the definition last changed; set by the engine.
    public var updatedAt: Date

    /// The longest name, in characters.
    public static let maxNameLength = 256
    /// The largest absolute priority.
    public static let maxPriority = 1_000_000_000

    /// A definition from its fields.
    public init(key: String, name: String? = nil, description: String? = nil, rule: SegmentRule, persona: Bool = false,
        priority: Int = 0, createdAt: Date, updatedAt: Date)
    {
        self.key = key
        self.name = name ?? key
        self.description = description
        self.rule = rule
        self.persona = persona
        self.priority = priority
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// What a key must look like, as an error message.
    public static let keyRuleMessage = DefinitionKey.rule

    /// Whether `key` is a valid definition key (``DefinitionKey/isValid(_:)``).
    public static func isValidKey(_ key: String) -> Bool { DefinitionKey.isValid(key) }

    /// The definition as the API shows it, with `created_at` and `updated_at` in RFC 3339 (UTC).
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "key": .string(key), "name": .string(name), "rule": rule.json, "persona": .bool(persona),
            "priority": .number(Double(priority)), "created_at": .string(Timestamp.format(createdAt)),
            "updated_at": .string(Timestamp.format(updatedAt)),
        ]
        object["description"] = description.map(JSONValue.string) ?? .null
        return .object(object)
    }

    /// Parses the body of `POST /v1/segments`, dated `now` (both `created_at` and `updated_at`).
    ///
    /// `key` and `rule` are required; unknown members are errors. `created_at` and
    /// `updated_at`, which ``json`` writes, are accepted and ignored, so a definition read with
    /// `GET` can be sent back with `PUT`; the engine keeps the original `created_at`.
    /// - Parameters:
    ///   - value: The request body.
    ///   - base: Where the body sits (the whole document by default); rule errors are under `base/rule`.
    ///   - now: The time to date the definition with.
    public static func parse(_ value: JSONValue, at base: JSONPointer = JSONPointer(), now: Date) -> Result<SegmentDefinition, ValidationErrors> {
        parse(value, pathKey: nil, at: base, now: now)
    }

    /// Parses the body of `PUT /v1/segments/{key}`: `key` comes from the path, and the body's
    /// `key`, when present, must equal it (else an error at `/key`).
    /// - Parameters:
    ///   - value: The request body.
    ///   - key: The key from the path.
    ///   - base: Where the body sits (the whole document by default).
    ///   - now: The time to date the definition with.
    public static func parse(_ value: JSONValue, key: String, at base: JSONPointer = JSONPointer(), now: Date) -> Result<SegmentDefinition, ValidationErrors> {
        parse(value, pathKey: key, at: base, now: now)
    }

    static let fields = ["key", "name", "description", "rule", "persona", "priority", "created_at", "updated_at"]

    static func parse(_ value: JSONValue, pathKey: String?, at base: JSONPointer, now: Date) -> Result<SegmentDefinition, ValidationErrors> {
        guard case .object(let object) = value else {
            return .failure(ValidationErrors([FieldError(field: base.description, message: "must be an object")]))
        }
        var errors: [FieldError] = []
        func fail(_ key: String, _ message: String) { errors.append(FieldError(field: base.appending(key).description, message: message)) }
        for key in object.keys.sorted() where !fields.contains(key) {
            fail(key, "is not a field of a segment (key, name, description, rule, persona, priority)")
        }
        var key: String?
        switch (object["key"], pathKey) {
        case (nil, nil): fail("key", "is required")
        case (_, let pathKey?) where !isValidKey(pathKey): fail("key", "(the key in the path) " + keyRuleMessage)
        case (nil, let pathKey?): key = pathKey
        case (let v?, _):
            guard let text = v.stringValue else {
                fail("key", "must be a string, not \(v.typeDescription)")
                break
            }
            if let pathKey, text != pathKey {
                fail("key", "must equal the key in the path (\(SegmentRuleParser.quoted(pathKey))) or be left out")
            } else if !isValidKey(text) {
                fail("key", keyRuleMessage)
            } else {
                key = text
            }
        }
        var name: String?
        if let v = object["name"] {
            if let text = v.stringValue, (1...maxNameLength).contains(text.count) { name = text } else {
                fail("name", "must be a string of 1 to \(maxNameLength) characters")
            }
        }
        var description: String?
        if let v = object["description"], !v.isNull {
            if let text = v.stringValue, text.utf8.count <= SegmentRule.maxStringBytes { description = text } else {
                fail("description", "must be a string of at most \(SegmentRule.maxStringBytes) bytes, or null")
            }
        }
        var persona = false
        if let v = object["persona"] {
            if let b = v.boolValue { persona = b } else { fail("persona", "must be true or false, not \(v.typeDescription)") }
        }
        var priority = 0
        if let v = object["priority"] {
            if let n = v.doubleValue, n.rounded() == n, abs(n) <= Double(maxPriority) { priority = Int(n) } else {
                fail("priority", "must be an integer from -\(maxPriority) to \(maxPriority)")
            }
        }
        var rule: SegmentRule?
        if let v = object["rule"] {
            switch SegmentRule.parse(v, at: base.appending("rule")) {
            case .success(let r): rule = r
            case .failure(let failure): errors += failure.errors
            }
        } else {
            fail("rule", "is required")
        }
        guard errors.isEmpty, let key, let rule else { return .failure(ValidationErrors(errors)) }
        return .success(SegmentDefinition(key: key, name: name, description: description, rule: rule, persona: persona,
            priority: priority, createdAt: now, updatedAt: now))
    }
}
