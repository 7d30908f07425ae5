import Foundation

/// Exact decimal amounts in hundredths: money in minor units (`19.99` → 1999) and the rates and
/// factors of a rewards programme (`1.5` → 150), never rounded through floating point.
///
/// A JSON number arrives as a `Double`; its shortest round-trip text (`19.99`, not
/// `19.989999999999998…`) is what the sender wrote, and that text is read digit by digit. Digits
/// past the second decimal are dropped (rounded toward zero), so `0.999` is 99 hundredths.
public enum Decimal100 {
    /// The largest magnitude accepted: 10^15 hundredths (ten trillion units); larger is nil.
    public static let limit: Int64 = 1_000_000_000_000_000

    /// The value in hundredths of a number or a numeric string; nil for anything else, for
    /// non-finite numbers, exponents that do not fit, and magnitudes above ``limit``.
    public static func parse(_ value: JSONValue) -> Int64? {
        switch value {
        case .number(let number):
            guard number.isFinite else { return nil }
            return parse(text: "\(number)")
        case .string(let text):
            return parse(text: text.trimmingCharacters(in: .whitespaces))
        default:
            return nil
        }
    }

    /// Reads `-?digits[.digits][e±digits]` into hundredths; nil when it is not such a number.
    public static func parse(text: String) -> Int64? {
        var bytes = Array(text.utf8)[...]
        guard !bytes.isEmpty else { return nil }
        var negative = false
        if bytes.first == UInt8(ascii: "-") || bytes.first == UInt8(ascii: "+") {
            negative = bytes.first == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        var digits: [UInt8] = []
        var fractionDigits = 0
        var seenPoint = false
        var exponent = 0
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let b = bytes[index]
            if b >= 48 && b <= 57 {
                digits.append(b - 48)
                if seenPoint { fractionDigits += 1 }
            } else if b == UInt8(ascii: "."), !seenPoint {
                seenPoint = true
            } else if b == UInt8(ascii: "e") || b == UInt8(ascii: "E") {
                guard let e = Int(String(decoding: bytes[(index + 1)...], as: UTF8.self)), abs(e) <= 40 else { return nil }
                exponent = e
                break
            } else {
                return nil
            }
            index += 1
        }
        guard !digits.isEmpty else { return nil }
        // value = digits × 10^(exponent − fractionDigits); in hundredths: × 10^2.
        let shift = exponent - fractionDigits + 2
        var kept = digits
        if shift < 0 {
            kept.removeLast(min(-shift, kept.count))
        } else {
            kept += Array(repeating: 0, count: shift)
        }
        var result: Int64 = 0
        for digit in kept {
            let (times, overflow1) = result.multipliedReportingOverflow(by: 10)
            let (plus, overflow2) = times.addingReportingOverflow(Int64(digit))
            guard !overflow1, !overflow2, plus <= limit else { return nil }
            result = plus
        }
        return negative ? -result : result
    }

    /// Hundredths as decimal text: 1999 → `"19.99"`, 1000 → `"10"`, 150 → `"1.5"`.
    public static func text(_ hundredths: Int64) -> String {
        let sign = hundredths < 0 ? "-" : ""
        let magnitude = hundredths.magnitude
        let whole = magnitude / 100, cents = magnitude % 100
        if cents == 0 { return sign + String(whole) }
        if cents % 10 == 0 { return sign + String(whole) + "." + String(cents / 10) }
        return sign + String(whole) + "." + (cents < 10 ? "0" : "") + String(cents)
    }

    /// Hundredths as a JSON number (exact for every value below 2^53).
    public static func json(_ hundredths: Int64) -> JSONValue {
        .number(Double(text(hundredths)) ?? Double(hundredths) / 100)
    }
}
