import BaristaCore
import BaristaEngine
import Foundation
import Hummingbird

/// The catalog routes: upsert, batch upsert, get, delete, list.
struct ItemsController {
    let engine: Engine
    let limits: Limits

    func register(on routes: RouteTable) {
        routes.on(.put, "/v1/items/{item_id}", "Create or replace an item", access: .secret, body: OpenAPIDocument.itemSchema, status: 201,
            replaces: true) { request, context in
            let site = try context.requireSecret()
            let id = try JSONIO.parameter("item_id", context)
            let body = try await JSONIO.body(request, limits: limits)
            let item = try ItemValidator(limits: limits).validate(body, id: id, at: JSONPointer(), now: engine.currentTime).get()
            let created = try await engine.upsertItems([item], site: site)[0]
            return JSONIO.response(item.json, status: created ? .created : .ok)
        }
        routes.on(.post, "/v1/items:batch", "Create or replace many items", access: .secret, body: OpenAPIDocument.itemBatchSchema) { request, context in
            let site = try context.requireSecret()
            let body = try await JSONIO.body(request, limits: limits)
            guard let elements = body["items"]?.arrayValue else { throw BaristaError.invalid("/items", "must be an array of items") }
            guard elements.count <= limits.maxBatchEvents else {
                throw BaristaError.tooLarge("a batch holds at most \(limits.maxBatchEvents) items", field: "/items")
            }
            let validator = ItemValidator(limits: limits)
            let now = engine.currentTime
            var items: [Item] = []
            var rejected: [JSONValue] = []
            for (index, element) in elements.enumerated() {
                switch validator.validate(element, id: nil, at: JSONPointer("/items").appending(index), now: now) {
                case .success(let item): items.append(item)
                case .failure(let failure):
                    rejected.append(failure.rejectedEntry(index: index))
                }
            }
            _ = try await engine.upsertItems(items, site: site)
            return JSONIO.response(["upserted": .number(Double(items.count)), "rejected": .array(rejected)])
        }
        routes.on(.get, "/v1/items/{item_id}", "One item", access: .secret) { _, context in
            let site = try context.requireSecret()
            let id = try JSONIO.parameter("item_id", context)
            guard let item = try await engine.item(ItemID(id), site: site) else { throw BaristaError.notFound("no item has the id \(id)") }
            return JSONIO.response(item.json)
        }
        routes.on(.delete, "/v1/items/{item_id}", "Delete an item", access: .secret) { _, context in
            let site = try context.requireSecret()
            let id = try JSONIO.parameter("item_id", context)
            guard try await engine.deleteItem(ItemID(id), site: site) else { throw BaristaError.notFound("no item has the id \(id)") }
            return JSONIO.response(["deleted": true, "item_id": .string(id)])
        }
        routes.on(.get, "/v1/items", "List and search items", access: .secret, query: ["q", "category", "cursor", "limit"]) { request, context in
            let site = try context.requireSecret()
            let (limit, cursor) = try JSONIO.paging(request)
            let query = request.uri.queryParameters
            let page = try await engine.items(
                site: site, query: query.get("q").map { $0.removingPercentEncoding ?? $0 },
                category: query.get("category").map { $0.removingPercentEncoding ?? $0 }, after: cursor, limit: limit)
            return JSONIO.response(["items": .array(page.items.map(\.json)), "next_cursor": page.next.map(JSONValue.string) ?? .null])
        }
    }
}
