import BaristaCore
import BaristaEngine
import Hummingbird
import Logging
import ServiceLifecycle

/// Where and how the server listens.
public struct ServerConfiguration: Sendable {
    /// `--host`, `BARISTA_HOST` (default 127.0.0.1).
    public var host: String
    /// `--port`, `BARISTA_PORT` (default 8080; 0 picks a free port).
    public var port: Int
    /// Request limits (API.md's defaults).
    public var limits: Limits
    /// How often changed profiles are checkpointed.
    public var checkpointInterval: Swift.Duration
    /// Whether the background trainer runs (`--no-train` turns it off, e.g. for benchmarks of a fixed model).
    public var trains: Bool = true
    /// New events after which the trainer retrains a site's model (`--train-after-events`).
    public var trainAfterEvents: Int64 = 10_000
    /// Whether webhooks may point at loopback and private addresses (`--allow-private-webhooks`).
    public var allowPrivateWebhooks = false
    /// Attempts of a webhook delivery before dead-lettering (`--webhook-attempts`, default 8).
    public var webhookAttempts = 8
    /// The wait after a first failed delivery, doubled after each further one (`--webhook-backoff`, default 30 s).
    public var webhookBackoff: Double = 30

    /// A configuration; by default 127.0.0.1:8080, API.md's limits and a checkpoint every 30 s.
    public init(host: String = "127.0.0.1", port: Int = 8080, limits: Limits = Limits(), checkpointInterval: Swift.Duration = .seconds(30)) {
        self.host = host
        self.port = port
        self.limits = limits
        self.checkpointInterval = checkpointInterval
    }
}

extension ServerConfiguration {
    /// How the trigger scheduler delivers, from this configuration.
    var deliveryPolicy: DeliveryPolicy {
        var policy = DeliveryPolicy()
        policy.allowPrivateNetworks = allowPrivateWebhooks
        policy.maxAttempts = webhookAttempts
        policy.baseBackoff = webhookBackoff
        return policy
    }
}

/// Builds the router: every route of the API, behind problem+json, metrics and auth middleware.
public func buildRouter(engine: Engine, metrics: ServerMetrics, limits: Limits = Limits()) -> Router<BaristaRequestContext> {
    let router = Router(context: BaristaRequestContext.self)
    router.add(middleware: MetricsMiddleware(metrics: metrics))
    router.add(middleware: CORSMiddleware(engine: engine))
    router.add(middleware: ProblemMiddleware())
    // The limiter reads the engine's clock, so tests that fix the clock get no refill between requests.
    router.add(middleware: AuthMiddleware(engine: engine, limiter: RateLimiter { engine.currentTime.timeIntervalSince1970 }))
    let routes = RouteTable(router: router)
    OperationsController(engine: engine, metrics: metrics).register(on: routes)
    BrowserTagController().register(on: routes)
    EventsController(engine: engine, limits: limits, metrics: metrics).register(on: routes)
    ProfilesController(engine: engine, limits: limits).register(on: routes)
    ItemsController(engine: engine, limits: limits).register(on: routes)
    SettingsController(engine: engine, limits: limits).register(on: routes)
    RecommendationsController(engine: engine, limits: limits).register(on: routes)
    RankingController(engine: engine, limits: limits).register(on: routes)
    QuizzesController(engine: engine, limits: limits).register(on: routes)
    SegmentsController(engine: engine, limits: limits).register(on: routes)
    ExperiencesController(engine: engine, limits: limits).register(on: routes)
    TriggersController(engine: engine, limits: limits).register(on: routes)
    RewardsController(engine: engine, limits: limits).register(on: routes)
    OpenAPIDocument.publish(routes.docs)
    // The dashboard's pages are HTML for people, so they stay out of the OpenAPI document.
    Dashboard(engine: engine).register(on: router)
    return router
}

/// Builds the application: the router, the server and the engine's background services.
///
/// - Parameter onListening: called with the bound host and port once the server accepts connections.
public func buildApplication(
    engine: Engine, configuration: ServerConfiguration, metrics: ServerMetrics = ServerMetrics(), logger: Logger,
    onListening: @escaping @Sendable (String, Int) async -> Void = { _, _ in }
) -> some ApplicationProtocol {
    let router = buildRouter(engine: engine, metrics: metrics, limits: configuration.limits)
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Barista"),
        // The cluster link first: services stop in reverse order, so a leader keeps its lock
        // until the checkpoint service has written the last checkpoint.
        services: (engine.isClustered ? [ClusterService(engine: engine) as any Service] : [])
            + [CheckpointService(engine: engine, interval: configuration.checkpointInterval),
               TriggerService(engine: engine, policy: configuration.deliveryPolicy)]
            + (configuration.trains ? [TrainerService(engine: engine, minimumNewEvents: configuration.trainAfterEvents)] : []),
        onServerRunning: { channel in
            await onListening(configuration.host, channel.localAddress?.port ?? configuration.port)
        },
        logger: logger
    )
}
