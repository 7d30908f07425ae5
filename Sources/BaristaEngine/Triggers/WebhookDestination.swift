import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where a webhook may point: by default only public addresses, so a trigger cannot make the
/// server call into its own network (SSRF: cloud metadata at 169.254.169.254, an admin port on
/// 127.0.0.1, a database on 10.0.0.5).
///
/// The host is resolved when the message goes out and every address it resolves to is checked;
/// loopback, private (RFC 1918, fc00::/7), link-local, carrier-grade NAT, multicast and
/// unspecified addresses are refused. `barista serve --allow-private-webhooks` (or
/// ``DeliveryPolicy/allowPrivateNetworks``) lifts the rule for an ESP relay inside your own network.
///
/// What it does not stop: a name that resolves to a public address here and to a private one a
/// moment later, when the HTTP client resolves it again (DNS rebinding). Pin receivers by IP or
/// keep the egress firewall that a production network has anyway.
public enum WebhookDestination {
    /// Why the URL may not be called, or nil when it may.
    public static func refusal(for url: String) -> String? {
        guard let components = URLComponents(string: url), let host = components.host, !host.isEmpty else {
            return "the webhook URL has no host"
        }
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let addresses = resolve(bare)
        guard !addresses.isEmpty else { return "the webhook host \(host) does not resolve" }
        if let blocked = addresses.first(where: isPrivate) {
            return "the webhook host \(host) is a private or local address (\(blocked)); webhooks go to public addresses unless the server runs with --allow-private-webhooks"
        }
        return nil
    }

    /// Whether an address (dotted IPv4 or IPv6 text) is one a webhook may not reach.
    public static func isPrivate(_ address: String) -> Bool {
        if let v4 = ipv4(address) { return isPrivate(v4: v4) }
        guard var v6 = ipv6(address) else { return true }
        // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible addresses are judged as IPv4.
        if v6[0..<10].allSatisfy({ $0 == 0 }) && ((v6[10] == 0xff && v6[11] == 0xff) || (v6[10] == 0 && v6[11] == 0 && v6[12...].contains { $0 != 0 })) {
            return isPrivate(v4: Array(v6[12..<16]))
        }
        if v6.allSatisfy({ $0 == 0 }) { return true }                       // ::
        v6[15] ^= 1
        if v6.allSatisfy({ $0 == 0 }) { return true }                       // ::1
        v6[15] ^= 1
        if v6[0] & 0xfe == 0xfc { return true }                             // fc00::/7 unique local
        if v6[0] == 0xfe && v6[1] & 0xc0 == 0x80 { return true }            // fe80::/10 link-local
        if v6[0] == 0xff { return true }                                    // multicast
        return false
    }

    private static func isPrivate(v4 a: [UInt8]) -> Bool {
        switch (a[0], a[1]) {
        case (0, _), (10, _), (127, _): return true
        case (100, 64...127): return true                                   // carrier-grade NAT
        case (169, 254): return true                                        // link-local, cloud metadata
        case (172, 16...31), (192, 168): return true
        case (192, 0) where a[2] == 0: return true                          // IETF protocol assignments
        case (198, 18...19): return true                                    // benchmarking
        default: return a[0] >= 224                                         // multicast and reserved
        }
    }

    private static func ipv4(_ text: String) -> [UInt8]? {
        var address = in_addr()
        guard inet_pton(AF_INET, text, &address) == 1 else { return nil }
        return withUnsafeBytes(of: &address) { Array($0) }
    }

    private static func ipv6(_ text: String) -> [UInt8]? {
        var address = in6_addr()
        guard inet_pton(AF_INET6, text, &address) == 1 else { return nil }
        return withUnsafeBytes(of: &address) { Array($0) }
    }

    /// Every address `host` resolves to, as text (an address literal resolves to itself).
    static func resolve(_ host: String) -> [String] {
        if ipv4(host) != nil || ipv6(host) != nil { return [host] }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return [] }
        defer { freeaddrinfo(list) }
        var addresses: [String] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            if let address = entry.pointee.ai_addr {
                if entry.pointee.ai_family == AF_INET {
                    address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                        var value = pointer.pointee.sin_addr
                        _ = inet_ntop(AF_INET, &value, &buffer, socklen_t(buffer.count))
                    }
                } else if entry.pointee.ai_family == AF_INET6 {
                    address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                        var value = pointer.pointee.sin6_addr
                        _ = inet_ntop(AF_INET6, &value, &buffer, socklen_t(buffer.count))
                    }
                }
            }
            let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if !text.isEmpty, !addresses.contains(text) { addresses.append(text) }
            cursor = entry.pointee.ai_next
        }
        return addresses
    }
}
