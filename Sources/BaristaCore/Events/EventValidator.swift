import Foundation

/// Turns one JSON event of a batch into an ``Event``, or into the list of everything wrong with it.
///
/// Accepts Segment's camelCase names (`userId`, `anonymousId`, `messageId`, `previousId`) as well
/// as snake_case. Reports every problem with a JSON Pointer relative to `base` (e.g. `/batch/3`).
public struct EventValidator: Sendable {
    /// The limits enforced: id length, members per `properties`/`traits`/`context`, string size.
    public var limits: Limits
    /// How far in the future a timestamp may lie (24 h).
    public var maxFutureSkew: TimeInterval = 86_400

    /// A validator enforcing `limits` (API.md's defaults unless given).
    public init(limits: Limits = Limits()) { self.limits = limits }

    /// Validates `value` received at `now`; `makeMessageID` names events that came without one.
    public func validate(
        _ value: JSONValue, at base: JSONPointer, now: Date, makeMessageID: () -> String = { "gen-" + RandomID.unique(length: 24) }
    ) -> Result<Event, ValidationErrors> {
        guard case .object(let object) = value else {
            return .failure(ValidationErrors([FieldError(field: base.description, message: "an event must be an object, not \(value.typeDescription)")]))
        }
        var errors: [FieldError] = []
        func field(_ names: String...) -> (String, JSONValue)? {
            for name in names { if let v = object[name] { return (name, v) } }
            return nil
        }
        func id(_ names: String...) -> String? {
            for name in names {
                guard let v = object[name], !v.isNull else { continue }
                switch v {
                case .string(let s):
                    if s.isEmpty || s.utf8.count > limits.maxIDLength * 4 || s.count > limits.maxIDLength {
                        errors.append(FieldError(field: base.appending(name).description, message: "must be 1 to \(limits.maxIDLength) characters"))
                        return nil
                    }
                    return s
                case .number(let n) where n.rounded() == n && abs(n) < 1e15:
                    return String(Int64(n))
                default:
                    errors.append(FieldError(field: base.appending(name).description, message: "must be a string, not \(v.typeDescription)"))
                    return nil
                }
            }
            return nil
        }

        // type
        var kind = Event.Kind.track
        if let (name, v) = field("type") {
            if let s = v.stringValue, let k = Event.Kind(rawValue: s), ![.consent, .preferences].contains(k) {
                kind = k
            } else {
                errors.append(FieldError(field: base.appending(name).description,
                    message: "must be one of track, identify, alias, page, screen"))
            }
        } else if object["event"] == nil {
            errors.append(FieldError(field: base.appending("type").description, message: "is required"))
        }

        let userID = id("user_id", "userId")
        let anonymousID = id("anonymous_id", "anonymousId")
        let previousID = id("previous_id", "previousId")
        let messageID = id("message_id", "messageId")

        // event name / page name
        var name: String?
        if let (key, v) = field("event") {
            if let s = v.stringValue, !s.isEmpty, s.utf8.count <= 256 { name = s } else {
                errors.append(FieldError(field: base.appending(key).description, message: "must be a non-empty string of at most 256 bytes"))
            }
        } else if kind == .track {
            errors.append(FieldError(field: base.appending("event").description, message: "is required for a track event"))
        }
        if kind == .page || kind == .screen, let (key, v) = field("name"), !v.isNull {
            if let s = v.stringValue { name = s } else {
                errors.append(FieldError(field: base.appending(key).description, message: "must be a string"))
            }
        }

        switch kind {
        case .alias:
            if previousID == nil { errors.append(FieldError(field: base.appending("previous_id").description, message: "is required for alias")) }
            if userID == nil { errors.append(FieldError(field: base.appending("user_id").description, message: "is required for alias")) }
        default:
            if userID == nil && anonymousID == nil && errors.allSatisfy({ !$0.field.hasSuffix("_id") && !$0.field.hasSuffix("Id") }) {
                errors.append(FieldError(field: base.appending("user_id").description, message: "user_id or anonymous_id is required"))
            }
        }

        // timestamp
        var timestamp = now
        if let (key, v) = field("timestamp", "originalTimestamp"), !v.isNull {
            let pointer = base.appending(key).description
            switch v {
            case .string(let s):
                if let date = Timestamp.parse(s) { timestamp = date } else {
                    errors.append(FieldError(field: pointer, message: "must be an RFC 3339 timestamp or Unix seconds"))
                }
            case .number(let n) where n.isFinite && n >= 0:
                timestamp = Date(timeIntervalSince1970: n)
            default:
                errors.append(FieldError(field: pointer, message: "must be an RFC 3339 timestamp or Unix seconds"))
            }
            if timestamp.timeIntervalSince(now) > maxFutureSkew {
                errors.append(FieldError(field: pointer, message: "is more than 24 h in the future"))
            }
        }

        let properties = objectField("properties", in: object, base: base, errors: &errors)
        let traits = objectField("traits", in: object, base: base, errors: &errors)
        let context = objectField("context", in: object, base: base, errors: &errors)
        if let channel = context["channel"], channel.stringValue == nil {
            errors.append(FieldError(field: base.appending("context").appending("channel").description, message: "must be a string"))
        }

        if kind == .track, name == EventName.rewardRedeemed {
            // Only POST /v1/rewards/redeem records one, after checking the balance.
            errors.append(FieldError(field: base.appending("event").description, message: "is recorded by POST /v1/rewards/redeem only"))
        }
        if kind == .track, let name {
            checkKnownEvent(name, properties: properties, base: base.appending("properties"), errors: &errors)
        }

        guard errors.isEmpty else { return .failure(ValidationErrors(errors)) }
        return .success(Event(
            kind: kind, name: name, userID: userID, anonymousID: anonymousID, previousID: previousID,
            messageID: messageID ?? makeMessageID(), timestamp: timestamp, receivedAt: now,
            properties: properties, traits: traits, context: context))
    }

