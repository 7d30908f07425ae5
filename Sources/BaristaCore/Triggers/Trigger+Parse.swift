import Foundation

extension Trigger {
    static let fields = ["key", "name", "status", "when", "kind", "channel", "content", "deliver", "max_delay", "send_time", "created_at",
        "updated_at"]

    /// Validates a `POST /v1/triggers` body (or a `PUT`, with `pathKey`), collecting every problem
    /// with its JSON Pointer. Defaults: `status` active, `channel` email, `max_delay` 24h,
    /// `send_time` preferred for date and prediction triggers and now for the others.
    /// `kind`, `created_at` and `updated_at` are accepted and ignored (a read can be sent back).
    public static func parse(_ body: JSONValue, pathKey: String? = nil, now: Date) -> Result<Trigger, ValidationErrors> {
        guard case .object(let object) = body else { return .failure(ValidationErrors([FieldError(field: "", message: "must be a JSON object")])) }
        var errors: [FieldError] = []
        func fail(_ pointer: String, _ message: String) { errors.append(FieldError(field: pointer, message: message)) }
        for key in object.keys.sorted() where !fields.contains(key) {
            fail(JSONPointer().appending(key).description, "is not a field of a trigger")
        }
        let (key, name) = DefinitionKey.keyAndName(of: object, pathKey: pathKey, fail: fail)
        var status = Status.active
        if let value = object["status"] {
            if let parsed = value.stringValue.flatMap(Status.init(rawValue:)) { status = parsed } else { fail("/status", "must be active or paused") }
        }
        let condition = parseCondition(object["when"], fail: fail)
        var channel = Channel.email
        if let value = object["channel"] {
            if let parsed = value.stringValue.flatMap(Channel.init(rawValue:)) { channel = parsed } else { fail("/channel", "must be email or in_app") }
        }
        let content = parseContent(object["content"], fail: fail)
        let webhook = parseDeliver(object["deliver"], channel: channel, fail: fail)
        var maxDelay = 86_400.0, maxDelayText = "24h"
        if let value = object["max_delay"] {
            if let text = value.stringValue, let seconds = DurationText.seconds(text) { (maxDelay, maxDelayText) = (seconds, text) } else {
                fail("/max_delay", "must be a duration such as \"24h\"")
            }
        }
        var sendTime = SendTime.now
        if let condition {
            switch condition {
            case .dateTrait, .prediction: sendTime = .preferred
            default: break
            }
        }
        if let value = object["send_time"] {
            if let parsed = value.stringValue.flatMap(SendTime.init(rawValue:)) { sendTime = parsed } else { fail("/send_time", "must be now or preferred") }
        }
        guard errors.isEmpty, let condition else { return .failure(ValidationErrors(errors)) }
        return .success(Trigger(
            key: key, name: name, status: status, condition: condition, channel: channel, recommendations: content.request,
            recommendationsJSON: content.json, payload: content.payload, webhook: webhook, maxDelay: maxDelay, maxDelayText: maxDelayText,
            sendTime: sendTime, createdAt: now, updatedAt: now))
    }

    private static func parseCondition(_ value: JSONValue?, fail: (String, String) -> Void) -> Condition? {
        guard case .object(let when)? = value else {
            fail("/when", "is required: an object such as {\"event\":\"Product Added\",\"no_event\":\"Order Completed\",\"after\":\"1h\"}")
            return nil
        }
        func allow(_ names: [String], _ shape: String) {
            for name in when.keys.sorted() where !names.contains(name) { fail("/when/" + name, "is not a field of \(shape) (\(names.joined(separator: ", ")))") }
        }
        func duration(_ name: String, required: Bool, default fallback: String? = nil) -> (Double, String)? {
            guard let value = when[name] else {
                if required { fail("/when/" + name, "is required: a duration such as \"1h\"") }
                return fallback.flatMap { text in DurationText.seconds(text).map { ($0, text) } }
            }
            guard let text = value.stringValue, let seconds = DurationText.seconds(text) else {
                fail("/when/" + name, "must be a duration such as \"1h\", \"3d\" or \"30m\"")
                return nil
            }
            return (seconds, text)
        }
        if when["event"] != nil {
            allow(["event", "no_event", "after", "where"], "an event condition")
            let match = parseMatch(.object(when.filter { ["event", "where"].contains($0.key) }), at: "/when", fail: fail)
            var cancel: String?
            if let value = when["no_event"] {
                if let text = value.stringValue, (1...256).contains(text.count) { cancel = text } else { fail("/when/no_event", "must be an event name") }
            }
            guard let after = duration("after", required: true), let match else { return nil }
            if after.0 > 366 * 86_400 { fail("/when/after", "must be at most a year") }
            return .event(match, cancelledBy: cancel, after: after.0, afterText: after.1)
        }
        if when["date_trait"] != nil {
            allow(["date_trait", "days_before"], "a date condition")
            guard let trait = when["date_trait"]?.stringValue, (1...256).contains(trait.count) else {
                fail("/when/date_trait", "must be the name of a trait holding a date (YYYY-MM-DD or MM-DD)")
                return nil
            }
            var days = 0
            if let value = when["days_before"] {
                if let n = value.doubleValue, n == n.rounded(), (0...60).contains(n) { days = Int(n) } else {
                    fail("/when/days_before", "must be a whole number of days from 0 to 60")
                }
            }
            return .dateTrait(trait, daysBefore: days)
        }
        if when["prediction"] != nil {
            allow(["prediction", "op", "value"], "a prediction condition")
            let name = when["prediction"]?.stringValue ?? ""
            if !predictions.contains(name) { fail("/when/prediction", "must be one of " + predictions.joined(separator: ", ")) }
            let op = when["op"]?.stringValue.flatMap(PredictionOp.init(rawValue:))
            if op == nil { fail("/when/op", "is required: lt, lte, gt or gte") }
            let threshold = when["value"]?.doubleValue
            if threshold == nil || !(threshold!.isFinite) { fail("/when/value", "is required: a number") }
            guard predictions.contains(name), let op, let threshold, threshold.isFinite else { return nil }
            return .prediction(name, op: op, value: threshold)
        }
        if let drop = when["price_drop"] {
            allow(["price_drop"], "a price-drop condition")
            guard case .object(let object) = drop else {
                fail("/when/price_drop", "must be an object with min_percent and viewed_within")
                return nil
            }
            for name in object.keys.sorted() where !["min_percent", "viewed_within"].contains(name) {
                fail("/when/price_drop/" + name, "is not a field of a price drop (min_percent, viewed_within)")
            }
            var percent = 10.0
            if let value = object["min_percent"] {
                if let n = value.doubleValue, n > 0, n < 100 { percent = n } else { fail("/when/price_drop/min_percent", "must be a number above 0 and below 100") }
            }
            var within = (30 * 86_400.0, "30d")
            if let value = object["viewed_within"] {
                if let text = value.stringValue, let seconds = DurationText.seconds(text), seconds > 0 { within = (seconds, text) } else {
                    fail("/when/price_drop/viewed_within", "must be a duration such as \"30d\"")
                }
            }
            return .priceDrop(minPercent: percent, viewedWithin: within.0, viewedWithinText: within.1)
        }
        if let sequence = when["sequence"] {
            allow(["sequence", "within"], "a sequence condition")
            guard let steps = sequence.arrayValue, (1...10).contains(steps.count) else {
                fail("/when/sequence", "must be an array of 1 to 10 {\"event\",\"where\"} steps")
                return nil
            }
            let matches = steps.enumerated().compactMap { index, step in parseMatch(step, at: "/when/sequence/\(index)", fail: fail) }
            guard let within = duration("within", required: false, default: "30m"), matches.count == steps.count else { return nil }
            return .sequence(matches, within: within.0, withinText: within.1)
        }
        fail("/when", "must have event, date_trait, prediction, price_drop or sequence")
        return nil
    }

