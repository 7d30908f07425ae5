/// The domain's errors. The server maps each case to one HTTP status and a problem+json body.
public enum BaristaError: Error, Sendable, Equatable {
    /// The request (or one of its fields) is invalid: 422 with every field at fault.
    case invalid([FieldError])
    /// The body is not JSON, or not the JSON shape expected at all: 400.
    case malformed(String, field: String? = nil)
    /// A thing that does not exist: 404.
    case notFound(String)
    /// A conflict with the current state (an existing name, a short balance): 409.
    case conflict(String)
    /// Too large: 413.
    case tooLarge(String, field: String? = nil)
    /// The store is not ready to take requests: 503.
    case unavailable(String)
    /// The disk holding the data is full: nothing of the request was stored (507).
    case storageFull(String)

    /// A single-field validation error.
    public static func invalid(_ field: String, _ message: String) -> BaristaError {
        .invalid([FieldError(field: field, message: message)])
    }
}

/// A storage backend's error that knows what it means for a client: a full disk is the
/// operator's to fix (507), not a bug of the server (500).
public protocol StorageFault: Error {
    /// The domain error this failure stands for; nil when it is an unexpected failure.
    var baristaError: BaristaError? { get }
}
