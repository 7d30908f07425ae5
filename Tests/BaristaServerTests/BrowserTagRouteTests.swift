import BaristaCore
import BaristaTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Crypto
import Testing

/// `/sdk/barista.js`, CORS for the site's `allowed_origins`, what a publishable key may do from a
/// browser (`require_user_hash`), and each key's rate limit.
struct BrowserTagRouteTests {
    @Test func theTagIsServedWithCachingHeadersAndAValidator() async throws {
        let h = try await ServerHarness()
        try await h.app.test(.router) { client in
            let etag = try await client.execute(uri: "/sdk/barista.js", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/javascript; charset=utf-8")
                #expect(response.headers[.cacheControl] == "public, max-age=86400")
                let text = String(buffer: response.body)
                #expect(text.contains("barista.init") || text.contains("init: function"))
                #expect(text.contains("sendBeacon") && text.contains("waitForConsent"))
                return response.headers[.eTag] ?? ""
            }
            #expect(etag.count == 18)
            try await client.execute(uri: "/sdk/barista.js", method: .get, headers: [.ifNoneMatch: etag]) { response in
                #expect(response.status == .notModified && response.body.readableBytes == 0)
            }
        }
    }

    @Test func corsAnswersOnlyTheSitesAllowedOrigins() async throws {
        let h = try await ServerHarness()
        try await h.test { client in
            _ = try await client.send(.patch, "/v1/settings", json: ["allowed_origins": ["https://shop.example/"]])
        }
        try await h.app.test(.router) { client in
            let preflight: HTTPFields = [.origin: "https://shop.example", .accessControlRequestMethod: "POST"]
            try await client.execute(uri: "/v1/events", method: .options, headers: preflight) { response in
                #expect(response.status == .noContent)
                #expect(response.headers[.accessControlAllowOrigin] == "https://shop.example")
                #expect(response.headers[.accessControlAllowHeaders]?.contains("Authorization") == true)
            }
            let stranger: HTTPFields = [.origin: "https://evil.example", .accessControlRequestMethod: "POST"]
            try await client.execute(uri: "/v1/events", method: .options, headers: stranger) { response in
                #expect(response.headers[.accessControlAllowOrigin] == nil, "no permission for an origin no site lists")
            }
            let event = ByteBuffer(string: #"{"type":"track","event":"Product Viewed","anonymous_id":"a1","properties":{"product_id":"p1"}}"#)
            var allowed: HTTPFields = [.origin: "https://shop.example", .authorization: "Bearer \(h.publishableKey)", .contentType: "application/json"]
            try await client.execute(uri: "/v1/events", method: .post, headers: allowed, body: event) { response in
                #expect(response.status == .accepted && response.headers[.accessControlAllowOrigin] == "https://shop.example")
                #expect(response.headers[.vary] == "Origin")
            }
            allowed[.origin] = "https://evil.example"
            try await client.execute(uri: "/v1/events", method: .post, headers: allowed, body: event) { response in
                #expect(response.status == .forbidden && response.headers[.contentType] == "application/problem+json")
            }
            // A beacon: text/plain, the key in the query, from the allowed origin.
            let beacon: HTTPFields = [.origin: "https://shop.example", .contentType: "text/plain;charset=UTF-8"]
            try await client.execute(uri: "/v1/events?key=\(h.publishableKey)", method: .post, headers: beacon, body: event) { response in
                #expect(response.status == .accepted)
            }
        }
    }

    @Test func aPublishableKeySetsConsentOnlyForItsOwnAnonymousVisitor() async throws {
        let h = try await ServerHarness()
        try await h.test { client in
            let mine = try await client.send(.put, "/v1/profiles/anon-42/consent?by=anonymous_id", key: h.publishableKey,
                json: ["analytics": true, "personalization": false])
            #expect(mine.status == .ok && mine.json["personalization"] == false)
            let profile = try await client.send(.get, "/v1/profiles/anon-42?by=anonymous_id")
            #expect(profile.json["anonymous_ids"] == ["anon-42"] && profile.json["user_ids"] == [])
            let theirs = try await client.send(.put, "/v1/profiles/someone/consent?by=user_id", key: h.publishableKey, json: ["email": true])
            #expect(theirs.status == .forbidden)
            #expect(try await client.send(.put, "/v1/profiles/someone/consent", key: h.publishableKey, json: ["email": true]).status == .forbidden)
            #expect(try await client.send(.get, "/v1/profiles/anon-42?by=anonymous_id", key: h.publishableKey).status == .forbidden)
        }
    }
}

extension BrowserTagRouteTests {
    @Test func requireUserHashKeepsBrowsersFromClaimingSomeoneElse() async throws {
        let h = try await ServerHarness()
        let secret = "identity-secret-0123456789"
        let hash = HMAC<SHA256>.authenticationCode(for: Array("u42".utf8), using: SymmetricKey(data: Array(secret.utf8))).map { String(format: "%02x", $0) }.joined()
        try await h.test { client in
            _ = try await client.send(.patch, "/v1/settings", json: ["require_user_hash": true])
            let batch: JSONValue = ["batch": [
                ["type": "identify", "user_id": "u42", "user_hash": .string(hash), "traits": ["email": "a@example.com"]],
                ["type": "track", "event": "Product Viewed", "user_id": "u42", "properties": ["product_id": "p1"]],
                ["type": "track", "event": "Product Viewed", "user_id": "u42", "user_hash": .string(String(repeating: "0", count: 64)),
                 "properties": ["product_id": "p1"]],
                ["type": "track", "event": "Product Viewed", "anonymous_id": "a1", "properties": ["product_id": "p1"]],
            ]]
            let noSecret = try await client.send(.post, "/v1/events", key: h.publishableKey, json: batch)
            #expect(noSecret.json["accepted"] == 1, "without an identity_secret only the anonymous event is kept")
            _ = try await client.send(.patch, "/v1/settings", json: ["identity_secret": .string(secret)])
            let reply = try await client.send(.post, "/v1/events", key: h.publishableKey, json: batch)
            #expect(reply.json["accepted"] == 2, "the identify with its hash and the anonymous event")
            let rejected = reply.json["rejected"]?.arrayValue ?? []
            #expect(rejected.compactMap { $0["index"]?.doubleValue } == [1, 2])
            #expect(rejected.compactMap { $0["errors"]?.arrayValue?.first?["field"]?.stringValue } == ["/batch/1/user_hash", "/batch/2/user_hash"])
            #expect(try await client.send(.post, "/v1/events", json: batch).json["accepted"] == 4, "a secret key (a server) needs no hash")
        }
    }
}

extension BrowserTagRouteTests {
    @Test func requireUserHashAlsoGuardsRecommendationsRankingAndDecisions() async throws {
        let h = try await ServerHarness()
        let secret = "identity-secret-0123456789"
        let hash = HMAC<SHA256>.authenticationCode(for: Array("u42".utf8), using: SymmetricKey(data: Array(secret.utf8))).map { String(format: "%02x", $0) }.joined()
        try await h.test { client in
            _ = try await client.send(.patch, "/v1/settings", json: ["require_user_hash": true, "identity_secret": .string(secret)])
            let bodies: [(String, JSONValue)] = [
                ("/v1/recommendations", ["strategy": "trending"]), ("/v1/rank", ["items": ["a", "b"]]), ("/v1/decide", ["placements": ["home"]]),
            ]
            for (path, body) in bodies {
                var claimed = body.objectValue ?? [:]
                claimed["user"] = ["user_id": "u42"]
                let refused = try await client.send(.post, path, key: h.publishableKey, json: .object(claimed))
                #expect(refused.status == .forbidden && refused.json["errors"]?.arrayValue?.first?["field"] == "/user/user_hash", "\(path)")
                claimed["user"] = ["user_id": "u42", "user_hash": .string(hash)]
                #expect(try await client.send(.post, path, key: h.publishableKey, json: .object(claimed)).status == .ok, "\(path)")
                claimed["user"] = ["anonymous_id": "a1"]
                #expect(try await client.send(.post, path, key: h.publishableKey, json: .object(claimed)).status == .ok, "\(path)")
            }
        }
    }
}

extension BrowserTagRouteTests {
    @Test func eachKeyIsHeldToTheSitesRateLimit() async throws {
        let h = try await ServerHarness()
        try await h.test { client in
            _ = try await client.send(.patch, "/v1/settings", json: ["rate_limit_per_second": 3])
            var statuses: [Int] = []
            for _ in 0..<5 { statuses.append(Int(try await client.send(.get, "/v1/triggers", key: h.publishableKey).status.code)) }
            #expect(statuses.prefix(3) == [403, 403, 403] && statuses.suffix(2) == [429, 429], "a refused call still counts: \(statuses)")
            let limited = try await client.send(.get, "/v1/settings", key: h.publishableKey)
            #expect(limited.status == .tooManyRequests && Int(limited.headers[.retryAfter] ?? "") ?? 0 >= 1)
            #expect(limited.json["status"] == 429 && limited.headers[.contentType] == "application/problem+json")
            #expect(try await client.send(.get, "/v1/settings").status == .ok, "the secret key has its own bucket")
        }
    }
}
