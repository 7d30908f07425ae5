import BaristaCore
import BaristaEngine
import BaristaServer
import BaristaSQLite
import BaristaTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// An application on a fresh in-memory store, with one site and its keys.
struct ServerHarness {
    let engine: Engine
    let app: Application<RouterResponder<BaristaRequestContext>>
    let secretKey: String
    let publishableKey: String
    let site: SiteID

    init(limits: Limits = Limits()) async throws {
        engine = Engine(store: try SQLiteStore(), clock: { Fixtures.now }, logger: Logger(label: "test"))
        let created = try await engine.createSite(named: "shop")
        secretKey = created.secretKey
        publishableKey = created.publishableKey
        site = created.site.id
        app = Application(router: buildRouter(engine: engine, metrics: ServerMetrics(), limits: limits))
    }

    /// Runs `body` with a client against the router (no socket).
    func test(_ body: @Sendable (ClientProxy) async throws -> Void) async throws {
        try await app.test(.router) { client in try await body(ClientProxy(client: client, secretKey: secretKey)) }
    }
}

/// A thin client: JSON in, parsed JSON and status out.
struct ClientProxy: Sendable {
    let client: any TestClientProtocol
    let secretKey: String

    struct Reply: Sendable {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let json: JSONValue
        let text: String
    }

    func send(_ method: HTTPRequest.Method, _ uri: String, key: String? = nil, body: String? = nil) async throws -> Reply {
        var headers: HTTPFields = [.contentType: "application/json"]
        let key = key ?? secretKey
        if !key.isEmpty { headers[.authorization] = "Bearer \(key)" }
        return try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
            let text = String(buffer: response.body)
            return Reply(status: response.status, headers: response.headers, json: (try? JSON.parse(text)) ?? .null, text: text)
        }
    }

    func send(_ method: HTTPRequest.Method, _ uri: String, key: String? = nil, json: JSONValue) async throws -> Reply {
        try await send(method, uri, key: key, body: JSON.string(json))
    }
}

extension ClientProxy.Reply {
    /// Whether this is a problem+json naming `field` among its errors.
    func isProblem(_ status: HTTPResponse.Status, field: String? = nil) -> Bool {
        guard self.status == status, headers[.contentType] == "application/problem+json", json["status"]?.doubleValue == Double(status.code),
            json["title"]?.stringValue != nil, json["detail"]?.stringValue != nil
        else { return false }
        guard let field else { return true }
        return json["errors"]?.arrayValue?.contains { $0["field"]?.stringValue == field } ?? false
    }
}
