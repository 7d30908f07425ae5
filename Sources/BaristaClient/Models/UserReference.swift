/// Whom a request is about: `{"user_id": …}`, `{"anonymous_id": …}`, or both (which also links them).
///
/// An unknown user is a new, empty profile, never an error.
public struct UserReference: Sendable, Hashable, Codable {
    /// `user_id`: your own id of a known person.
    public var userID: String?
    /// `anonymous_id`: the id of a device or browser before the person is known.
    public var anonymousID: String?

    /// `user_hash`: needed with `user_id` from a publishable key when the site sets `require_user_hash`.
    public var userHash: String?

    /// A reference by either or both ids.
    public init(userID: String? = nil, anonymousID: String? = nil, userHash: String? = nil) {
        self.userID = userID
        self.anonymousID = anonymousID
        self.userHash = userHash
    }

    /// A known person, by your user id.
    public static func user(_ id: String) -> UserReference { UserReference(userID: id) }

    /// A person not yet known, by an anonymous id.
    public static func anonymous(_ id: String) -> UserReference { UserReference(anonymousID: id) }

    enum CodingKeys: String, CodingKey {
        case userID = "user_id"
        case anonymousID = "anonymous_id"
        case userHash = "user_hash"
    }
}
