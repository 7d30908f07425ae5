import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A throwaway PostgreSQL cluster for tests: `initdb` into a temporary directory, a server on a free
/// local port (its socket in that directory too), and a fresh database per test.
///
/// When the tests run as root (as CI does), the cluster runs as the unprivileged `postgres` user
/// through `runuser`, which PostgreSQL requires. The binaries are looked for in
/// `$BARISTA_POSTGRES_BIN`, then `/usr/lib/postgresql/<version>/bin` (Debian's packages, which
/// `scripts/setup.sh --tests` installs). Without them ``shared()`` throws: a suite that needs
/// PostgreSQL fails rather than passing without running.
public final class PostgresCluster: Sendable {
    /// The TCP port the server listens on, on 127.0.0.1.
    public let port: Int
    /// The superuser every database belongs to (trust authentication, no password).
    public let user = "barista"
    /// The temporary directory holding the data directory, the socket and the server's log.
    public let directory: String
    private let binaries: String
    private let asPostgresUser: Bool

    private static let current = Mutex<PostgresCluster?>(nil)
    private static let starting = Mutex<Task<PostgresCluster, any Error>?>(nil)

    /// The cluster of this test process, started by the first caller and stopped when the process exits.
    /// - Throws: ``PostgresClusterError`` when PostgreSQL is not installed or does not start.
    public static func shared() async throws -> PostgresCluster {
        let task = starting.withLock { task in
            if let task { return task }
            let started = Task.detached { () throws -> PostgresCluster in
                let cluster = try PostgresCluster.start()
                current.withLock { $0 = cluster }
                atexit { PostgresCluster.current.withLock { $0 }?.stop() }
                return cluster
            }
            task = started
            return started
        }
        return try await task.value
    }

    /// Initializes and starts a new cluster; the caller stops it with ``stop()``.
    /// - Throws: ``PostgresClusterError`` when PostgreSQL is not installed or does not start.
    public static func start() throws -> PostgresCluster {
        let binaries = try findBinaries()
        let asPostgresUser = geteuid() == 0
        stopAbandoned(binaries: binaries, asPostgresUser: asPostgresUser)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("barista-pg-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        // Which test process owns the cluster, for the next run to stop it should this one crash.
        try "\(getpid())".write(toFile: directory + "/owner.pid", atomically: true, encoding: .utf8)
        if asPostgresUser {
            guard let account = getpwnam("postgres") else {
                throw PostgresClusterError("tests run as root, and there is no `postgres` user to run PostgreSQL as (apt-get install postgresql-15 creates it)")
            }
            guard chown(directory, account.pointee.pw_uid, account.pointee.pw_gid) == 0 else {
                throw PostgresClusterError("cannot hand \(directory) to the postgres user (errno \(errno))")
            }
        }
        var lastError: (any Error)?
        for _ in 0..<3 {
            let cluster = PostgresCluster(port: try freePort(), directory: directory, binaries: binaries, asPostgresUser: asPostgresUser)
            do {
                if !FileManager.default.fileExists(atPath: cluster.dataDirectory) {
                    try cluster.tool("initdb", [
                        "-D", cluster.dataDirectory, "-U", cluster.user, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions",
                    ])
                }
                let options = [
                    "-p \(cluster.port)", "-k \(directory)", "-c listen_addresses=127.0.0.1", "-c fsync=off", "-c synchronous_commit=off",
                    "-c full_page_writes=off", "-c max_connections=300", "-c shared_buffers=64MB",
                ].joined(separator: " ")
                try cluster.tool("pg_ctl", ["-D", cluster.dataDirectory, "-l", directory + "/server.log", "-w", "-t", "60", "-o", options, "start"])
                return cluster
            } catch {
                lastError = error  // most likely the port was taken meanwhile: try another
            }
        }
        try? FileManager.default.removeItem(atPath: directory)
        throw lastError ?? PostgresClusterError("PostgreSQL did not start")
    }

    private init(port: Int, directory: String, binaries: String, asPostgresUser: Bool) {
        self.port = port
        self.directory = directory
        self.binaries = binaries
        self.asPostgresUser = asPostgresUser
    }

    private var dataDirectory: String { directory + "/data" }

    /// Stops and removes the clusters of test processes that ended without stopping theirs (a crash,
    /// a kill), so that they do not pile up on a CI machine.
    private static func stopAbandoned(binaries: String, asPostgresUser: Bool) {
        let temporary = FileManager.default.temporaryDirectory.path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: temporary)) ?? []
        for name in names where name.hasPrefix("barista-pg-") {
            let directory = temporary + "/" + name
            guard let text = try? String(contentsOfFile: directory + "/owner.pid", encoding: .utf8), let owner = pid_t(text),
                kill(owner, 0) != 0, errno == ESRCH
            else { continue }
            let cluster = PostgresCluster(port: 0, directory: directory, binaries: binaries, asPostgresUser: asPostgresUser)
            if FileManager.default.fileExists(atPath: directory + "/data/postmaster.pid") { cluster.stop() }
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    /// Creates an empty database and returns its URL (`postgres://barista@127.0.0.1:PORT/NAME?sslmode=disable`).
    /// - Throws: ``PostgresClusterError`` when `createdb` fails.
    public func createDatabase(_ name: String = "barista_" + UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: ""))
        throws -> String
    {
        try run(binaries + "/createdb", ["-h", "127.0.0.1", "-p", "\(port)", "-U", user, name])
        return url(database: name)
    }

