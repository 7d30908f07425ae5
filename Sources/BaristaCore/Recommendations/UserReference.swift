/// `user` in a request body: `{"user_id": "…"}` or `{"anonymous_id": "…"}`, or both, which links them.
///
/// An unknown user is a new, empty person, never an error.
public struct UserReference: Sendable, Hashable {
    /// `user_id`: the shop's own id of the person, when known.
    public var userID: String?
    /// `anonymous_id`: the browser's or app's id of the person, when known.
    public var anonymousID: String?

    /// `user_hash`: hex HMAC-SHA256(identity_secret, user_id), which a browser must send with a
    /// `user_id` when the site sets `require_user_hash`.
    public var userHash: String?

    /// A reference by either id or both; at least one should be set.
    public init(userID: String? = nil, anonymousID: String? = nil, userHash: String? = nil) {
        self.userID = userID
        self.anonymousID = anonymousID
        self.userHash = userHash
    }

    /// Reads `user` at `pointer`: an object with `user_id` and/or `anonymous_id` (camelCase accepted),
    /// each a string of 1–256 characters.
    public static func parse(_ value: JSONValue, at pointer: JSONPointer) -> Result<UserReference, ValidationErrors> {
        guard case .object(let object) = value else {
            return .failure(ValidationErrors([FieldError(field: pointer.description, message: "must be an object with user_id or anonymous_id")]))
        }
        var errors: [FieldError] = []
        func id(_ names: [String]) -> String? {
            guard let name = names.first(where: { object[$0] != nil }), let value = object[name] else { return nil }
            guard let text = value.stringValue, (1...256).contains(text.count) else {
                errors.append(FieldError(field: pointer.appending(name).description, message: "must be a string of 1 to 256 characters"))
                return nil
            }
            return text
        }
        let reference = UserReference(
            userID: id(["user_id", "userId"]), anonymousID: id(["anonymous_id", "anonymousId"]), userHash: id(["user_hash", "userHash"]))
        if errors.isEmpty, reference.userID == nil, reference.anonymousID == nil {
            errors.append(FieldError(field: pointer.description, message: "must name user_id or anonymous_id"))
        }
        return errors.isEmpty ? .success(reference) : .failure(ValidationErrors(errors))
    }
}
