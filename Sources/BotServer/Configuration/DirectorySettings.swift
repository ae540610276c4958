import Foundation

/// How the directory cache reads an associate's store and region from WeCom.
struct DirectorySettings: Sendable {
    /// How long a looked-up place is used before WeCom is asked again.
    var refreshInterval: TimeInterval = 24 * 3600
    /// A department whose name ends with one of these is a region (华东区); the nearest one at or
    /// above the associate's store is theirs.
    var regionNameSuffixes = ["区"]
    /// The timeout of one directory request (a lookup delays the associate's answer while it runs).
    static let lookupTimeout: Duration = .seconds(2)

    mutating func apply(_ file: ConfigurationFile.Directory) {
        if let hours = file.refreshHours { refreshInterval = hours * 3600 }
        if let suffixes = file.regionNameSuffixes, !suffixes.isEmpty { regionNameSuffixes = suffixes }
    }
}
