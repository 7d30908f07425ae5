import BaristaCore
import Crypto
import Hummingbird

/// `GET /sdk/barista.js`: the browser tag (``source``), with an `ETag` and a day of caching.
enum BrowserTag {
    /// The tag's bytes.
    static let bytes = Array(source.utf8)
    /// A strong validator of this build's tag: the first 16 hex digits of its SHA-256.
    static let etag = "\"" + Hex.encode(SHA256.hash(data: bytes).prefix(8)) + "\""
}

/// Serves the browser tag.
struct BrowserTagController {
    func register(on routes: RouteTable) {
        routes.on(.get, "/sdk/barista.js", "The browser tag (JavaScript)", access: .open) { request, _ in
            var headers: HTTPFields = [
                .contentType: "application/javascript; charset=utf-8", .cacheControl: "public, max-age=86400",
                .eTag: BrowserTag.etag, .accessControlAllowOrigin: "*",
            ]
            if request.headers[.ifNoneMatch] == BrowserTag.etag {
                headers[.contentType] = nil
                return Response(status: .notModified, headers: headers)
            }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: BrowserTag.bytes)))
        }
    }
}
