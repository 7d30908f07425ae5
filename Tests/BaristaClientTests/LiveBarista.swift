import BaristaClient
import BaristaEngine
import BaristaServer
import BaristaSQLite
import Foundation
import Hummingbird
import Logging
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A Barista server on a real socket, in this process, over a fresh in-memory store.
final class LiveBarista: Sendable {
    let engine: Engine
    let secretKey: String
    let publishableKey: String
    let port: Int
    private let task: Task<Void, any Error>

    var host: URL { URL(string: "http://127.0.0.1:\(port)")! }

    private init(engine: Engine, secretKey: String, publishableKey: String, port: Int, task: Task<Void, any Error>) {
        self.engine = engine
        self.secretKey = secretKey
        self.publishableKey = publishableKey
        self.port = port
        self.task = task
    }

    /// Starts a server (on `port`, or a free one) for a new site, or for `engine`'s site when given.
    static func start(port: Int = 0, reusing other: LiveBarista? = nil) async throws -> LiveBarista {
        let engine: Engine
        let keys: (secret: String, publishable: String)
        if let other {
            engine = other.engine
            keys = (other.secretKey, other.publishableKey)
        } else {
            engine = Engine(store: try SQLiteStore(), logger: quiet)
            let created = try await engine.createSite(named: "shop")
            keys = (created.secretKey, created.publishableKey)
        }
        var configuration = ServerConfiguration(host: "127.0.0.1", port: port)
        configuration.trains = false
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = buildApplication(engine: engine, configuration: configuration, logger: quiet) { _, bound in
            continuation.yield(bound)
        }
        let task = Task { try await app.run() }
        var bound = 0
        for await value in ports {
            bound = value
            break
        }
        return LiveBarista(engine: engine, secretKey: keys.secret, publishableKey: keys.publishable, port: bound, task: task)
    }

    /// Stops the server and waits until its socket is closed.
    func stop() async {
        task.cancel()
        _ = await task.result
    }

    /// A client of this server.
    func client(key: String? = nil, role: BaristaClient.Role = .app, configure: (inout BaristaClient.Configuration) -> Void = { _ in })
        -> BaristaClient
    {
        var configuration = BaristaClient.Configuration(host: host, key: key ?? publishableKey)
        configuration.role = role
        configuration.initialBackoff = .milliseconds(20)
        configuration.maxBackoff = .milliseconds(200)
        configure(&configuration)
        return BaristaClient(configuration: configuration)
    }

    /// A secret-key request the client does not cover (catalog, experiences), for setting up.
    @discardableResult
    func admin(_ method: String, _ path: String, _ body: String) async throws -> Int {
        var request = URLRequest(url: host.appendingPathComponent(path))
        request.httpMethod = method
        request.setValue("Bearer \(secretKey)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(body.utf8)
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }
}

/// A logger for the servers under test: their shutdown noise is not the client's business.
let quiet: Logger = {
    var logger = Logger(label: "barista-client-tests")
    logger.logLevel = .critical
    return logger
}()

/// A fresh temporary directory.
func temporaryDirectory() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("barista-client-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