    private func objectField(
        _ key: String, in object: [String: JSONValue], base: JSONPointer, errors: inout [FieldError]
    ) -> [String: JSONValue] {
        guard let value = object[key], !value.isNull else { return [:] }
        let pointer = base.appending(key)
        guard case .object(let members) = value else {
            errors.append(FieldError(field: pointer.description, message: "must be an object, not \(value.typeDescription)"))
            return [:]
        }
        if members.count > limits.maxProperties {
            errors.append(FieldError(field: pointer.description, message: "has \(members.count) members; at most \(limits.maxProperties) are allowed"))
        }
        // Walk once cheaply; build pointers only when something is wrong.
        if exceedsLimits(value, depth: 0) { checkStrings(value, at: pointer, depth: 0, errors: &errors) }
        return members
    }

    private func exceedsLimits(_ value: JSONValue, depth: Int) -> Bool {
        switch value {
        case .string(let s): return s.utf8.count > limits.maxStringBytes
        case .object(let members): return depth >= 8 || members.values.contains { exceedsLimits($0, depth: depth + 1) }
        case .array(let elements): return elements.count > 1000 || elements.contains { exceedsLimits($0, depth: depth + 1) }
        default: return false
        }
    }

    private func checkStrings(_ value: JSONValue, at pointer: JSONPointer, depth: Int, errors: inout [FieldError]) {
        guard errors.count < 20 else { return }
        switch value {
        case .string(let s) where s.utf8.count > limits.maxStringBytes:
            errors.append(FieldError(field: pointer.description, message: "is longer than \(limits.maxStringBytes) bytes"))
        case .object(let members):
            if depth >= 8 {
                errors.append(FieldError(field: pointer.description, message: "is nested more than 8 levels deep"))
                return
            }
            for (key, member) in members { checkStrings(member, at: pointer.appending(key), depth: depth + 1, errors: &errors) }
        case .array(let elements):
            if elements.count > 1000 {
                errors.append(FieldError(field: pointer.description, message: "has more than 1000 elements"))
                return
            }
            for (i, element) in elements.enumerated() { checkStrings(element, at: pointer.appending(i), depth: depth + 1, errors: &errors) }
        default:
            break
        }
    }

    private func checkKnownEvent(_ name: String, properties: [String: JSONValue], base: JSONPointer, errors: inout [FieldError]) {
        if EventName.singleItemEvents.contains(name) {
            if let v = properties["product_id"] {
                if v.stringValue?.isEmpty != false && v.doubleValue == nil {
                    errors.append(FieldError(field: base.appending("product_id").description, message: "must be a non-empty string"))
                }
            } else {
                errors.append(FieldError(field: base.appending("product_id").description, message: "is required for \(name)"))
            }
        }
        for key in ["price", "quantity", "revenue", "total"] {
            if let v = properties[key], v.doubleValue == nil, !v.isNull {
                errors.append(FieldError(field: base.appending(key).description, message: "must be a number"))
            }
        }
        if name == EventName.orderCompleted, let products = properties["products"] {
            guard case .array(let lines) = products else {
                errors.append(FieldError(field: base.appending("products").description, message: "must be an array"))
                return
            }
            for (i, line) in lines.enumerated() {
                let pointer = base.appending("products").appending(i)
                guard case .object(let fields) = line else {
                    errors.append(FieldError(field: pointer.description, message: "must be an object"))
                    continue
                }
                if fields["product_id"]?.stringValue == nil && fields["product_id"]?.doubleValue == nil {
                    errors.append(FieldError(field: pointer.appending("product_id").description, message: "is required"))
                }
                for key in ["quantity", "price"] where fields[key] != nil && fields[key]?.doubleValue == nil {
                    errors.append(FieldError(field: pointer.appending(key).description, message: "must be a number"))
                }
            }
        }
    }
}
