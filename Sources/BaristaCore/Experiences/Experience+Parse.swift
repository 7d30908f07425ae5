import Foundation

extension Experience {
    static let fields = ["key", "name", "placement", "status", "priority", "audience", "variants", "allocation", "control_percent", "goal",
        "schedule", "created_at", "updated_at"]

    /// Validates a `POST /v1/experiences` body (or a `PUT`, with `pathKey`), collecting every problem
    /// with its JSON Pointer. API.md's defaults apply: `status` draft, `priority` 0, everyone,
    /// `control_percent` 0, the `Order Completed`/`revenue`/`7d` goal, always on; `ab` weights
    /// equal when not given. `created_at`/`updated_at` are accepted and ignored (a read can be sent back).
    public static func parse(_ body: JSONValue, pathKey: String? = nil, now: Date) -> Result<Experience, ValidationErrors> {
        guard case .object(let object) = body else { return .failure(ValidationErrors([FieldError(field: "", message: "must be a JSON object")])) }
        var errors: [FieldError] = []
        func fail(_ pointer: String, _ message: String) { errors.append(FieldError(field: pointer, message: message)) }
        for key in object.keys.sorted() where !fields.contains(key) {
            fail(JSONPointer().appending(key).description, "is not a field of an experience")
        }
        let (key, name) = DefinitionKey.keyAndName(of: object, pathKey: pathKey, fail: fail)
        var placement = ""
        if let text = object["placement"]?.stringValue, DefinitionKey.isValid(text) { placement = text } else {
            fail("/placement", "is required: " + DefinitionKey.rule)
        }
        var status = Status.draft
        if let value = object["status"] {
            if let parsed = value.stringValue.flatMap(Status.init(rawValue:)) { status = parsed } else { fail("/status", "must be draft, running or paused") }
        }
        var priority = 0
        if let value = object["priority"] {
            if let n = value.doubleValue, n == n.rounded(), abs(n) <= 1_000_000_000 { priority = Int(n) } else {
                fail("/priority", "must be a whole number from -1000000000 to 1000000000")
            }
        }
        var segment: String?
        if let value = object["audience"], !value.isNull {
            if case .object(let audience) = value {
                for name in audience.keys.sorted() where name != "segment" { fail("/audience/" + name, "is not a field of an audience (segment)") }
                if let text = audience["segment"]?.stringValue, DefinitionKey.isValid(text) { segment = text } else {
                    fail("/audience/segment", "is required: a segment key")
                }
            } else {
                fail("/audience", "must be an object with a segment")
            }
        }
        let variants = parseVariants(object["variants"], fail: fail)
        let allocation = parseAllocation(object["allocation"], variants: variants, fail: fail)
        var control = 0.0
        if let value = object["control_percent"] {
            if let n = value.doubleValue, n >= 0, n < 100 { control = n } else { fail("/control_percent", "must be a number from 0 to less than 100") }
        }
        let goal = parseGoal(object["goal"], fail: fail)
        var start: Date?, end: Date?
        if let value = object["schedule"], !value.isNull {
            if case .object(let schedule) = value {
                for name in schedule.keys.sorted() where !["start", "end"].contains(name) { fail("/schedule/" + name, "is not a field of a schedule (start, end)") }
                func time(_ name: String) -> Date? {
                    guard let value = schedule[name], !value.isNull else { return nil }
                    guard let date = value.stringValue.flatMap(Timestamp.parse) ?? value.doubleValue.map({ Date(timeIntervalSince1970: $0) }) else {
                        fail("/schedule/" + name, "must be an RFC 3339 time or Unix seconds")
                        return nil
                    }
                    return date
                }
                start = time("start")
                end = time("end")
                if let start, let end, end <= start { fail("/schedule/end", "must be after start") }
            } else {
                fail("/schedule", "must be an object with start and/or end")
            }
        }
        guard errors.isEmpty else { return .failure(ValidationErrors(errors)) }
        return .success(Experience(
            key: key, name: name, placement: placement, status: status, priority: priority, audienceSegment: segment, variants: variants,
            allocation: allocation, controlPercent: control, goal: goal, start: start, end: end, createdAt: now, updatedAt: now))
    }

    private static func parseVariants(_ value: JSONValue?, fail: (String, String) -> Void) -> [Variant] {
        guard let array = value?.arrayValue, (1...maximumVariants).contains(array.count) else {
            fail("/variants", "is required: an array of 1 to \(maximumVariants) variants")
            return []
        }
        var variants: [Variant] = []
        for (index, element) in array.enumerated() {
            let base = "/variants/\(index)"
            guard case .object(let object) = element else {
                fail(base, "must be an object with a key and a payload or recommendations")
                continue
            }
            for name in object.keys.sorted() where !["key", "payload", "recommendations"].contains(name) {
                fail(base + "/" + name, "is not a field of a variant (key, payload, recommendations)")
            }
            guard let key = object["key"]?.stringValue, DefinitionKey.isValid(key) else {
                fail(base + "/key", "is required: " + DefinitionKey.rule)
                continue
            }
            if variants.contains(where: { $0.key == key }) { fail(base + "/key", "repeats another variant's key") }
            if key == "control" { fail(base + "/key", "\"control\" names the control group; choose another key") }
            var recommendations: RecommendationRequest?
            if let config = object["recommendations"], !config.isNull {
                switch RecommendationRequest.parse(config) {
                case .success(let request): recommendations = request
                case .failure(let problems):
                    for problem in problems.errors { fail(base + "/recommendations" + problem.field, problem.message) }
                }
                if config["user"] != nil { fail(base + "/recommendations/user", "is the person deciding; leave it out") }
            }
            let payload = object["payload"] ?? .null
            if payload.isNull, recommendations == nil, object["recommendations"] == nil {
                fail(base, "needs a payload or recommendations")
            }
            variants.append(Variant(key: key, payload: payload, recommendations: recommendations, recommendationsJSON: object["recommendations"]))
        }
        return variants
    }

