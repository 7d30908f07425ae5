/// A `POST /v1/rank` body: the caller's own list (search results, a category page) to put in the
/// person's order.
public struct RankRequest: Sendable, Hashable {
    /// `user`: whose order; nil ranks for nobody in particular (site rules only).
    public var user: UserReference?
    /// `items`: the caller's list, in the caller's order.
    public var items: [ItemID]
    /// `context`: what the list is (`{"query":"lamp","page":"category"}`), kept as given.
    public var context: [String: JSONValue]

    /// The most items one request may rank.
    public static let maximumItems = 1_000

    /// A request to rank `items` for `user`.
    public init(user: UserReference? = nil, items: [ItemID], context: [String: JSONValue] = [:]) {
        self.user = user
        self.items = items
        self.context = context
    }

    /// Validates a body, collecting every problem with its JSON Pointer: `items` must be 1 to
    /// ``maximumItems`` distinct item ids; unknown top-level fields are errors.
    public static func parse(_ body: JSONValue) -> Result<RankRequest, ValidationErrors> {
        guard case .object(let object) = body else {
            return .failure(ValidationErrors([FieldError(field: "", message: "must be a JSON object")]))
        }
        var errors: [FieldError] = []
        for key in object.keys.sorted() where !["user", "items", "context"].contains(key) {
            errors.append(FieldError(field: JSONPointer().appending(key).description, message: "is not a field of a rank request (user, items, context)"))
        }
        var request = RankRequest(items: [])
        if let user = object["user"], !user.isNull {
            switch UserReference.parse(user, at: JSONPointer("/user")) {
            case .success(let reference): request.user = reference
            case .failure(let problems): errors += problems.errors
            }
        }
        if let items = object["items"]?.arrayValue, (1...maximumItems).contains(items.count) {
            var seen: [ItemID: Int] = [:]
            seen.reserveCapacity(items.count)
            request.items.reserveCapacity(items.count)
            for (index, element) in items.enumerated() {
                guard let text = element.stringValue, (1...256).contains(text.count) else {
                    errors.append(FieldError(field: "/items/\(index)", message: "must be an item id: a string of 1 to 256 characters"))
                    continue
                }
                let id = ItemID(text)
                if let first = seen[id] {
                    errors.append(FieldError(field: "/items/\(index)", message: "repeats /items/\(first): each item may appear once"))
                    continue
                }
                seen[id] = index
                request.items.append(id)
            }
        } else {
            errors.append(FieldError(field: "/items", message: "is required: an array of 1 to \(maximumItems) item ids"))
        }
        if let context = object["context"], !context.isNull {
            if let fields = context.objectValue { request.context = fields } else {
                errors.append(FieldError(field: "/context", message: "must be an object"))
            }
        }
        return errors.isEmpty ? .success(request) : .failure(ValidationErrors(errors))
    }
}