    /// The URL of `database` in this cluster.
    public func url(database: String) -> String {
        "postgres://\(user)@127.0.0.1:\(port)/\(database)?sslmode=disable"
    }

    /// Stops the server at once and removes its directory.
    public func stop() {
        try? tool("pg_ctl", ["-D", dataDirectory, "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs one of PostgreSQL's server tools, as the postgres user when the tests run as root.
    private func tool(_ name: String, _ arguments: [String]) throws {
        if asPostgresUser {
            try run("/usr/sbin/runuser", ["-u", "postgres", "--", binaries + "/" + name] + arguments)
        } else {
            try run(binaries + "/" + name, arguments)
        }
    }

    /// Runs a program to completion, its output in a file (a server it starts must not hold a pipe open).
    ///
    /// Through `posix_spawn` and `waitpid` rather than `Process`: Foundation's `Process` was seen
    /// never to notice the exit of `runuser` once `pg_ctl` had started the server.
    private func run(_ executable: String, _ arguments: [String]) throws {
        let log = directory + "/command-\(UUID().uuidString).log"
        defer { try? FileManager.default.removeItem(atPath: log) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else { throw PostgresClusterError("cannot start \(executable) (error \(spawned))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { throw PostgresClusterError("cannot wait for \(executable) (errno \(errno))") }
        }
        // Exited normally with status 0: the low 7 bits hold the signal (none), the next 8 the exit code.
        guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            let server = (try? String(contentsOfFile: directory + "/server.log", encoding: .utf8)) ?? ""
            throw PostgresClusterError(
                "\((executable as NSString).lastPathComponent) \(arguments.joined(separator: " ")) failed (wait status \(status)): \(text)"
                    + (server.isEmpty ? "" : "\nserver log:\n" + server))
        }
    }

    private static func findBinaries() throws -> String {
        var candidates: [String] = []
        if let configured = ProcessInfo.processInfo.environment["BARISTA_POSTGRES_BIN"] { candidates.append(configured) }
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
            .compactMap(Int.init).sorted(by: >)
        candidates += versions.map { "/usr/lib/postgresql/\($0)/bin" }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0 + "/initdb") }) else {
            throw PostgresClusterError(
                "PostgreSQL's server binaries (initdb, pg_ctl) were not found in \(candidates.isEmpty ? "/usr/lib/postgresql/*/bin" : candidates.joined(separator: ", ")): "
                    + "run scripts/setup.sh --tests (or apt-get install postgresql-15), or set BARISTA_POSTGRES_BIN")
        }
        return found
    }

    /// A TCP port that was free a moment ago on 127.0.0.1.
    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw PostgresClusterError("cannot open a socket to find a free port") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw PostgresClusterError("cannot bind a socket to find a free port") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw PostgresClusterError("cannot read the free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Why the test cluster could not be used.
public struct PostgresClusterError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, and what to do about it.
    public var description: String

    init(_ description: String) { self.description = description }
}
