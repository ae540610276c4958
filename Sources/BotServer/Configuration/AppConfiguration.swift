import Categories
import Foundation
import Logging
import Yams

/// Everything the server needs to start, read from the environment (which wins) and
/// `storedesk.yaml` in the configuration folder.
struct AppConfiguration: Sendable {
    var host: String = "127.0.0.1"
    var port: Int = 8080
    /// Folder of the SQLite database and the generated admin token.
    var dataDirectory: URL
    /// Folder of `storedesk.yaml` and the seed knowledge base.
    var configDirectory: URL
    /// Bearer token for the admin API, when set in the environment.
    var adminToken: String?
    /// The WeCom app, or why the channel is off.
    var weCom: WeComChannelSettings
    var bot = BotSettings()
    var outbox = OutboxSettings()
    var logLevel: Logger.Level = .info

    /// Reads the configuration from `environment` and the YAML file it points to.
    static func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigurationError)
        -> AppConfiguration
    {
        let configDirectory = URL(fileURLWithPath: environment["STOREDESK_CONFIG"] ?? "./Config", isDirectory: true)
        let dataDirectory = URL(fileURLWithPath: environment["STOREDESK_DATA"] ?? "./data", isDirectory: true)
        let file = try ConfigurationFile.load(from: configDirectory.appendingPathComponent("storedesk.yaml"))

        var configuration = AppConfiguration(
            dataDirectory: dataDirectory, configDirectory: configDirectory, weCom: .off(reason: ""))
        configuration.host = environment["STOREDESK_HOST"] ?? file.server?.host ?? configuration.host
        if let port = environment["STOREDESK_PORT"] {
            guard let value = Int(port), (0...65535).contains(value) else {
                throw ConfigurationError("STOREDESK_PORT must be a port number, not \"\(port)\"")
            }
            configuration.port = value
        } else if let port = file.server?.port {
            configuration.port = port
        }
        if let token = environment["STOREDESK_ADMIN_TOKEN"], !token.isEmpty {
            configuration.adminToken = token
        }
        if let level = environment["LOG_LEVEL"] ?? file.logLevel {
            guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
                throw ConfigurationError("LOG_LEVEL must be one of trace, debug, info, notice, warning, error, critical")
            }
            configuration.logLevel = parsed
        }
        if let bot = file.bot { configuration.bot.apply(bot) }
        if let outbox = file.outbox { configuration.outbox.apply(outbox) }
        configuration.weCom = WeComChannelSettings(environment: environment, defaultAPIBase: file.wecom?.apiBase)
        return configuration
    }
}

/// A configuration that cannot be used, said so a person can fix it.
struct ConfigurationError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The WeCom app settings, or why the WeCom channel is off.
enum WeComChannelSettings: Sendable {
    case on(WeComApp)
    case off(reason: String)

    /// The variables that configure the WeCom channel; all five or none.
    static let requiredVariables = ["WECOM_CORP_ID", "WECOM_AGENT_ID", "WECOM_SECRET", "WECOM_TOKEN", "WECOM_AES_KEY"]

    init(environment: [String: String], defaultAPIBase: String?) {
        let values = Self.requiredVariables.map { environment[$0].flatMap { $0.isEmpty ? nil : $0 } }
        let missing = zip(Self.requiredVariables, values).filter { $0.1 == nil }.map(\.0)
        if missing.count == Self.requiredVariables.count {
            self = .off(reason: "the WeCom channel is not configured: set " + Self.requiredVariables.joined(separator: ", "))
            return
        }
        if !missing.isEmpty {
            self = .off(reason: "the WeCom channel is not configured: missing " + missing.joined(separator: ", "))
            return
        }
        guard let agentID = Int(values[1]!) else {
            self = .off(reason: "the WeCom channel is not configured: WECOM_AGENT_ID must be a number")
            return
        }
        self = .on(
            WeComApp(
                corpID: values[0]!, agentID: agentID, secret: values[2]!, token: values[3]!, encodingAESKey: values[4]!,
                apiBase: environment["WECOM_API_BASE"] ?? defaultAPIBase ?? "https://qyapi.weixin.qq.com"))
    }
}

/// One WeCom self-built app. `secret`, `token` and `encodingAESKey` are never logged.
struct WeComApp: Sendable {
    var corpID: String
    var agentID: Int
    var secret: String
    var token: String
    var encodingAESKey: String
    var apiBase: String
}

/// How the bot answers.
struct BotSettings: Sendable {
    /// The similarity the best phrasing needs for the bot to answer.
    var answerMinimumScore = 0.6
    /// How far the best entry must be ahead of the next one.
    var answerMinimumMargin = 0.1
    var noConfidentAnswerReply = "抱歉，这个问题我暂时没有把握回答，已记录下来交给总部同事跟进。您也可以换个说法再问一次。"
    var nonTextReply = "我目前只能看懂文字消息，请直接输入您的问题，例如“调拨单在哪查”。"
    /// How sure the bot must be to answer or suggest (turned into thresholds on the knowledge base).
    var matching = MatchingPolicy()

    mutating func apply(_ file: ConfigurationFile.Bot) {
        answerMinimumScore = file.answerMinimumScore ?? answerMinimumScore
        answerMinimumMargin = file.answerMinimumMargin ?? answerMinimumMargin
        noConfidentAnswerReply = file.replies?.noConfidentAnswer ?? noConfidentAnswerReply
        nonTextReply = file.replies?.nonText ?? nonTextReply
    }
}

/// How the outbox retries.
struct OutboxSettings: Sendable {
    var initialBackoff: Duration = .seconds(2)
    var maxBackoff: Duration = .seconds(300)
    /// The wait after WeCom's API frequency limit (45009).
    var rateLimitBackoff: Duration = .seconds(60)
    /// Retries inside one API call before the row is rescheduled.
    var apiRetry = RetrySettings()

    struct RetrySettings: Sendable {
        var attempts = 3
        var initialBackoff: Duration = .milliseconds(500)
        /// Timeout of one HTTP request to WeCom.
        var requestTimeout: Duration = .seconds(10)
    }

    mutating func apply(_ file: ConfigurationFile.Outbox) {
        initialBackoff = file.initialBackoffSeconds.map { .milliseconds(Int($0 * 1000)) } ?? initialBackoff
        maxBackoff = file.maxBackoffSeconds.map { .milliseconds(Int($0 * 1000)) } ?? maxBackoff
        rateLimitBackoff = file.rateLimitBackoffSeconds.map { .milliseconds(Int($0 * 1000)) } ?? rateLimitBackoff
        apiRetry.attempts = file.apiAttempts ?? apiRetry.attempts
        apiRetry.initialBackoff = file.apiInitialBackoffSeconds.map { .milliseconds(Int($0 * 1000)) } ?? apiRetry.initialBackoff
    }
}
