import BaristaCore
import Crypto
import Foundation
import Synchronization
import _CryptoExtras

/// What a dashboard user may do.
public enum DashboardRole: String, Sendable, CaseIterable, Comparable {
    /// Reads every page; changes nothing.
    case viewer
    /// Everything but keys and settings: segments, experiences, triggers, catalog, profiles.
    case marketer
    /// Everything, keys and site settings included.
    case admin

    /// Whether this role may change what marketers change.
    public var canEdit: Bool { self >= .marketer }
    /// Whether this role may manage keys and settings.
    public var canAdminister: Bool { self == .admin }

    public static func < (a: DashboardRole, b: DashboardRole) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// A person who signs in to the dashboard of one site.
public struct DashboardUser: Sendable, Hashable {
    /// Their sign-in name, kept lowercased.
    public var email: String
    /// What they may do.
    public var role: DashboardRole
    /// The site they work on.
    public var site: SiteID
    /// The password's scrypt hash, `scrypt$N$r$p$salt$hash` (hex).
    var passwordHash: String
    /// When the account was made.
    public var createdAt: Date
}

/// A signed-in dashboard session.
public struct DashboardSession: Sendable, Hashable {
    /// Who signed in.
    public var email: String
    /// Their role when they signed in.
    public var role: DashboardRole
    /// Their site.
    public var site: SiteID
    /// The token every form of this session carries (CSRF protection).
    public var csrfToken: String
    /// When the session ends.
    public var expiresAt: Date
}

/// Why a sign-in failed; each says what the person can do about it.
public enum SignInError: Error, Sendable, Equatable {
    /// The email and password do not match an account.
    case invalidCredentials
    /// Too many failures in a row; sign-in is refused until `until`, even with the right password.
    case lockedOut(until: Date)
}

/// Dashboard accounts and sessions, kept as site definitions (`dashboard_user` by email,
/// `dashboard_session` by the SHA-256 of the token, so a copy of the database holds no usable
/// token), with a cache of sessions and the failure counts behind the lockout.
final class DashboardAccounts: Sendable {
    static let userKind = "dashboard_user"
    static let sessionKind = "dashboard_session"
    /// How long a session lasts from sign-in.
    static let sessionLifetime: TimeInterval = 12 * 3600
    /// Failures in a row, within `failureWindow`, after which an email is locked out.
    static let maxFailures = 5
    static let failureWindow: TimeInterval = 15 * 60
    static let lockout: TimeInterval = 15 * 60

    struct Failures {
        var count: Int
        var first: Date
        var lockedUntil: Date?
    }

    struct State {
        var sessions: [String: DashboardSession] = [:]
        var failures: [String: Failures] = [:]
    }

    let state = Mutex(State())
}

/// Password hashing: scrypt with N = 2^14, r = 8, p = 1 (RFC 7914's interactive figure, 16 MiB and
/// tens of milliseconds per guess), a 16-byte random salt, 32 bytes out.
enum PasswordHash {
    static let n = 16_384, r = 8, p = 1

    static func make(_ password: String) throws -> String {
        let salt = (0..<16).map { _ in UInt8.random(in: 0...255) }
        let key = try derive(password, salt: salt, n: n, r: r, p: p)
        return "scrypt$\(n)$\(r)$\(p)$\(Hex.encode(salt))$\(Hex.encode(key))"
    }

    static func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$").map(String.init)
        guard parts.count == 6, parts[0] == "scrypt", let n = Int(parts[1]), let r = Int(parts[2]), let p = Int(parts[3]),
              let salt = Hex.decode(parts[4]), let expected = Hex.decode(parts[5]),
              let key = try? derive(password, salt: salt, n: n, r: r, p: p)
        else { return false }
        return ConstantTime.equal(key, expected)
    }

    private static func derive(_ password: String, salt: [UInt8], n: Int, r: Int, p: Int) throws -> [UInt8] {
        let key = try KDF.Scrypt.deriveKey(from: Array(password.utf8), salt: salt, outputByteCount: 32,
            rounds: n, blockSize: r, parallelism: p, maxMemory: 64 << 20)
        return key.withUnsafeBytes { Array($0) }
    }
}

