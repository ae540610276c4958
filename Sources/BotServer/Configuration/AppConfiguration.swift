import Categories
import Escalation
import Foundation
import Logging
import Yams

/// Everything the server needs to start, read from the environment (which wins) and
/// `storedesk.yaml` in the configuration folder.
struct AppConfiguration: Sendable {
    var host: String = "127.0.0.1"
    var port: Int = 8080
    /// A connection that completes no request part (its headers, a piece of its body) for this long is
    /// closed, so a client that trickles its headers in (slowloris) holds no connection longer
    /// (`server.idleTimeoutSeconds`).
    var idleTimeout: Duration = .seconds(30)
    /// Once its head has arrived, a request must end or bring 64 KiB more of its body within each such
    /// period, so a body trickled in a byte at a time holds no connection either (`server.requestTimeoutSeconds`).
    var requestTimeout: Duration = .seconds(60)
    /// Folder of the SQLite database and the generated admin token.
    var dataDirectory: URL
    /// Folder of `storedesk.yaml` and the seed knowledge base.
    var configDirectory: URL
    /// Bearer token for the admin API, when set in the environment.
    var adminToken: String?
    /// The WeCom app, or why the channel is off.
    var weCom: WeComChannelSettings
    /// How far a callback's signed timestamp may be from the clock before it is refused as a replay;
    /// nil accepts any (`wecom.maxClockSkewSeconds`, 0 for nil).
    var callbackClockSkew: Duration? = .seconds(3600)
    var bot = BotSettings()
    var directory = DirectorySettings()
    var outbox = OutboxSettings()
    /// How long handled messages are kept (`retention.inboxOutboxDays`).
    var retention = RetentionSettings()
    /// Teams, routing, first-response promises, intake and place overrides (`escalation.yaml`).
    var escalation = EscalationSettings.standard
    /// What `escalation.yaml` has that works but deserves a look, logged at start.
    var escalationWarnings: [String] = []
    /// The hand-over intent classifier trained from `intents.jsonl`, or why there is none (logged at start).
    var intents = IntentsLoading.missing(path: IntentsLoading.fileName)
    /// The sentence model beside the character n-grams, or why there is none (logged at start).
    var sentenceModel = SentenceModelLoading.missing(path: SentenceModelLoading.defaultFolder)
    /// How often conversations that need the bot without a message (an intake left unanswered) are looked for.
    var dueSweepInterval: Duration = .seconds(30)
    /// How often leads are reminded of missing holiday dates (`HolidayReminder`); nil: never (tests
    /// that count sends).
    var holidayReminderInterval: Duration? = .seconds(6 * 3600)
    /// How often the ticket scheduler looks for alarms due (`TicketScheduler`); nil: never (tests that
    /// drive it themselves).
    var ticketSweepInterval: Duration? = .seconds(30)
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
        configuration.sentenceModel = try SentenceModelLoading.load(
            environment: environment, configured: file.bot?.sentenceModel, dataDirectory: dataDirectory)
        configuration.bot.embedder = configuration.sentenceModel.embedder
        configuration.intents = try IntentsLoading.load(
            from: configDirectory, embedder: configuration.sentenceModel.embedder,
            logger: Logger(label: "storedesk.intents"))
        configuration.bot.intents = configuration.intents.source
        if let directory = file.directory { configuration.directory.apply(directory) }
        if let outbox = file.outbox { configuration.outbox.apply(outbox) }
        if let retention = file.retention { configuration.retention.apply(retention) }
        configuration.weCom = WeComChannelSettings(environment: environment, defaultAPIBase: file.wecom?.apiBase)
        if let skew = file.wecom?.maxClockSkewSeconds {
            configuration.callbackClockSkew = skew > 0 ? .seconds(skew) : nil
        }
        if let idle = file.server?.idleTimeoutSeconds {
            configuration.idleTimeout = .seconds(max(1, idle))
        }
        if let request = file.server?.requestTimeoutSeconds {
            configuration.requestTimeout = .seconds(max(1, request))
        }
        (configuration.escalation, configuration.escalationWarnings) = try EscalationFile.load(
            from: configDirectory.appendingPathComponent("escalation.yaml"), knownCategories: nil)
        configuration.bot.intake = configuration.escalation.intake
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

/// How the bot answers and what it says.
struct BotSettings: Sendable {
    /// How sure the bot must be to answer or suggest (turned into thresholds on the knowledge base).
    var matching = MatchingPolicy()
    /// Phrases an admin added under `bot.signals`: each forces its signal on (`not` ones force it off).
    var signalOverrides = SignalLexicon.empty
    /// The hand-over intents learnt from `intents.jsonl` (trained with the first engine); nil without it
    /// (the lexicon alone, as before).
    var intents: IntentsSource?
    /// The sentence model the matcher ranks with beside the character n-grams; nil: lexical only.
    var embedder: SentenceEmbedder?
    /// What the engine reads signals with: the built-in phrases (beside the classifier only its small
    /// talk, see `SignalLexicon.standard(withClassifier:)`) and the admin's.
    var lexicon: SignalLexicon { SignalLexicon.standard(withClassifier: intents != nil).merging(signalOverrides) }
    /// The welcome is sent on opening the app at most this often per associate.
    var welcomeInterval: TimeInterval = 12 * 3600
    /// Offer suggestions and category choices as WeCom cards with buttons (typing the number works too).
    var cards = true
    var replies = BotReplies()

