import BaristaCore
import BaristaEngine
import Foundation
import Hummingbird

/// Experiences (`/v1/experiences…`), their reports, and `POST /v1/decide`.
struct ExperiencesController {
    let engine: Engine
    let limits: Limits

    func register(on routes: RouteTable) {
        routes.on(.post, "/v1/experiences", "Create an experience (draft unless status says otherwise)", access: .secret,
            body: OpenAPIDocument.experienceSchema, status: 201) { request, context in
            let site = try context.requireSecret()
            let body = try await JSONIO.body(request, limits: limits)
            let experience = try Experience.parse(body, now: engine.currentTime).mapError { BaristaError.invalid($0.errors) }.get()
            return JSONIO.response(try await engine.createExperience(experience, site: site).json, status: .created)
        }
        routes.on(.get, "/v1/experiences", "Every experience", access: .secret) { _, context in
            let site = try context.requireSecret()
            return JSONIO.response(["experiences": .array(try await engine.experiences(site: site).map(\.json)), "next_cursor": .null])
        }
        routes.on(.get, "/v1/experiences/{key}", "One experience", access: .secret) { _, context in
            let site = try context.requireSecret()
            return JSONIO.response(try await find(context, site: site).json)
        }
        routes.on(.put, "/v1/experiences/{key}", "Create or replace an experience", access: .secret, body: OpenAPIDocument.experienceSchema,
            status: 201, replaces: true) { request, context in
            let site = try context.requireSecret()
            let key = try JSONIO.parameter("key", context)
            let body = try await JSONIO.body(request, limits: limits)
            let experience = try Experience.parse(body, pathKey: key, now: engine.currentTime).mapError { BaristaError.invalid($0.errors) }.get()
            let (saved, created) = try await engine.replaceExperience(experience, site: site)
            return JSONIO.response(saved.json, status: created ? .created : .ok)
        }
        for (action, status) in [("start", Experience.Status.running), ("pause", .paused)] {
            routes.on(.post, "/v1/experiences/{key}/" + action, action == "start" ? "Start an experience" : "Pause an experience", access: .secret) { _, context in
                let site = try context.requireSecret()
                let key = try JSONIO.parameter("key", context)
                guard let experience = try await engine.setExperienceStatus(key, to: status, site: site) else {
                    throw BaristaError.notFound("no experience has the key \(key)")
                }
                return JSONIO.response(experience.json)
            }
        }
        routes.on(.get, "/v1/experiences/{key}/report", "Per variant and control: exposures, conversions, uplift, probability best, SRM",
            access: .secret, query: ["from", "to"]) { request, context in
            let site = try context.requireSecret()
            let key = try JSONIO.parameter("key", context)
            let now = engine.currentTime
            let from = try RecommendationsController.time(request, "from") ?? .distantPast
            let to = try RecommendationsController.time(request, "to") ?? now.addingTimeInterval(1)
            guard from < to else { throw BaristaError.invalid("from", "must be before to") }
            guard let report = try await engine.experienceReport(key, site: site, from: from, to: to) else {
                throw BaristaError.notFound("no experience has the key \(key)")
            }
            return JSONIO.response(report.json)
        }
        routes.on(.get, "/v1/reports/value", "Personalized versus the global holdout: conversion and revenue per person, overall and per placement",
            access: .secret, query: ["from", "to"]) { request, context in
            let site = try context.requireSecret()
            let now = engine.currentTime
            let from = try RecommendationsController.time(request, "from") ?? now.addingTimeInterval(-30 * 86_400)
            let to = try RecommendationsController.time(request, "to") ?? now.addingTimeInterval(1)
            guard from < to else { throw BaristaError.invalid("from", "must be before to") }
            return JSONIO.response(try await engine.valueReport(site: site, from: from, to: to))
        }
        routes.on(.post, "/v1/decide", "The content of each placement for a person, chosen by the placement's experiences", access: .publishable,
            body: OpenAPIDocument.decideSchema) { request, context in
            let caller = try context.requireCaller()
            let body = try await JSONIO.body(request, limits: limits)
            let parsed = try DecideRequest.parse(body).mapError { BaristaError.invalid($0.errors) }.get()
            try await UserHashVerifier.require(parsed.user, caller: try context.requireCaller(), engine: engine)
            let decisions = try await engine.decide(parsed, site: caller.site)
            return JSONIO.response(["decisions": .array(decisions.map(\.json))])
        }
    }

    func find(_ context: BaristaRequestContext, site: SiteID) async throws -> Experience {
        let key = try JSONIO.parameter("key", context)
        guard let experience = try await engine.experience(key, site: site) else { throw BaristaError.notFound("no experience has the key \(key)") }
        return experience
    }
}

extension OpenAPIDocument {
    static let experienceSchema: JSONValue = [
        "type": "object", "required": ["placement", "variants"], "additionalProperties": false,
        "properties": [
            "key": ["type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$"], "name": ["type": "string"],
            "placement": ["type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$"],
            "status": ["enum": ["draft", "running", "paused"]], "priority": ["type": "integer"],
            "audience": ["type": ["object", "null"], "properties": ["segment": ["type": "string"]], "additionalProperties": false],
            "variants": ["type": "array", "minItems": 1, "maxItems": .number(Double(Experience.maximumVariants)), "items": [
                "type": "object", "required": ["key"], "additionalProperties": false,
                "properties": ["key": ["type": "string"], "payload": [:], "recommendations": recommendationRequestSchema],
            ]],
            "allocation": ["type": "object", "required": ["type"], "properties": [
                "type": ["enum": ["ab", "bandit", "contextual_bandit"]], "weights": ["type": "object", "additionalProperties": ["type": "number"]],
            ]],
            "control_percent": ["type": "number", "minimum": 0, "exclusiveMaximum": 100],
            "goal": ["type": "object", "additionalProperties": false, "properties": [
                "event": ["type": "string"], "value_property": ["type": ["string", "null"]], "window": ["type": "string", "pattern": "^[0-9]+[smhdw]$"],
            ]],
            "schedule": ["type": ["object", "null"], "properties": ["start": ["type": "string"], "end": ["type": "string"]]],
            "created_at": ["type": "string"], "updated_at": ["type": "string"],
        ],
    ]

    static let decideSchema: JSONValue = [
        "type": "object", "required": ["placements"], "additionalProperties": false,
        "properties": [
            "user": ["type": "object", "properties": ["user_id": ["type": "string"], "anonymous_id": ["type": "string"]]],
            "placements": ["type": "array", "minItems": 1, "maxItems": .number(Double(DecideRequest.maximumPlacements)), "items": ["type": "string"]],
            "context": ["type": "object"],
        ],
    ]
}
