import Foundation

extension RewardsProgram {
    /// Event names the programme itself records or reads; no earn rule may name them.
    public static let reservedEvents: Set<String> = [EventName.rewardRedeemed, EventName.orderRefunded]
    /// The most earn rules, multipliers, tiers and rewards a programme may have, each.
    public static let maxEntries = 100
    /// The highest `points_per_unit` (hundredths: 100,000 points per unit).
    public static let maxPointsPerUnit: Int64 = 10_000_000
    /// The highest `factor` (hundredths: ×100).
    public static let maxFactor: Int64 = 10_000
    /// The highest `min_points` and reward `points` (10^12).
    public static let maxPoints: Int64 = 1_000_000_000_000

    /// Parses a `PUT /v1/rewards/program` body, reporting every problem with its JSON Pointer
    /// (`/earn/0/points_per_unit`, `/tiers/1/window`, …).
    ///
    /// Every list is optional (empty by default). Keys of tiers and rewards follow ``DefinitionKey``
    /// and are unique; an event has at most one earn rule; rates and factors are positive numbers
    /// with at most two decimals; `window` is a positive duration (`"365d"` by default).
    public static func parse(_ value: JSONValue, now: Date) -> Result<RewardsProgram, ValidationErrors> {
        var errors: [FieldError] = []
        func fail(_ pointer: JSONPointer, _ message: String) { errors.append(FieldError(field: pointer.description, message: message)) }
        guard case .object(let object) = value else {
            return .failure(ValidationErrors([FieldError(field: "", message: "must be an object, not \(value.typeDescription)")]))
        }
        let root = JSONPointer()
        for key in object.keys.sorted() where !["earn", "multipliers", "tiers", "rewards", "updated_at"].contains(key) {
            fail(root.appending(key), "is not a field of a rewards program (earn, multipliers, tiers, rewards)")
        }
        func list(_ key: String) -> [(JSONPointer, [String: JSONValue])] {
            let at = root.appending(key)
            guard let raw = object[key], !raw.isNull else { return [] }
            guard let array = raw.arrayValue else {
                fail(at, "must be an array, not \(raw.typeDescription)")
                return []
            }
            if array.count > maxEntries { fail(at, "has \(array.count) entries; at most \(maxEntries) are allowed") }
            return array.enumerated().compactMap { index, element in
                guard case .object(let fields) = element else {
                    fail(at.appending(index), "must be an object, not \(element.typeDescription)")
                    return nil
                }
                return (at.appending(index), fields)
            }
        }
        func unknown(_ fields: [String: JSONValue], _ allowed: [String], at pointer: JSONPointer, what: String) {
            for key in fields.keys.sorted() where !allowed.contains(key) {
                fail(pointer.appending(key), "is not a field of \(what) (\(allowed.joined(separator: ", ")))")
            }
        }
        func text(_ fields: [String: JSONValue], _ key: String, at pointer: JSONPointer, required: Bool) -> String? {
            guard let raw = fields[key], !raw.isNull else {
                if required { fail(pointer.appending(key), "is required") }
                return nil
            }
            guard let s = raw.stringValue, (1...256).contains(s.count) else {
                fail(pointer.appending(key), "must be a string of 1 to 256 characters")
                return nil
            }
            return s
        }
        func hundredths(_ fields: [String: JSONValue], _ key: String, at pointer: JSONPointer, max: Int64, what: String) -> Int64? {
            guard let raw = fields[key], !raw.isNull else {
                fail(pointer.appending(key), "is required: \(what)")
                return nil
            }
            // A number only, and one whose hundredths give it back exactly (1.555 has three decimals).
            guard case .number(let number) = raw, let parsed = Decimal100.parse(raw), parsed > 0, parsed <= max,
                Double(parsed) / 100 == number
            else {
                fail(pointer.appending(key), "must be a number above 0 and at most \(Decimal100.text(max)), with at most two decimals")
                return nil
            }
            return parsed
        }
        func points(_ fields: [String: JSONValue], _ key: String, at pointer: JSONPointer, minimum: Int64) -> Int64? {
            guard let raw = fields[key], !raw.isNull else {
                fail(pointer.appending(key), "is required: a whole number of points")
                return nil
            }
            guard let n = raw.doubleValue, n.rounded() == n, n >= Double(minimum), n <= Double(maxPoints) else {
                fail(pointer.appending(key), "must be a whole number from \(minimum) to \(maxPoints)")
                return nil
            }
            return Int64(n)
        }
        func time(_ fields: [String: JSONValue], _ key: String, at pointer: JSONPointer) -> Date? {
            guard let raw = fields[key], !raw.isNull else { return nil }
            if let seconds = raw.doubleValue, seconds.isFinite { return Date(timeIntervalSince1970: seconds) }
            if let s = raw.stringValue, let date = Timestamp.parse(s) { return date }
            fail(pointer.appending(key), "must be an RFC 3339 timestamp or Unix seconds")
            return nil
        }

        var program = RewardsProgram()
        program.updatedAt = now
        var earnedEvents: Set<String> = []
        for (at, fields) in list("earn") {
            unknown(fields, ["event", "points_per_unit", "unit", "property"], at: at, what: "an earn rule")
            let event = text(fields, "event", at: at, required: true)
            if let event {
                if reservedEvents.contains(event) {
                    fail(at.appending("event"), "is recorded by the rewards programme itself and cannot earn points")
                } else if !earnedEvents.insert(event).inserted {
                    fail(at.appending("event"), "already has an earn rule: one rule per event")
                }
            }
            let rate = hundredths(fields, "points_per_unit", at: at, max: maxPointsPerUnit, what: "the points per currency unit (or per event)")
            var unit = EarnRule.Unit.revenue
            if let raw = fields["unit"], !raw.isNull {
                if let s = raw.stringValue, let parsed = EarnRule.Unit(rawValue: s) { unit = parsed } else {
                    fail(at.appending("unit"), "must be one of " + EarnRule.Unit.allCases.map(\.rawValue).joined(separator: ", "))
                }
            }
            let property = text(fields, "property", at: at, required: false) ?? "revenue"
            if fields["property"] != nil, unit == .event { fail(at.appending("property"), "applies only to unit revenue") }
            if let event, let rate { program.earn.append(EarnRule(event: event, pointsPerUnit: rate, unit: unit, property: property)) }
        }
        for (at, fields) in list("multipliers") {
            unknown(fields, ["segment", "factor", "from", "to"], at: at, what: "a multiplier")
            let segment = text(fields, "segment", at: at, required: false)
            if let segment, !DefinitionKey.isValid(segment) { fail(at.appending("segment"), DefinitionKey.rule) }
            let factor = hundredths(fields, "factor", at: at, max: maxFactor, what: "the factor points are multiplied by")
            let from = time(fields, "from", at: at), to = time(fields, "to", at: at)
            if let from, let to, to <= from { fail(at.appending("to"), "must be after from") }
            if let factor { program.multipliers.append(Multiplier(segment: segment, factor: factor, from: from, to: to)) }
        }
        var tierKeys: Set<String> = []
        for (at, fields) in list("tiers") {
            unknown(fields, ["key", "min_points", "window", "benefits"], at: at, what: "a tier")
            let key = text(fields, "key", at: at, required: true)
            if let key {
                if !DefinitionKey.isValid(key) { fail(at.appending("key"), DefinitionKey.rule) }
                else if !tierKeys.insert(key).inserted { fail(at.appending("key"), "is the key of an earlier tier") }
            }
            let minimum = points(fields, "min_points", at: at, minimum: 0)
            var windowText = "365d"
            var window: TimeInterval? = 365 * 86_400
            if let raw = fields["window"], !raw.isNull {
                if let s = raw.stringValue, let seconds = DurationText.seconds(s), seconds > 0, seconds <= SegmentRule.maxWindow {
                    windowText = s
                    window = seconds
                } else {
                    fail(at.appending("window"), "must be a positive duration such as \"365d\" or \"52w\", at most 5200w")
                    window = nil
                }
            }
            var benefits: [String: JSONValue] = [:]
            if let raw = fields["benefits"], !raw.isNull {
                if let object = raw.objectValue { benefits = object } else { fail(at.appending("benefits"), "must be an object") }
            }
            if let key, let minimum, let window {
                program.tiers.append(Tier(key: key, minPoints: minimum, window: window, windowText: windowText, benefits: benefits))
            }
        }
        var rewardKeys: Set<String> = []
        for (at, fields) in list("rewards") {
            unknown(fields, ["key", "points", "title"], at: at, what: "a reward")
            let key = text(fields, "key", at: at, required: true)
            if let key {
                if !DefinitionKey.isValid(key) { fail(at.appending("key"), DefinitionKey.rule) }
                else if !rewardKeys.insert(key).inserted { fail(at.appending("key"), "is the key of an earlier reward") }
            }
            let cost = points(fields, "points", at: at, minimum: 1)
            let title = text(fields, "title", at: at, required: false)
            if let key, let cost { program.rewards.append(Reward(key: key, points: cost, title: title)) }
        }
        guard errors.isEmpty else { return .failure(ValidationErrors(errors)) }
        // Tiers from the lowest threshold up, rewards from the cheapest: what status reads.
        program.tiers.sort { ($0.minPoints, $0.key) < ($1.minPoints, $1.key) }
        program.rewards.sort { ($0.points, $0.key) < ($1.points, $1.key) }
        return .success(program)
    }
}