    /// Who decides hand-overs (the same for the live path, `ask` and `eval`).
    var policy = HandOverPolicy()
    /// What the bot asks before a hand-over (from `escalation.yaml`).
    var intake = IntakePlan.standard

    /// The conversation as configured.
    var reducer: ConversationReducer {
        ConversationReducer(policy: policy, replies: replies, welcomeInterval: welcomeInterval, intake: intake)
    }

    /// Trains and calibrates the question engine for `knowledgeBase` with this answering policy and
    /// lexicon (seconds: off the request path).
    func makeEngine(for knowledgeBase: KnowledgeBase, workers: any ParallelWorkers) -> QuestionEngine {
        QuestionEngine(
            knowledgeBase: knowledgeBase, policy: matching, lexicon: lexicon, intents: intents?.classifier(workers: workers),
            embedder: embedder, workers: workers)
    }

    mutating func apply(_ file: ConfigurationFile.Bot) {
        if let precision = file.answerPrecision { matching.answerPrecision = precision }
        if let byCategory = file.answerPrecisionByCategory { matching.answerPrecisionByCategory = byCategory }
        if let quantile = file.suggestQuantile { matching.suggestQuantile = quantile }
        if let confidence = file.minimumAnswerConfidence { matching.minimumAnswerConfidence = confidence }
        if let hours = file.welcomeIntervalHours { welcomeInterval = hours * 3600 }
        if let cards = file.cards { self.cards = cards }
        if let additions = file.signals { signalOverrides = signalOverrides.merging(additions) }
        if let overrides = file.replies { replies = overrides }
    }
}

/// How the outbox sends and retries.
struct OutboxSettings: Sendable {
    /// Sends under way at once, each to a different associate (`outbox.concurrency`).
    var concurrency = 32
    /// How long sends under way may still take after SIGTERM before they are cancelled
    /// (`outbox.shutdownDeadlineSeconds`); a cancelled one is resent, checked, at the next start.
    var shutdownDeadline: Duration = .seconds(5)
    var initialBackoff: Duration = .seconds(2)
    var maxBackoff: Duration = .seconds(300)
    /// The wait after WeCom's API frequency limit (45009).
    var rateLimitBackoff: Duration = .seconds(60)
    /// How many messages one member may get a minute and an hour (`outbox.perMemberPerMinute`,
    /// `outbox.perMemberPerHour`): WeCom drops what goes beyond its 30 and 1000 without a word.
    var memberBudget = OutboxMemberBudget()
    /// Retries inside one API call before the row is rescheduled.
    var apiRetry = RetrySettings()

    struct RetrySettings: Sendable {
        var attempts = 3
        var initialBackoff: Duration = .milliseconds(500)
        /// Timeout of one HTTP request to WeCom.
        var requestTimeout: Duration = .seconds(10)
    }

    mutating func apply(_ file: ConfigurationFile.Outbox) {
        concurrency = file.concurrency.map { max(1, $0) } ?? concurrency
        shutdownDeadline = file.shutdownDeadlineSeconds.map { .milliseconds(Int($0 * 1000)) } ?? shutdownDeadline
        initialBackoff = file.initialBackoffSeconds.map { .milliseconds(Int($0 * 1000)) } ?? initialBackoff
        maxBackoff = file.maxBackoffSeconds.map { .milliseconds(Int($0 * 1000)) } ?? maxBackoff
        rateLimitBackoff = file.rateLimitBackoffSeconds.map { .milliseconds(Int($0 * 1000)) } ?? rateLimitBackoff
        memberBudget.perMinute = file.perMemberPerMinute.map { max(1, $0) } ?? memberBudget.perMinute
        memberBudget.perHour = file.perMemberPerHour.map { max(1, $0) } ?? memberBudget.perHour
        apiRetry.attempts = file.apiAttempts ?? apiRetry.attempts
        apiRetry.initialBackoff = file.apiInitialBackoffSeconds.map { .milliseconds(Int($0 * 1000)) } ?? apiRetry.initialBackoff
    }
}
