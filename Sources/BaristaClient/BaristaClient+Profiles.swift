import Foundation

extension BaristaClient {
    /// How ``profile(id:by:)`` and friends read an id.
    public enum ProfileLookup: String, Sendable, Hashable {
        /// `profile_id`.
        case profileID = "profile_id"
        /// `user_id`.
        case userID = "user_id"
        /// `anonymous_id`.
        case anonymousID = "anonymous_id"
    }

    /// A person's 360° view (`GET /v1/profiles/{id}`). Secret key only: keep it on a server.
    ///
    /// - Parameters:
    ///   - id: A profile id, user id or anonymous id (tried in that order), or a merged-away id.
    ///   - by: Forces one kind of id.
    /// - Throws: ``BaristaClientError``: 404 for an unknown id, 403 with a publishable key.
    public func profile(id: String, by: ProfileLookup? = nil) async throws -> Profile {
        try await transport.send("GET", "/v1/profiles/" + Transport.escape(id), query: Self.query(by))
    }

    /// Sets a person's consent (`PUT /v1/profiles/{id}/consent`); unset purposes are unchanged.
    /// Secret key only. An id never seen creates the profile.
    ///
    /// - Returns: The consent now in force (the site's defaults filled in).
    /// - Throws: ``BaristaClientError``.
    @discardableResult
    public func setConsent(_ consent: Consent, for id: String) async throws -> Consent {
        try await transport.send("PUT", "/v1/profiles/\(Transport.escape(id))/consent", body: try Transport.encode(consent))
    }

    /// Sets a person's own preferences (`PUT /v1/profiles/{id}/preferences`), which outrank
    /// everything inferred at once. Secret key only.
    ///
    /// - Returns: The stored preferences.
    /// - Throws: ``BaristaClientError``.
    @discardableResult
    public func setPreferences(_ preferences: Preferences, for id: String) async throws -> Preferences {
        try await transport.send("PUT", "/v1/profiles/\(Transport.escape(id))/preferences", body: try Transport.encode(preferences))
    }

    /// Everything stored about a person (`GET /v1/profiles/{id}/export`), for a data access
    /// request. Secret key only.
    ///
    /// - Throws: ``BaristaClientError``: 404 for an unknown id.
    public func exportProfile(id: String, by: ProfileLookup? = nil) async throws -> ProfileExport {
        try await transport.send("GET", "/v1/profiles/\(Transport.escape(id))/export", query: Self.query(by))
    }

    /// Erases a person: profile, identities, events and derived data (`DELETE /v1/profiles/{id}`).
    /// Secret key only. Every later read of any of its ids is a 404.
    ///
    /// - Returns: The receipt: which profile, how many events, when.
    /// - Throws: ``BaristaClientError``: 404 for an unknown id.
    @discardableResult
    public func deleteProfile(id: String, by: ProfileLookup? = nil) async throws -> ErasureReceipt {
        let answer: ErasureAnswer = try await transport.send("DELETE", "/v1/profiles/" + Transport.escape(id), query: Self.query(by))
        return answer.receipt
    }

    private static func query(_ by: ProfileLookup?) -> [URLQueryItem] {
        by.map { [URLQueryItem(name: "by", value: $0.rawValue)] } ?? []
    }
}

private struct ErasureAnswer: Decodable {
    var erased: Bool
    var receipt: ErasureReceipt
}
