import AsyncHTTPClient
import BaristaCore
import Crypto
import Foundation
import NIOCore

/// Where email messages go: an HTTP POST to the trigger's webhook.
public protocol WebhookTransport: Sendable {
    /// POSTs `body` with `headers` to `url` and returns the response's status code; throws when no
    /// response came (refused, timed out, reset).
    func post(_ url: String, body: [UInt8], headers: [(String, String)]) async throws -> Int
}

/// The signature API.md specifies for deliveries.
public enum WebhookSignature {
    /// `t=UNIX_SECONDS,v1=HEX`, HEX the hex HMAC-SHA256 with key `secret` of `"{t}.{raw body}"`.
    public static func header(secret: String, timestamp: Int, body: [UInt8]) -> String {
        "t=\(timestamp),v1=" + hex(secret: secret, timestamp: timestamp, body: body)
    }

    /// The `v1` part: hex HMAC-SHA256(`secret`, `"{timestamp}.{body}"`).
    public static func hex(secret: String, timestamp: Int, body: [UInt8]) -> String {
        var signed = Array("\(timestamp).".utf8)
        signed += body
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: Array(secret.utf8)))
        return Hex.encode(mac)
    }
}

/// The webhook transport on async-http-client: no redirects followed, 5 s to connect, 10 s for
/// the whole exchange, at most 64 KiB of a response read (and then dropped).
///
/// One per process (``shared``): its connection pool lives as long as the process.
public final class HTTPWebhookTransport: WebhookTransport {
    let client: HTTPClient

    /// The process's transport.
    public static let shared = HTTPWebhookTransport()

    private init() {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5), read: .seconds(10)))
        configuration.httpVersion = .http1Only
        client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// POSTs the body and answers the status code.
    public func post(_ url: String, body: [UInt8], headers: [(String, String)]) async throws -> Int {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await client.execute(request, timeout: .seconds(10))
        _ = try? await response.body.collect(upTo: 64 * 1024)
        return Int(response.status.code)
    }
}
