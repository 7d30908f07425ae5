import BaristaCore
import BaristaEngine
import Foundation
import Hummingbird

/// Onboarding quizzes: `POST /v1/quizzes`, `GET /v1/quizzes`, `GET`/`DELETE /v1/quizzes/{key}` and
/// `POST /v1/quizzes/{key}/responses`.
struct QuizzesController {
    let engine: Engine
    let limits: Limits

    func register(on routes: RouteTable) {
        routes.on(.post, "/v1/quizzes", "Create or replace an onboarding quiz", access: .secret, body: OpenAPIDocument.quizSchema,
            status: 201, replaces: true) { request, context in
            let site = try context.requireSecret()
            let quiz = try Quiz.parse(try await JSONIO.body(request, limits: limits)).mapError { BaristaError.invalid($0.errors) }.get()
            let created = try await engine.saveQuiz(quiz, site: site)
            return JSONIO.response(quiz.json, status: created ? .created : .ok)
        }
        routes.on(.get, "/v1/quizzes", "Every quiz", access: .secret) { _, context in
            let site = try context.requireSecret()
            return JSONIO.response(["quizzes": .array(try await engine.quizzes(site: site).map(\.json)), "next_cursor": .null])
        }
        routes.on(.get, "/v1/quizzes/{key}", "One quiz", access: .secret) { _, context in
            let site = try context.requireSecret()
            return JSONIO.response(try await find(context, site: site).json)
        }
        routes.on(.delete, "/v1/quizzes/{key}", "Delete a quiz (answers already given stay)", access: .secret) { _, context in
            let site = try context.requireSecret()
            let key = try JSONIO.parameter("key", context)
            guard try await engine.deleteQuiz(key, site: site) else { throw BaristaError.notFound("no quiz has the key \(key)") }
            return JSONIO.response(["deleted": true, "key": .string(key)])
        }
        routes.on(.post, "/v1/quizzes/{key}/responses", "Record a person's answers: their preferences and traits change at once",
            access: .secret, body: OpenAPIDocument.quizResponseSchema) { request, context in
            let site = try context.requireSecret()
            let quiz = try await find(context, site: site)
            let body = try await JSONIO.body(request, limits: limits)
            let response = try QuizResponse.parse(body, quiz: quiz).mapError { BaristaError.invalid($0.errors) }.get()
            let snapshot = try await engine.recordQuizResponse(response, quiz: quiz, site: site)
            return JSONIO.response([
                "profile_id": .string(snapshot.profile.id.rawValue), "quiz": .string(quiz.key),
                "preferences": snapshot.profile.preferences.json, "traits": .object(snapshot.profile.traits),
            ])
        }
    }

    func find(_ context: BaristaRequestContext, site: SiteID) async throws -> Quiz {
        let key = try JSONIO.parameter("key", context)
        guard let quiz = try await engine.quiz(key, site: site) else { throw BaristaError.notFound("no quiz has the key \(key)") }
        return quiz
    }
}

extension OpenAPIDocument {
    static let quizSchema: JSONValue = [
        "type": "object", "required": ["key", "questions"], "additionalProperties": false,
        "properties": [
            "key": ["type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$"],
            "title": ["type": "string", "minLength": 1, "maxLength": 256],
            "questions": ["type": "array", "minItems": 1, "maxItems": .number(Double(Quiz.maximumQuestions)), "items": [
                "type": "object", "required": ["key", "text", "answers"], "additionalProperties": false,
                "properties": [
                    "key": ["type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$"],
                    "text": ["type": "string", "minLength": 1, "maxLength": 1024], "multiple": ["type": "boolean"],
                    "answers": ["type": "array", "minItems": 1, "maxItems": .number(Double(Quiz.maximumAnswers)), "items": [
                        "type": "object", "required": ["key", "text"], "additionalProperties": false,
                        "properties": [
                            "key": ["type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$"],
                            "text": ["type": "string", "minLength": 1, "maxLength": 1024],
                            "sets": ["type": "object", "additionalProperties": false, "properties": [
                                "preferences": preferencesSchema, "traits": ["type": "object"],
                            ]],
                        ],
                    ]],
                ],
            ]],
        ],
    ]

    static let quizResponseSchema: JSONValue = [
        "type": "object", "required": ["user", "answers"], "additionalProperties": false,
        "properties": [
            "user": ["type": "object", "properties": ["user_id": ["type": "string"], "anonymous_id": ["type": "string"]]],
            "answers": ["type": "object", "minProperties": 1, "additionalProperties": [
                "oneOf": [["type": "string"], ["type": "array", "minItems": 1, "items": ["type": "string"]]],
            ]],
        ],
    ]
}
