import ArgumentParser
import BaristaCore
import BaristaEngine
import BaristaServer
import Foundation
import Hummingbird
import Logging

/// `barista serve`: the HTTP server.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the HTTP server.")

    @OptionGroup var store: StoreOptions

    @Option(help: "The address to listen on (env BARISTA_HOST).")
    var host: String = ProcessInfo.processInfo.environment["BARISTA_HOST"] ?? "127.0.0.1"

    @Option(help: "The port to listen on; 0 picks a free one (env BARISTA_PORT).")
    var port: Int = Int(ProcessInfo.processInfo.environment["BARISTA_PORT"] ?? "") ?? 8080

    @Option(help: "Log format: json or text (env BARISTA_LOG_FORMAT).")
    var logFormat: String = ProcessInfo.processInfo.environment["BARISTA_LOG_FORMAT"] ?? "json"

    @Flag(help: "Let webhooks point at loopback and private addresses (an ESP relay in your own network); refused by default against SSRF.")
    var allowPrivateWebhooks = false

    @Flag(inversion: .prefixedNo, help: "Retrain each site's for_you model in the background.")
    var train = true

    @Option(help: "Retrain a site's model after this many new events (and hourly while any arrive).")
    var trainAfterEvents: Int64 = 10_000

    @Option(help: "Attempts of a webhook delivery before its message is dead-lettered.")
    var webhookAttempts: Int = 8

    @Option(help: "Seconds to wait after a first failed webhook delivery; each further failure doubles it (at most an hour).")
    var webhookBackoff: Double = 30

    func validate() throws {
        guard trainAfterEvents >= 1 else { throw ValidationError("--train-after-events must be 1 or more.") }
        guard webhookAttempts >= 1 else { throw ValidationError("--webhook-attempts must be 1 or more.") }
        guard webhookBackoff >= 0.1 else { throw ValidationError("--webhook-backoff must be 0.1 (seconds) or more.") }
    }

    func run() async throws {
        let arenas = ProcessMemory.limitMallocArenas()
        CLILogging.bootstrap(json: logFormat == "json")
        let logger = CLILogging.logger()
        logger.debug("malloc arenas", metadata: ["limit": "\(arenas.map(String.init) ?? "as the environment or platform sets")"])
        let engine = try await store.openEngine(logger: logger)
        var configuration = ServerConfiguration(host: host, port: port)
        configuration.trains = train
        configuration.allowPrivateWebhooks = allowPrivateWebhooks
        configuration.trainAfterEvents = trainAfterEvents
        configuration.webhookAttempts = webhookAttempts
        configuration.webhookBackoff = webhookBackoff
        try await Self.serve(engine: engine, configuration: configuration, logger: logger)
    }

    /// Loads every site, then serves until SIGTERM or SIGINT, finishing in-flight requests and
    /// checkpointing profiles before it exits.
    static func serve(engine: Engine, configuration: ServerConfiguration, logger: Logger, banner: (@Sendable (String) -> Void)? = nil) async throws {
        let started = ContinuousClock.now
        try await engine.warmUp()
        logger.info("sites loaded", metadata: ["seconds": "\(ContinuousClock.now - started)"])
        let app = buildApplication(
            engine: engine, configuration: configuration, logger: logger,
            onListening: { host, port in
                let url = "http://\(host):\(port)"
                Output.line("listening on \(url)")
                banner?(url)
            })
        try await app.runService()
    }
}
