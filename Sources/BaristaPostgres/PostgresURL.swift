import Foundation
import PostgresNIO

/// A `postgres://` (or `postgresql://`) URL, read into a ``PostgresClient`` configuration.
///
/// `postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=MODE`: the user is required, the port
/// defaults to 5432, the host to `localhost`. `sslmode` is `disable`, `prefer` (the default) or
/// `require` (`verify-full` and `verify-ca` are read as `require`, which verifies the certificate
/// against the system's roots). `?host=/path/to/socket/dir` connects through a Unix socket instead.
/// User, password and database are percent-decoded.
public struct PostgresURL: Sendable, Hashable {
    /// The host name or address (unused with ``socketDirectory``).
    public var host: String
    /// The TCP port.
    public var port: Int
    /// The directory of the server's Unix socket, when connecting through one.
    public var socketDirectory: String?
    /// The role to log in as.
    public var username: String
    /// Its password, if any.
    public var password: String?
    /// The database.
    public var database: String
    /// The `sslmode` query parameter: `disable`, `prefer` or `require`.
    public var sslMode: String

    /// Whether `text` names a PostgreSQL database (`postgres://` or `postgresql://`).
    public static func matches(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Reads a database URL.
    /// - Throws: ``PostgresURLError`` naming what is wrong with it.
    public init(_ text: String) throws {
        guard Self.matches(text), let components = URLComponents(string: text) else {
            throw PostgresURLError("is not a postgres:// URL")
        }
        guard let user = components.percentEncodedUser.flatMap({ $0.removingPercentEncoding }), !user.isEmpty else {
            throw PostgresURLError("names no user (postgres://USER:PASSWORD@HOST:PORT/DATABASE)")
        }
        let path = components.percentEncodedPath.drop { $0 == "/" }
        guard let database = String(path).removingPercentEncoding, !database.isEmpty, !database.contains("/") else {
            throw PostgresURLError("names no database (postgres://USER:PASSWORD@HOST:PORT/DATABASE)")
        }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        let mode = query["sslmode"] ?? "prefer"
        guard ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"].contains(mode) else {
            throw PostgresURLError("has sslmode=\(mode); use disable, prefer or require")
        }
        self.host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? "localhost"
        self.port = components.port ?? 5432
        self.socketDirectory = query["host"].flatMap { $0.hasPrefix("/") ? $0 : nil }
        self.username = user
        self.password = components.percentEncodedPassword.flatMap { $0.removingPercentEncoding }
        self.database = database
        self.sslMode = mode
    }

    /// The client configuration this URL describes.
    public var configuration: PostgresClient.Configuration {
        if let socketDirectory {
            let socket = (socketDirectory as NSString).appendingPathComponent(".s.PGSQL.\(port)")
            return PostgresClient.Configuration(unixSocketPath: socket, username: username, password: password, database: database)
        }
        let tls: PostgresClient.Configuration.TLS
        switch sslMode {
        case "disable": tls = .disable
        case "allow", "prefer": tls = .prefer(.makeClientConfiguration())
        default: tls = .require(.makeClientConfiguration())
        }
        return PostgresClient.Configuration(host: host, port: port, username: username, password: password, database: database, tls: tls)
    }

    /// The configuration of a single connection to the same database (what ``PostgresStore`` opens
    /// first, to report a wrong address or login at once rather than after the pool's retries).
    /// - Throws: when TLS cannot be set up.
    public func connectionConfiguration() throws -> PostgresConnection.Configuration {
        if let socketDirectory {
            let socket = (socketDirectory as NSString).appendingPathComponent(".s.PGSQL.\(port)")
            return PostgresConnection.Configuration(unixSocketPath: socket, username: username, password: password, database: database)
        }
        let tls: PostgresConnection.Configuration.TLS
        switch sslMode {
        case "disable": tls = .disable
        case "allow", "prefer": tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        default: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        return PostgresConnection.Configuration(host: host, port: port, username: username, password: password, database: database, tls: tls)
    }

    /// The URL with its password hidden, for logs and messages.
    public var redacted: String {
        "postgres://\(username)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)"
    }
}

/// A database URL that cannot be used, and why.
public struct PostgresURLError: Error, CustomStringConvertible, Sendable {
    /// What is wrong with the URL.
    public var description: String

    init(_ problem: String) { description = "the database URL \(problem)" }
}