extension Engine {
    /// Creates a dashboard account on a site.
    ///
    /// - Throws: ``BaristaError/invalid(_:)`` for an email without `@` or a password under 10
    ///   characters, ``BaristaError/conflict(_:)`` when the site already has that email.
    @discardableResult
    public func createDashboardUser(email: String, password: String, role: DashboardRole, site: SiteID) async throws -> DashboardUser {
        let email = email.trimmingCharacters(in: .whitespaces).lowercased()
        var problems: [FieldError] = []
        let parts = email.split(separator: "@")
        if parts.count != 2 || parts.contains(where: \.isEmpty) || email.contains(where: \.isWhitespace) {
            problems.append(FieldError(field: "/email", message: "must be an email address"))
        }
        if password.count < 10 { problems.append(FieldError(field: "/password", message: "must have at least 10 characters")) }
        guard problems.isEmpty else { throw BaristaError.invalid(problems) }
        if try await dashboardUsers(site: site).contains(where: { $0.email == email }) {
            throw BaristaError.conflict("\(email) already has a dashboard account on this site")
        }
        let user = DashboardUser(email: email, role: role, site: site, passwordHash: try PasswordHash.make(password), createdAt: now())
        try await saveDashboardUser(user)
        return user
    }

    /// Sets a new password and role for an existing account (`barista users create … --reset`).
    public func resetDashboardUser(email: String, password: String, role: DashboardRole, site: SiteID) async throws {
        guard try await dashboardUsers(site: site).contains(where: { $0.email == email.lowercased() }) else {
            throw BaristaError.notFound("no dashboard account \(email)")
        }
        guard password.count >= 10 else { throw BaristaError.invalid([FieldError(field: "/password", message: "must have at least 10 characters")]) }
        try await saveDashboardUser(DashboardUser(email: email.lowercased(), role: role, site: site,
            passwordHash: try PasswordHash.make(password), createdAt: now()))
        dashboardAccounts.state.withLock { state in state.sessions = state.sessions.filter { $0.value.email != email.lowercased() } }
    }

    /// Deletes a dashboard account and its sessions; returns whether it existed.
    public func deleteDashboardUser(email: String, site: SiteID) async throws -> Bool {
        let email = email.lowercased()
        let existed = try await store.deleteDefinition(kind: DashboardAccounts.userKind, key: email, site: site)
        for stored in try await store.definitions(kind: DashboardAccounts.sessionKind, site: site)
        where (try? JSON.parse(stored.body))?["email"]?.stringValue == email {
            _ = try await store.deleteDefinition(kind: DashboardAccounts.sessionKind, key: stored.key, site: site)
        }
        dashboardAccounts.state.withLock { state in state.sessions = state.sessions.filter { $0.value.email != email } }
        await announceDefinitions(DashboardAccounts.userKind, keys: [email], site: site)
        return existed
    }

    /// A site's dashboard accounts, by email.
    public func dashboardUsers(site: SiteID) async throws -> [DashboardUser] {
        try await store.definitions(kind: DashboardAccounts.userKind, site: site).compactMap { stored in
            guard let body = try? JSON.parse(stored.body), let hash = body["password_hash"]?.stringValue,
                  let role = body["role"]?.stringValue.flatMap(DashboardRole.init(rawValue:)) else { return nil }
            return DashboardUser(email: stored.key, role: role, site: site, passwordHash: hash, createdAt: stored.createdAt)
        }
    }

    /// Signs in with an email and password; returns a new session and its token (for the cookie).
    ///
    /// Five failures for an email within 15 minutes lock it out for 15 minutes, whatever the
    /// password; a success clears the count. An unknown email costs the same scrypt work as a known
    /// one, so the time taken does not tell which emails have accounts.
    public func signIn(email: String, password: String) async throws -> (token: String, session: DashboardSession) {
        let email = email.trimmingCharacters(in: .whitespaces).lowercased()
        let time = now()
        if let until = dashboardAccounts.state.withLock({ $0.failures[email]?.lockedUntil }), until > time {
            throw SignInError.lockedOut(until: until)
        }
        var candidates: [DashboardUser] = []
        for site in try await sites().sorted(by: { $0.name < $1.name }) {
            candidates += try await dashboardUsers(site: site.id).filter { $0.email == email }
        }
        let user = candidates.first { PasswordHash.verify(password, against: $0.passwordHash) }
        if candidates.isEmpty { _ = PasswordHash.verify(password, against: Self.decoyHash) }
        guard let user else {
            let locked: Date? = dashboardAccounts.state.withLock { state in
                var failures = state.failures[email] ?? .init(count: 0, first: time)
                if time.timeIntervalSince(failures.first) > DashboardAccounts.failureWindow || failures.lockedUntil != nil {
                    failures = .init(count: 0, first: time)
                }
                failures.count += 1
                if failures.count >= DashboardAccounts.maxFailures { failures.lockedUntil = time.addingTimeInterval(DashboardAccounts.lockout) }
                state.failures[email] = failures
                return failures.lockedUntil
            }
            if let locked {
                logger.warning("dashboard sign-in locked out after repeated failures", metadata: ["email": "\(email)"])
                throw SignInError.lockedOut(until: locked)
            }
            throw SignInError.invalidCredentials
        }
        dashboardAccounts.state.withLock { _ = $0.failures.removeValue(forKey: email) }
        let token = Self.newToken()
        let session = DashboardSession(email: user.email, role: user.role, site: user.site, csrfToken: Self.newToken(),
            expiresAt: time.addingTimeInterval(DashboardAccounts.sessionLifetime))
        let body: JSONValue = [
            "email": .string(session.email), "role": .string(session.role.rawValue), "csrf": .string(session.csrfToken),
            "expires_at": .string(Timestamp.format(session.expiresAt)),
        ]
        try await store.saveDefinition(StoredDefinition(kind: DashboardAccounts.sessionKind, key: Self.tokenKey(token),
            body: JSON.string(body), createdAt: time, updatedAt: time), site: user.site)
        try await dropExpiredSessions(site: user.site, at: time)
        dashboardAccounts.state.withLock { $0.sessions[Self.tokenKey(token)] = session }
        return (token, session)
    }

