import Foundation

/// The fields of an `application/x-www-form-urlencoded` body (or a query string), in order.
struct FormData: Sendable {
    /// Every field as sent, repeated names included.
    private(set) var fields: [(name: String, value: String)]

    init(fields: [(name: String, value: String)] = []) { self.fields = fields }

    /// Parses `a=1&b=two+words&c=%C3%A9`; a field without `=` has the empty value.
    init(encoded text: String) {
        fields = text.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (Self.decode(parts[0]), parts.count > 1 ? Self.decode(parts[1]) : "")
        }
    }

    /// The first value of `name`, trimmed; nil when absent or blank.
    subscript(_ name: String) -> String? {
        guard let value = fields.first(where: { $0.name == name })?.value.trimmingCharacters(in: .whitespacesAndNewlines),
              !value.isEmpty else { return nil }
        return value
    }

    /// The first value of `name` exactly as sent (a JSON text area, a password).
    func raw(_ name: String) -> String? { fields.first { $0.name == name }?.value }

    /// Every value of `name`, in order (checkboxes, repeated rows).
    func values(_ name: String) -> [String] { fields.filter { $0.name == name }.map(\.value) }

    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
