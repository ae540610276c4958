import Logging
import Synchronization

/// Everything logged through the loggers it makes, each event as one line with its level, label,
/// message and metadata (the logger's own and the event's), for tests that read a run's whole log.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    /// The log so far, one event a line.
    var text: String { lines.withLock { $0.joined(separator: "\n") } }

    /// A logger at `trace` whose every event lands here.
    func logger(label: String = "StoreDesk") -> Logger {
        var logger = Logger(label: label) { label in Handler(label: label, capture: self) }
        logger.logLevel = .trace
        return logger
    }

    fileprivate func append(_ line: String) {
        lines.withLock { $0.append(line) }
    }

    private struct Handler: LogHandler {
        let label: String
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            let rendered = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            let error = event.error.map { " error=\($0)" } ?? ""
            capture.append("\(event.level) [\(label)] \(event.message) \(rendered)\(error)")
        }
    }
}