    /// The live session a cookie's token names, if any.
    public func dashboardSession(token: String) async throws -> DashboardSession? {
        let key = Self.tokenKey(token)
        let time = now()
        if let cached = dashboardAccounts.state.withLock({ $0.sessions[key] }) {
            return cached.expiresAt > time ? cached : nil
        }
        // Another node, or this one before a restart, made it: look it up once.
        for site in try await sites() {
            for stored in try await store.definitions(kind: DashboardAccounts.sessionKind, site: site.id) where stored.key == key {
                guard let body = try? JSON.parse(stored.body), let email = body["email"]?.stringValue,
                      let role = body["role"]?.stringValue.flatMap(DashboardRole.init(rawValue:)),
                      let csrf = body["csrf"]?.stringValue, let expires = body["expires_at"]?.stringValue.flatMap(Timestamp.parse)
                else { return nil }
                let session = DashboardSession(email: email, role: role, site: site.id, csrfToken: csrf, expiresAt: expires)
                guard expires > time else { return nil }
                dashboardAccounts.state.withLock { $0.sessions[key] = session }
                return session
            }
        }
        return nil
    }

    /// Ends a session (logout).
    public func signOut(token: String) async throws {
        let key = Self.tokenKey(token)
        let session = dashboardAccounts.state.withLock { $0.sessions.removeValue(forKey: key) }
        if let session {
            _ = try await store.deleteDefinition(kind: DashboardAccounts.sessionKind, key: key, site: session.site)
            await announceDefinitions(DashboardAccounts.sessionKind, keys: [key], site: session.site)
        } else {
            for site in try await sites() {
                _ = try await store.deleteDefinition(kind: DashboardAccounts.sessionKind, key: key, site: site.id)
                await announceDefinitions(DashboardAccounts.sessionKind, keys: [key], site: site.id)
            }
        }
    }

    private func saveDashboardUser(_ user: DashboardUser) async throws {
        let body: JSONValue = ["role": .string(user.role.rawValue), "password_hash": .string(user.passwordHash)]
        try await store.saveDefinition(StoredDefinition(kind: DashboardAccounts.userKind, key: user.email, body: JSON.string(body),
            createdAt: user.createdAt, updatedAt: now()), site: user.site)
    }

    private func dropExpiredSessions(site: SiteID, at time: Date) async throws {
        for stored in try await store.definitions(kind: DashboardAccounts.sessionKind, site: site) {
            let expires = (try? JSON.parse(stored.body))?["expires_at"]?.stringValue.flatMap(Timestamp.parse)
            if expires.map({ $0 <= time }) ?? true {
                _ = try await store.deleteDefinition(kind: DashboardAccounts.sessionKind, key: stored.key, site: site)
            }
        }
    }

    /// 32 random bytes as hex: session tokens, CSRF tokens.
    public static func newToken() -> String {
        Hex.encode((0..<32).map { _ in UInt8.random(in: 0...255) })
    }

    static func tokenKey(_ token: String) -> String {
        Hex.encode(Array(SHA256.hash(data: Array(token.utf8))))
    }

    /// A hash of a password nobody has, checked for unknown emails so they cost the same time.
    private static let decoyHash = (try? PasswordHash.make(newToken())) ?? ""
}
