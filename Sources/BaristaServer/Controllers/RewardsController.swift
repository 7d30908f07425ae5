import BaristaCore
import BaristaEngine
import Foundation
import Hummingbird

/// The rewards programme (`/v1/rewards/program`) and redemptions (`POST /v1/rewards/redeem`).
struct RewardsController {
    let engine: Engine
    let limits: Limits

    func register(on routes: RouteTable) {
        routes.on(.get, "/v1/rewards/program", "The site's rewards program: earn rules, multipliers, tiers and rewards", access: .secret) { _, context in
            let site = try context.requireSecret()
            return JSONIO.response(try await engine.rewardsProgram(site: site).json)
        }
        routes.on(.put, "/v1/rewards/program", "Replace the rewards program (applies to events from now on)", access: .secret,
            body: OpenAPIDocument.rewardsProgramSchema) { request, context in
            let site = try context.requireSecret()
            let body = try await JSONIO.body(request, limits: limits)
            let program = try RewardsProgram.parse(body, now: engine.currentTime).mapError { BaristaError.invalid($0.errors) }.get()
            return JSONIO.response(try await engine.replaceRewardsProgram(program, site: site).json)
        }
        routes.on(.post, "/v1/rewards/redeem", "Spend a reward's points from a person's balance (409 when it is short)", access: .secret,
            body: OpenAPIDocument.redeemSchema) { request, context in
            let site = try context.requireSecret()
            let body = try await JSONIO.body(request, limits: limits)
            let redemption = try RedeemBody.parse(body).mapError { BaristaError.invalid($0.errors) }.get()
            let result = try await engine.redeem(user: redemption.user, reward: redemption.reward, messageID: redemption.messageID, site: site)
            return JSONIO.response([
                "balance": .number(Double(result.balance)), "reward": .string(result.reward), "points": .number(Double(result.points)),
                "profile_id": .string(result.profileID.rawValue), "redeemed": .bool(result.redeemed),
            ])
        }
    }
}

/// The body of `POST /v1/rewards/redeem`: `{"user":{…},"reward":"free-drink","message_id":"…"}`.
struct RedeemBody {
    var user: UserReference
    var reward: String
    var messageID: String?

    static func parse(_ value: JSONValue) -> Result<RedeemBody, ValidationErrors> {
        guard case .object(let object) = value else {
            return .failure(ValidationErrors([FieldError(field: "", message: "must be an object with user and reward")]))
        }
        var errors: [FieldError] = []
        for key in object.keys.sorted() where !["user", "reward", "message_id", "messageId"].contains(key) {
            errors.append(FieldError(field: "/" + key, message: "is not a field of a redemption (user, reward, message_id)"))
        }
        var user: UserReference?
        if let raw = object["user"] {
            switch UserReference.parse(raw, at: JSONPointer("/user")) {
            case .success(let parsed): user = parsed
            case .failure(let problems): errors += problems.errors
            }
        } else {
            errors.append(FieldError(field: "/user", message: "is required: {\"user_id\": …} or {\"anonymous_id\": …}"))
        }
        let reward = object["reward"]?.stringValue
        if reward.map(DefinitionKey.isValid) != true {
            errors.append(FieldError(field: "/reward", message: "is required: the key of a reward of the program"))
        }
        var messageID: String?
        let name = object["message_id"] != nil ? "message_id" : "messageId"
        if let raw = object[name] {
            if let text = raw.stringValue, (1...256).contains(text.count) { messageID = text } else {
                errors.append(FieldError(field: "/" + name, message: "must be a string of 1 to 256 characters"))
            }
        }
        guard errors.isEmpty, let user, let reward else { return .failure(ValidationErrors(errors)) }
        return .success(RedeemBody(user: user, reward: reward, messageID: messageID))
    }
}

extension OpenAPIDocument {
    static let rewardsProgramSchema: JSONValue = [
        "type": "object", "additionalProperties": false,
        "properties": [
            "earn": ["type": "array", "items": [
                "type": "object", "required": ["event", "points_per_unit"], "additionalProperties": false,
                "properties": ["event": ["type": "string", "minLength": 1, "maxLength": 256], "points_per_unit": ["type": "number", "exclusiveMinimum": 0, "maximum": 100_000],
                    "unit": ["enum": ["revenue", "event"]], "property": ["type": "string"]],
            ]],
            "multipliers": ["type": "array", "items": [
                "type": "object", "required": ["factor"], "additionalProperties": false,
                "properties": ["segment": ["type": ["string", "null"], "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$"], "factor": ["type": "number", "exclusiveMinimum": 0, "maximum": 100],
                    "from": ["type": ["string", "number", "null"]], "to": ["type": ["string", "number", "null"]]],
            ]],
            "tiers": ["type": "array", "items": [
                "type": "object", "required": ["key", "min_points"], "additionalProperties": false,
                "properties": ["key": ["type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$"], "min_points": ["type": "integer", "minimum": 0, "maximum": 1_000_000_000_000],
                    "window": ["type": "string", "pattern": "^[0-9]+[smhdw]$"], "benefits": ["type": "object"]],
            ]],
            "rewards": ["type": "array", "items": [
                "type": "object", "required": ["key", "points"], "additionalProperties": false,
                "properties": ["key": ["type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$"], "points": ["type": "integer", "minimum": 1, "maximum": 1_000_000_000_000],
                    "title": ["type": ["string", "null"], "minLength": 1, "maxLength": 256]],
            ]],
            "updated_at": ["type": "string"],
        ],
    ]

    static let redeemSchema: JSONValue = [
        "type": "object", "required": ["user", "reward"], "additionalProperties": false,
        "properties": [
            "user": ["type": "object", "minProperties": 1, "properties": [
                "user_id": ["type": "string", "minLength": 1, "maxLength": 256], "anonymous_id": ["type": "string", "minLength": 1, "maxLength": 256],
            ]],
            "reward": ["type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$"], "message_id": ["type": "string", "minLength": 1, "maxLength": 256],
        ],
    ]
}