    private static func parseMatch(_ value: JSONValue, at base: String, fail: (String, String) -> Void) -> EventMatch? {
        guard case .object(let object) = value else {
            fail(base, "must be an object with an event and optional where")
            return nil
        }
        for name in object.keys.sorted() where !["event", "where"].contains(name) { fail(base + "/" + name, "is not a field of a step (event, where)") }
        guard let event = object["event"]?.stringValue, (1...256).contains(event.count) else {
            fail(base + "/event", "is required: an event name (Page Viewed for pages)")
            return nil
        }
        var properties: [String: JSONValue] = [:]
        if let given = object["where"] {
            guard case .object(let wanted) = given, wanted.count <= 20 else {
                fail(base + "/where", "must be an object of up to 20 property → value")
                return nil
            }
            for (name, expected) in wanted {
                switch expected {
                case .string, .number, .bool: properties[name] = expected
                default: fail(base + "/where/" + name, "must be a string, number or boolean")
                }
            }
        }
        return EventMatch(event: event, properties: properties)
    }

    private static func parseContent(
        _ value: JSONValue?, fail: (String, String) -> Void
    ) -> (request: RecommendationRequest?, json: JSONValue?, payload: JSONValue) {
        guard let value, !value.isNull else { return (nil, nil, .null) }
        guard case .object(let object) = value else {
            fail("/content", "must be an object with recommendations and/or payload")
            return (nil, nil, .null)
        }
        for name in object.keys.sorted() where !["recommendations", "payload"].contains(name) {
            fail("/content/" + name, "is not a field of content (recommendations, payload)")
        }
        var request: RecommendationRequest?
        if let config = object["recommendations"], !config.isNull {
            switch RecommendationRequest.parse(config, contextLater: true) {
            case .success(let parsed): request = parsed
            case .failure(let problems):
                for problem in problems.errors { fail("/content/recommendations" + problem.field, problem.message) }
            }
            if config["user"] != nil { fail("/content/recommendations/user", "is the person the message is for; leave it out") }
        }
        let payload = object["payload"] ?? .null
        if JSON.string(payload).utf8.count > 64 * 1024 { fail("/content/payload", "must be at most 64 KiB of JSON") }
        return (request, request == nil ? nil : object["recommendations"], payload)
    }

    private static func parseDeliver(_ value: JSONValue?, channel: Channel, fail: (String, String) -> Void) -> String? {
        switch channel {
        case .inApp:
            if let value, !value.isNull { fail("/deliver", "is for email: in_app messages are answered by POST /v1/decide") }
            return nil
        case .email:
            guard case .object(let object)? = value else {
                fail("/deliver/webhook", "is required for email: the URL the message is POSTed to")
                return nil
            }
            for name in object.keys.sorted() where name != "webhook" { fail("/deliver/" + name, "is not a field of deliver (webhook)") }
            guard let text = object["webhook"]?.stringValue, let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? ""),
                url.host?.isEmpty == false, text.count <= 2048
            else {
                fail("/deliver/webhook", "must be an http or https URL")
                return nil
            }
            return text
        }
    }
}
