import Foundation

/// When a ticket's promises fall due, and when to warn before they do.
///
/// A nil time has no due time yet: the ticket is waiting on the store (a pause that has not ended), or
/// its team's calendar never opens.
public struct SLADueTimes: Sendable, Equatable {
    /// When the first response is due.
    public var firstResponse: Date?
    /// When the resolution is due.
    public var resolution: Date?
    /// When `SLAPolicy.warningFraction` of the first-response target has passed: warn the assignee.
    public var firstResponseWarning: Date?
    /// When `SLAPolicy.warningFraction` of the resolution target has passed.
    public var resolutionWarning: Date?
    /// The years the working-time count crossed without published holiday dates: the due times follow
    /// the weekly hours there and may move when the dates are added (recompute them then).
    public var unpublishedYears: [Int]

    public init(
        firstResponse: Date?, resolution: Date?, firstResponseWarning: Date?, resolutionWarning: Date?,
        unpublishedYears: [Int] = []
    ) {
        self.firstResponse = firstResponse
        self.resolution = resolution
        self.firstResponseWarning = firstResponseWarning
        self.resolutionWarning = resolutionWarning
        self.unpublishedYears = unpublishedYears
    }

    /// When the promise of `kind` is due.
    public func due(_ kind: SLAKind) -> Date? {
        switch kind {
        case .firstResponse: firstResponse
        case .resolution: resolution
        }
    }

    /// When to warn about the promise of `kind`.
    public func warning(_ kind: SLAKind) -> Date? {
        switch kind {
        case .firstResponse: firstResponseWarning
        case .resolution: resolutionWarning
        }
    }

    /// Whether a due time rests on a year whose holidays are not published yet.
    public var isProvisional: Bool { !unpublishedYears.isEmpty }
}
