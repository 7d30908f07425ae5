import BaristaCore
import BaristaEngine
import Foundation
import Hummingbird

extension Dashboard {
    /// `/dashboard/triggers`: the triggers (create, edit, start, pause, delete) and the outbox.
    func registerTriggers(on router: Router<BaristaRequestContext>) {
        router.get("/dashboard/triggers") { request, _ in
            try await signedIn(request) { signed in
                var formText = Self.triggerExample
                var editing = false
                if let key = signed.query["edit"], let trigger = try await engine.trigger(key, site: signed.site) {
                    formText = Self.prettyJSON(trigger.json, dropping: ["created_at", "updated_at", "status"])
                    editing = true
                }
                return try await triggersPage(signed, status: .ok, text: formText, editing: editing, errors: [])
            }
        }

        router.post("/dashboard/triggers") { request, _ in
            try await signedIn(request, role: .marketer) { signed in
                let form = signed.form
                if let action = form["action"], let key = form["key"], ["start", "pause", "delete"].contains(action) {
                    let found: Bool
                    switch action {
                    case "delete": found = try await engine.deleteTrigger(key, site: signed.site)
                    default: found = try await engine.setTriggerStatus(key, to: action == "start" ? .active : .paused, site: signed.site) != nil
                    }
                    guard found else { throw DashboardFailure(status: .notFound, title: "No such trigger", detail: "No trigger has the key \(key).") }
                    return Self.redirect("/dashboard/triggers")
                }
                let text = form.raw("definition") ?? ""
                let editing = form["editing"] != nil
                let body: JSONValue
                do { body = try JSON.parse(text) } catch {
                    return try await triggersPage(signed, status: .unprocessableContent, text: text, editing: editing,
                        errors: [["field": "", "message": "the definition is not JSON: \(error)"]])
                }
                switch Trigger.parse(body, now: engine.currentTime) {
                case .failure(let failure):
                    return try await triggersPage(signed, status: .unprocessableContent, text: text, editing: editing,
                        errors: failure.errors.map { ["field": $0.field, "message": $0.message] })
                case .success(let trigger):
                    do {
                        if editing { _ = try await engine.replaceTrigger(trigger, site: signed.site) } else { _ = try await engine.createTrigger(trigger, site: signed.site) }
                    } catch let error as BaristaError {
                        return try await triggersPage(signed, status: error.isConflict ? .conflict : .unprocessableContent, text: text, editing: editing,
                            errors: Self.problems(error))
                    }
                    return Self.redirect("/dashboard/triggers")
                }
            }
        }
    }

    private func triggersPage(_ signed: DashboardRequest, status: HTTPResponse.Status, text: String, editing: Bool, errors: [[String: String]]) async throws -> Response {
        let triggers: [[String: Any]] = try await engine.triggers(site: signed.site).map { trigger in
            [
                "key": trigger.key, "name": trigger.name, "status": trigger.status.rawValue, "active": trigger.status == .active,
                "channel": trigger.channel.rawValue, "kind": trigger.condition.kind.replacingOccurrences(of: "_", with: " "),
                "when": JSON.string(trigger.json["when"] ?? .null, sortedKeys: true),
                "edit": "/dashboard/triggers?" + Self.queryString(["edit": trigger.key]),
            ]
        }
        let filter = signed.query["status"].flatMap(MessageStatus.init(rawValue:))
        let (messages, next) = try await engine.messages(site: signed.site, status: filter, cursor: signed.query["cursor"], limit: 50)
        let outbox: [[String: Any]] = messages.map { message in
            [
                "id": message.id, "trigger": message.trigger, "channel": message.channel, "profile": message.profileID.rawValue,
                "profile_path": Self.profilePath(message.profileID.rawValue), "status": message.status.rawValue,
                "attempts": "\(message.attempts)", "due": DashboardTime.show(message.scheduledFor),
                "delivered": DashboardTime.show(message.deliveredAt), "error": message.lastError ?? "",
            ]
        }
        let statuses: [[String: Any]] = MessageStatus.allCases.map { ["value": $0.rawValue, "selected": $0 == filter] }
        return render(status: status, page: "triggers", title: "Triggers and messages", session: signed.session, [
            "triggers": triggers, "no_triggers": triggers.isEmpty, "definition": text, "editing": editing,
            "errors": errors, "has_errors": !errors.isEmpty, "outbox": outbox, "no_messages": outbox.isEmpty, "statuses": statuses,
            "next": next.map { "/dashboard/triggers?" + Self.queryString(["status": filter?.rawValue, "cursor": $0]) } ?? false,
        ])
    }

    static let triggerExample = """
        {
          "key": "cart-abandoned",
          "name": "Abandoned cart, with picks",
          "when": {"event": "Product Added", "no_event": "Order Completed", "after": "1h"},
          "channel": "email",
          "content": {"recommendations": {"strategy": "bought_together", "limit": 4}},
          "deliver": {"webhook": "https://esp.example/hook"}
        }
        """

    /// JSON laid out for a person to edit: one field per line at the top level.
    static func prettyJSON(_ value: JSONValue, dropping: Set<String> = []) -> String {
        guard case .object(let fields) = value else { return JSON.string(value) }
        let lines = fields.filter { !dropping.contains($0.key) && !$0.value.isNull }.sorted { $0.key < $1.key }.map { key, value in
            "  " + JSON.string(.string(key)) + ": " + JSON.string(value, sortedKeys: true)
        }
        return "{\n" + lines.joined(separator: ",\n") + "\n}"
    }
}
