import Categories
import Escalation
import Foundation
import Yams

/// The shape of `Config/storedesk.yaml`; every field is optional.
struct ConfigurationFile: Decodable {
    struct Server: Decodable {
        var host: String?
        var port: Int?
        var idleTimeoutSeconds: Double?
        var requestTimeoutSeconds: Double?
    }
    struct Bot: Decodable {
        /// The sentence model's folder (relative to the data folder), or `off`.
        var sentenceModel: String?
        var answerPrecision: Double?
        var answerPrecisionByCategory: [String: Double]?
        var suggestQuantile: Double?
        var minimumAnswerConfidence: Double?
        var welcomeIntervalHours: Double?
        var cards: Bool?
        /// Phrases added to the built-in signal lexicon.
        var signals: SignalLexicon?
        var replies: BotReplies?
    }
    struct Outbox: Decodable {
        var concurrency: Int?
        var shutdownDeadlineSeconds: Double?
        var initialBackoffSeconds: Double?
        var maxBackoffSeconds: Double?
        var rateLimitBackoffSeconds: Double?
        var perMemberPerMinute: Int?
        var perMemberPerHour: Int?
        var apiAttempts: Int?
        var apiInitialBackoffSeconds: Double?
    }
    struct WeCom: Decodable {
        var apiBase: String?
        var maxClockSkewSeconds: Double?
    }
    struct Retention: Decodable {
        var inboxOutboxDays: Double?
    }
    struct Directory: Decodable {
        var refreshHours: Double?
        var regionNameSuffixes: [String]?
    }

    var server: Server?
    var logLevel: String?
    var bot: Bot?
    var outbox: Outbox?
    var wecom: WeCom?
    var directory: Directory?
    var retention: Retention?

    /// The file's settings; an absent file means all defaults.
    static func load(from url: URL) throws(ConfigurationError) -> ConfigurationFile {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            return ConfigurationFile()
        }
        do {
            return try YAMLDecoder().decode(ConfigurationFile.self, from: data)
        } catch {
            throw ConfigurationError("\(url.path) is not valid: \(error)")
        }
    }
}
