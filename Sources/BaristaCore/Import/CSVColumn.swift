/// What a CSV column of an import file means, decided once from the header.
enum CSVColumn: Sendable, Hashable {
    /// A top-level string field (`item_id`, `title`, `user_id`, …).
    case string(String)
    /// A top-level number field (`price`).
    case number(String)
    /// A top-level Boolean field (`in_stock`).
    case bool(String)
    /// `tags`: values separated by `|`.
    case tags(String)
    /// A timestamp field: Unix seconds or RFC 3339.
    case timestamp(String)
    /// A nested field named by a dotted path (`properties.price` → `["properties", "price"]`),
    /// whose cell value is inferred (see ``CSVCell/inferred(_:)``).
    case path([String])
    /// A nested field that holds an id (`properties.product_id`, `properties.order_id`,
    /// `properties.sku`): always a string, so `22633` stays `"22633"`.
    case idPath([String])

    /// The JSON path this column writes, for conflict checks.
    var path: [String] {
        switch self {
        case .string(let key), .number(let key), .bool(let key), .tags(let key), .timestamp(let key): [key]
        case .path(let path), .idPath(let path): path
        }
    }

    /// The columns of an items file: the fields of `PUT /v1/items` plus `item_id`; dotted
    /// `attributes.X` columns and any column not in the list go into `attributes`.
    static func item(_ name: String) -> CSVColumn {
        switch name {
        case "item_id", "title", "category", "brand", "color", "style", "currency", "url", "image_url":
            return .string(name)
        case "price": return .number(name)
        case "in_stock": return .bool(name)
        case "tags": return .tags(name)
        case "published_at": return .timestamp(name)
        default:
            let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            if parts.count > 1, parts[0] == "attributes" { return .path(parts) }
            return .path(["attributes", name])
        }
    }

    /// The columns of an events file: `type,event,user_id,anonymous_id,message_id,timestamp`,
    /// dotted `properties.X`/`traits.X`/`context.X` columns (nested objects), and any other column
    /// as a top-level string (`previous_id` of an alias, `name` of a page, …).
    static func event(_ name: String) -> CSVColumn {
        if name == "timestamp" || name == "sent_at" || name == "sentAt" { return .timestamp(name) }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count > 1, let last = parts.last else { return .string(name) }
        return last == "id" || last.hasSuffix("_id") || last == "sku" ? .idPath(parts) : .path(parts)
    }
}
