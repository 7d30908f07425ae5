import BaristaCore
import Hummingbird
import Prometheus

/// Barista's Prometheus metrics, in a registry of its own (so tests can run many servers in one process).
public final class ServerMetrics: Sendable {
    /// The registry `GET /metrics` renders; share it to export other metrics beside Barista's.
    public let registry: PrometheusCollectorRegistry
    let eventsAccepted: Counter
    let eventsRejected: Counter
    let eventsDuplicate: Counter
    let profiles: Gauge
    let items: Gauge

    static let latencyBuckets: [Swift.Duration] = [
        .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .seconds(2.5), .seconds(5),
    ]

    /// Registers Barista's metrics in `registry`, a new private one by default.
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        eventsAccepted = registry.makeCounter(descriptor: MetricNameDescriptor(metricName: "barista_events_accepted", unitName: "total", helpText: "Events newly stored."))
        eventsRejected = registry.makeCounter(descriptor: MetricNameDescriptor(metricName: "barista_events_rejected", unitName: "total", helpText: "Events rejected as invalid."))
        eventsDuplicate = registry.makeCounter(descriptor: MetricNameDescriptor(metricName: "barista_events_duplicate", unitName: "total", helpText: "Events whose message_id was already stored."))
        profiles = registry.makeGauge(descriptor: MetricNameDescriptor(metricName: "barista_profiles", unitName: "", helpText: "Live profiles, all sites."))
        items = registry.makeGauge(descriptor: MetricNameDescriptor(metricName: "barista_items", unitName: "", helpText: "Catalog items, all sites."))
    }

    func recordRequest(route: String, method: String, status: Int, duration: Swift.Duration) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(metricName: "barista_http_requests", unitName: "total", helpText: "HTTP requests by route, method and status."),
            labels: [("route", route), ("method", method), ("status", String(status))]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(metricName: "barista_http_request_duration", unitName: "seconds", helpText: "HTTP request latency by route."),
            labels: [("route", route), ("method", method)], buckets: Self.latencyBuckets
        ).record(duration)
    }
}

/// Counts every request and times it, labelled by the matched route (never the raw path, to keep
/// the label set bounded).
struct MetricsMiddleware: RouterMiddleware {
    typealias Context = BaristaRequestContext
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let route = context.endpointPath ?? "NotFound"
        metrics.recordRequest(route: route, method: request.method.rawValue, status: response.status.code, duration: ContinuousClock.now - start)
        return response
    }
}
