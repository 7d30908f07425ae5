import Foundation

/// A client of the Barista HTTP API for apps and Swift servers (work in progress: see issue #9).
public struct BaristaClientVersion {
    /// The API version this client speaks.
    public static let api = "v1"
}
