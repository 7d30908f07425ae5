/// A `POST /v1/decide` body: who, and which placements to fill.
public struct DecideRequest: Sendable, Hashable {
    /// `user`: who is deciding; nil decides for nobody in particular (untargeted experiences only).
    public var user: UserReference?
    /// `placements`: distinct placement keys, in the order answered.
    public var placements: [String]
    /// `context`: what the caller knows of the moment (`channel`, `page`, …), kept as given.
    public var context: [String: JSONValue]

    /// The most placements one request may ask for.
    public static let maximumPlacements = 20

    /// A request for `placements`.
    public init(user: UserReference? = nil, placements: [String], context: [String: JSONValue] = [:]) {
        self.user = user
        self.placements = placements
        self.context = context
    }

    /// Validates a body, collecting every problem with its JSON Pointer.
    public static func parse(_ body: JSONValue) -> Result<DecideRequest, ValidationErrors> {
        guard case .object(let object) = body else { return .failure(ValidationErrors([FieldError(field: "", message: "must be a JSON object")])) }
        var errors: [FieldError] = []
        for key in object.keys.sorted() where !["user", "placements", "context"].contains(key) {
            errors.append(FieldError(field: JSONPointer().appending(key).description, message: "is not a field of a decide request (user, placements, context)"))
        }
        var request = DecideRequest(placements: [])
        if let user = object["user"], !user.isNull {
            switch UserReference.parse(user, at: JSONPointer("/user")) {
            case .success(let reference): request.user = reference
            case .failure(let problems): errors += problems.errors
            }
        }
        if let array = object["placements"]?.arrayValue, (1...maximumPlacements).contains(array.count) {
            for (index, element) in array.enumerated() {
                guard let key = element.stringValue, DefinitionKey.isValid(key) else {
                    errors.append(FieldError(field: "/placements/\(index)", message: "must be a placement key: " + DefinitionKey.rule))
                    continue
                }
                if request.placements.contains(key) {
                    errors.append(FieldError(field: "/placements/\(index)", message: "repeats placement \(key)"))
                    continue
                }
                request.placements.append(key)
            }
        } else {
            errors.append(FieldError(field: "/placements", message: "is required: an array of 1 to \(maximumPlacements) placement keys"))
        }
        if let context = object["context"], !context.isNull {
            if let fields = context.objectValue { request.context = fields } else { errors.append(FieldError(field: "/context", message: "must be an object")) }
        }
        return errors.isEmpty ? .success(request) : .failure(ValidationErrors(errors))
    }
}
