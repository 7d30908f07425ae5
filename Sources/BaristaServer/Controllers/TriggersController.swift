import BaristaCore
import BaristaEngine
import Foundation
import Hummingbird

/// Triggers (`/v1/triggers…`) and the outbox of their messages (`GET /v1/messages`).
struct TriggersController {
    let engine: Engine
    let limits: Limits

    func register(on routes: RouteTable) {
        routes.on(.post, "/v1/triggers", "Create a trigger (active unless status says otherwise)", access: .secret,
            body: OpenAPIDocument.triggerSchema, status: 201) { request, context in
            let site = try context.requireSecret()
            let body = try await JSONIO.body(request, limits: limits)
            let trigger = try Trigger.parse(body, now: engine.currentTime).mapError { BaristaError.invalid($0.errors) }.get()
            return JSONIO.response(try await engine.createTrigger(trigger, site: site).json, status: .created)
        }
        routes.on(.get, "/v1/triggers", "Every trigger", access: .secret) { _, context in
            let site = try context.requireSecret()
            return JSONIO.response(["triggers": .array(try await engine.triggers(site: site).map(\.json)), "next_cursor": .null])
        }
        routes.on(.get, "/v1/triggers/{key}", "One trigger", access: .secret) { _, context in
            let site = try context.requireSecret()
            let key = try JSONIO.parameter("key", context)
            guard let trigger = try await engine.trigger(key, site: site) else { throw BaristaError.notFound("no trigger has the key \(key)") }
            return JSONIO.response(trigger.json)
        }
        routes.on(.put, "/v1/triggers/{key}", "Create or replace a trigger", access: .secret, body: OpenAPIDocument.triggerSchema,
            status: 201, replaces: true) { request, context in
            let site = try context.requireSecret()
            let key = try JSONIO.parameter("key", context)
            let body = try await JSONIO.body(request, limits: limits)
            let trigger = try Trigger.parse(body, pathKey: key, now: engine.currentTime).mapError { BaristaError.invalid($0.errors) }.get()
            let (saved, created) = try await engine.replaceTrigger(trigger, site: site)
            return JSONIO.response(saved.json, status: created ? .created : .ok)
        }
        routes.on(.delete, "/v1/triggers/{key}", "Delete a trigger and cancel its scheduled messages", access: .secret) { _, context in
            let site = try context.requireSecret()
            let key = try JSONIO.parameter("key", context)
            guard try await engine.deleteTrigger(key, site: site) else { throw BaristaError.notFound("no trigger has the key \(key)") }
            return Response(status: .noContent)
        }
        for (action, status) in [("start", Trigger.Status.active), ("pause", .paused)] {
            routes.on(.post, "/v1/triggers/{key}/" + action,
                action == "start" ? "Start a trigger" : "Pause a trigger (its scheduled messages are cancelled)", access: .secret) { _, context in
                let site = try context.requireSecret()
                let key = try JSONIO.parameter("key", context)
                guard let trigger = try await engine.setTriggerStatus(key, to: status, site: site) else {
                    throw BaristaError.notFound("no trigger has the key \(key)")
                }
                return JSONIO.response(trigger.json)
            }
        }
        routes.on(.get, "/v1/messages", "The outbox, newest first: status, attempts and last error of each message", access: .secret,
            query: ["status", "cursor", "limit"]) { request, context in
            let site = try context.requireSecret()
            let (limit, cursor) = try JSONIO.paging(request)
            var status: MessageStatus?
            if let text = request.uri.queryParameters.get("status"), !text.isEmpty {
                guard let parsed = MessageStatus(rawValue: String(text)) else {
                    throw BaristaError.invalid("status", "must be one of " + MessageStatus.allCases.map(\.rawValue).joined(separator: ", "))
                }
                status = parsed
            }
            let page = try await engine.messages(site: site, status: status, cursor: cursor, limit: limit)
            return JSONIO.response(["messages": .array(page.messages.map(\.json)), "next_cursor": page.next.map(JSONValue.string) ?? .null])
        }
        routes.on(.get, "/v1/messages/{id}", "One message of the outbox, with the body it was (or will be) delivered with", access: .secret) { _, context in
            let site = try context.requireSecret()
            let id = try JSONIO.parameter("id", context)
            guard let message = try await engine.message(id, site: site) else { throw BaristaError.notFound("no message has the id \(id)") }
            var json = message.json.objectValue ?? [:]
            json["body"] = message.body.flatMap { try? JSON.parse(Array($0.utf8)) } ?? .null
            return JSONIO.response(.object(json))
        }
    }
}

extension OpenAPIDocument {
    static let triggerSchema: JSONValue = [
        "type": "object", "required": ["when"], "additionalProperties": false,
        "properties": [
            "key": ["type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$"], "name": ["type": "string"],
            "status": ["enum": ["active", "paused"]], "kind": ["type": "string"],
            "when": ["type": "object", "description": """
                One of {"event","after"[,"no_event"][,"where"]}, {"date_trait","days_before"}, {"prediction","op","value"}, \
                {"price_drop":{"min_percent","viewed_within"}}, {"sequence":[{"event","where"}],"within"}
                """],
            "channel": ["enum": ["email", "in_app"]],
            "content": ["type": "object", "additionalProperties": false, "properties": ["recommendations": recommendationRequestSchema, "payload": [:]]],
            "deliver": ["type": ["object", "null"], "additionalProperties": false, "properties": ["webhook": ["type": "string"]]],
            "max_delay": ["type": "string", "pattern": "^[0-9]+[smhdw]$"], "send_time": ["enum": ["now", "preferred"]],
            "created_at": ["type": "string"], "updated_at": ["type": "string"],
        ],
    ]
}