    private static func parseAllocation(_ value: JSONValue?, variants: [Variant], fail: (String, String) -> Void) -> Allocation {
        let equal = Allocation.ab(weights: Dictionary(variants.map { ($0.key, 1.0) }, uniquingKeysWith: { first, _ in first }))
        guard let value, !value.isNull else { return equal }
        guard case .object(let object) = value, let type = object["type"]?.stringValue else {
            fail("/allocation/type", "is required: ab, bandit or contextual_bandit")
            return equal
        }
        switch type {
        case "ab":
            for name in object.keys.sorted() where !["type", "weights"].contains(name) { fail("/allocation/" + name, "is not a field of an ab allocation (type, weights)") }
            guard let given = object["weights"], !given.isNull else { return equal }
            guard case .object(let weights) = given else {
                fail("/allocation/weights", "must be an object of variant key → positive weight")
                return equal
            }
            var parsed: [String: Double] = [:]
            for (name, weight) in weights {
                guard variants.contains(where: { $0.key == name }) else {
                    fail("/allocation/weights/" + name, "is not a variant of this experience")
                    continue
                }
                guard let n = weight.doubleValue, n > 0, n.isFinite else {
                    fail("/allocation/weights/" + name, "must be a positive number")
                    continue
                }
                parsed[name] = n
            }
            for variant in variants where weights[variant.key] == nil {
                fail("/allocation/weights", "has no weight for variant \(variant.key)")
            }
            return .ab(weights: parsed)
        case "bandit", "contextual_bandit":
            for name in object.keys.sorted() where name != "type" { fail("/allocation/" + name, "is not a field of a \(type) allocation (type)") }
            return type == "bandit" ? .bandit : .contextualBandit
        default:
            fail("/allocation/type", "must be ab, bandit or contextual_bandit")
            return equal
        }
    }

    private static func parseGoal(_ value: JSONValue?, fail: (String, String) -> Void) -> Goal {
        guard let value, !value.isNull else { return .default }
        guard case .object(let object) = value else {
            fail("/goal", "must be an object with event, value_property and window")
            return .default
        }
        for name in object.keys.sorted() where !["event", "value_property", "window"].contains(name) {
            fail("/goal/" + name, "is not a field of a goal (event, value_property, window)")
        }
        var goal = Goal.default
        if let event = object["event"] {
            if let text = event.stringValue, (1...256).contains(text.count) { goal.event = text } else { fail("/goal/event", "must be an event name") }
            if object["value_property"] == nil, goal.event != EventName.orderCompleted { goal.valueProperty = nil }
        }
        if let property = object["value_property"] {
            if property.isNull { goal.valueProperty = nil } else if let text = property.stringValue, (1...256).contains(text.count) {
                goal.valueProperty = text
            } else {
                fail("/goal/value_property", "must be a property name or null")
            }
        }
        if let window = object["window"] {
            if let text = window.stringValue, let seconds = DurationText.seconds(text), seconds > 0 {
                goal.window = seconds
                goal.windowText = text
            } else {
                fail("/goal/window", "must be a duration such as \"7d\"")
            }
        }
        return goal
    }

    /// The experience as the API shows it (and the store keeps it).
    public var json: JSONValue {
        var allocationJSON: [String: JSONValue] = ["type": .string(allocation.type)]
        if case .ab(let weights) = allocation { allocationJSON["weights"] = .object(weights.mapValues(JSONValue.number)) }
        var object: [String: JSONValue] = [
            "key": .string(key), "name": .string(name), "placement": .string(placement), "status": .string(status.rawValue),
            "priority": .number(Double(priority)),
            "audience": audienceSegment.map { ["segment": .string($0)] } ?? .null,
            "variants": .array(variants.map { variant in
                var fields: [String: JSONValue] = ["key": .string(variant.key), "payload": variant.payload]
                if let recommendations = variant.recommendationsJSON { fields["recommendations"] = recommendations }
                return .object(fields)
            }),
            "allocation": .object(allocationJSON), "control_percent": .number(controlPercent),
            "goal": ["event": .string(goal.event), "value_property": goal.valueProperty.map(JSONValue.string) ?? .null, "window": .string(goal.windowText)],
            "created_at": .string(Timestamp.format(createdAt)), "updated_at": .string(Timestamp.format(updatedAt)),
        ]
        object["schedule"] = (start != nil || end != nil)
            ? ["start": start.map { .string(Timestamp.format($0)) } ?? .null, "end": end.map { .string(Timestamp.format($0)) } ?? .null]
            : .null
        return .object(object)
    }
}
