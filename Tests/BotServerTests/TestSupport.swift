import ArgumentParser
import Categories
import Escalation
import FakeWeCom
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing

@testable import BotServer

/// The settings of the fake WeCom app the tests use.
enum TestWeCom {
    static let corpID = "wwfakecorp000001"
    static let agentID = 1_000_002
    static let token = "testtoken"
    static let aesKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"

    static var fixture: CallbackFixture {
        try! CallbackFixture(token: token, encodingAESKey: aesKey, corpID: corpID, agentID: agentID)
    }
}

/// A fresh data folder for one test, removed when the test ends.
final class TemporaryDirectory: Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("storedesk-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }
}

enum TestConfiguration {
    /// The project's own `Config/` folder (the shipped seed knowledge base).
    static let seedConfig = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Config")

    /// One engine builder for every application the tests start, so that the seed knowledge base is
    /// trained once per run rather than once per test.
    static let engines = EngineBuilder()

    /// The seed entries, as shipped.
    static let seedEntries = try! KnowledgeBase.load(fromDirectory: seedConfig).entries

    /// A configuration on a free port with fast retries; WeCom on when `apiBase` is given; `extra` adds to
    /// (or replaces) the environment.
    static func make(data: URL, config: URL = seedConfig, apiBase: String?, extra: [String: String] = [:]) throws
        -> AppConfiguration
    {
        var environment = [
            "STOREDESK_DATA": data.path, "STOREDESK_CONFIG": config.path, "STOREDESK_PORT": "0",
            "STOREDESK_ADMIN_TOKEN": "test-admin-token", "LOG_LEVEL": "warning",
        ].merging(extra) { $1 }
        if let apiBase {
            environment.merge(
                [
                    "WECOM_CORP_ID": TestWeCom.corpID, "WECOM_AGENT_ID": String(TestWeCom.agentID),
                    "WECOM_SECRET": "fake-secret", "WECOM_TOKEN": TestWeCom.token, "WECOM_AES_KEY": TestWeCom.aesKey,
                    "WECOM_API_BASE": apiBase,
                ]) { $1 }
        }
        var configuration = try AppConfiguration.load(environment: environment)
        configuration.outbox.initialBackoff = .milliseconds(50)
        configuration.outbox.maxBackoff = .milliseconds(200)
        configuration.outbox.apiRetry.initialBackoff = .milliseconds(5)
        configuration.outbox.apiRetry.requestTimeout = .milliseconds(500)
        // The fixtures sign callbacks with a fixed timestamp (2023), and many tests run on a manual
        // clock: the replay window is CallbackWindowTests' to turn on.
        configuration.callbackClockSkew = nil
        // The shipped calendar lacks next year's dates in December: a reminder to the lead would be one
        // more send in tests that count them (HolidayReminderTests covers it).
        configuration.holidayReminderInterval = nil
        // The ticket scheduler acts on time passing; the tests that need it drive it themselves.
        configuration.ticketSweepInterval = nil
        configuration.retention.sweepInterval = nil
        return configuration
    }

    /// A configuration folder with the seed knowledge base plus `entries` (JSON lines) for one test.
    static func writeKnowledgeBase(in directory: URL, adding entries: [String]) throws -> URL {
        let config = directory.appendingPathComponent("Config")
        try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
        for file in ["categories.jsonl", "storedesk.yaml"] {
            try FileManager.default.copyItem(at: seedConfig.appendingPathComponent(file), to: config.appendingPathComponent(file))
        }
        let seed = try String(contentsOf: seedConfig.appendingPathComponent("knowledge.jsonl"), encoding: .utf8)
        try (seed.trimmingCharacters(in: .newlines) + "\n" + entries.joined(separator: "\n")).write(
            to: config.appendingPathComponent("knowledge.jsonl"), atomically: true, encoding: .utf8)
        return config
    }
}

extension TestClientProtocol {
    /// POSTs a callback as WeCom does.
    @discardableResult
    func post(_ callback: CallbackFixture.Callback) async throws -> TestResponse {
        try await execute(
            uri: "/wecom/callback?" + callback.query, method: .post, headers: [.contentType: "text/xml"],
            body: ByteBuffer(string: callback.body))
    }
}

/// Waits until `condition` holds, up to `timeout`; returns whether it did.
func eventually(timeout: Duration = .seconds(20), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}

/// Reads the server's database directly, as an operator would.
func readDatabase<T: Sendable>(_ data: URL, _ read: @Sendable (Database) throws -> T) throws -> T {
    let queue = try DatabaseQueue(path: data.appendingPathComponent("storedesk.sqlite").path)
    return try queue.read(read)
}

/// One value from the server's database, or nil when there is none (or the database is busy).
func databaseValue<T: DatabaseValueConvertible & Sendable>(_ data: URL, _ sql: String, as type: T.Type = T.self) -> T? {
    (try? readDatabase(data) { db in try T.fetchOne(db, sql: sql) }) ?? nil
}

/// Stores a message in the inbox as the callback would, with no server running to process it.
func acceptIntoInbox(_ data: URL, key: String, user: String, xml: String) async throws -> Bool {
    let store = DatabaseInboxStore(database: try AppDatabase.open(in: data).writer)
    return try await store.accept(dedupeKey: key, userID: user, xml: xml, receivedAt: Date())
}

/// Waits until the first value of `sql` in the server's database is `expected`.
func databaseEventually<T: DatabaseValueConvertible & Sendable & Equatable>(
    _ data: URL, _ sql: String, is expected: T, timeout: Duration = .seconds(20)
) async -> Bool {
    await eventually(timeout: timeout) { databaseValue(data, sql, as: T.self) == expected }
}

/// Runs `test` against the real server on a live socket, wired to a fresh fake WeCom and a fresh
/// data folder; `prepare` runs first (to inject faults or seed the inbox), `config` may supply
/// another configuration folder. The fake is stopped however the test ends.
func withLiveServer(
    config: (URL) throws -> URL = { _ in TestConfiguration.seedConfig },
    prepare: (FakeWeComServer, URL) async throws -> Void = { _, _ in },
    adjust: (inout AppConfiguration) -> Void = { _ in },
    clock: any WallClock = SystemWallClock(),
    _ test: @escaping @Sendable (any TestClientProtocol, FakeWeComServer, URL) async throws -> Void
) async throws {
    let data = try TemporaryDirectory()
    try await FakeWeComServer.with { wecom in
        try await prepare(wecom, data.url)
        var configuration = try TestConfiguration.make(data: data.url, config: config(data.url), apiBase: wecom.baseURL)
        adjust(&configuration)
        let app = try await buildApplication(configuration, engines: TestConfiguration.engines, clock: clock)
        let dataURL = data.url
        try await app.test(.live) { client in
            try await waitForFirstCalibration(client)
            try await test(client, wecom, dataURL)
        }
    }
}

/// Waits until the server has calibrated its first engine (it listens before, and what needs an answer
/// waits for it): the tests' timeouts are for their requests, not for a build that runs beside other tests.
func waitForFirstCalibration(_ client: any TestClientProtocol) async throws {
    let calibrated = await eventually(timeout: .seconds(180)) {
        let ready = try? await client.execute(uri: "/readyz", method: .get)
        return ready.map { $0.status == .ok && !String(buffer: $0.body).contains("calibration: starting") } ?? false
    }
    try #require(calibrated, "the first engine was not calibrated in time")
}

/// Runs `test` against the real server in process (no socket), WeCom channel off, fresh data folder.
func withRouterServer(_ test: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
    let data = try TemporaryDirectory()
    let app = try await buildApplication(TestConfiguration.make(data: data.url, apiBase: nil), engines: TestConfiguration.engines)
    try await app.test(.router) { client in
        try await waitForFirstCalibration(client)
        try await test(client)
    }
}

/// The response body as a JSON object (empty when it is not one).
func jsonObject(_ response: TestResponse) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8))) as? [String: Any] ?? [:]
}

/// Runs `worker` while `body` runs, then cancels it.
func running(_ worker: OutboxWorker, _ body: () async throws -> Void) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await worker.run() }
        try await body()
        group.cancelAll()
        try await group.waitForAll()
    }
}

/// The HQ agents the shipped `Config/escalation.yaml` names, as directory members (WeCom delivers only
/// to members it knows).
func hqAgentMembers() -> [[String: any Sendable]] {
    [
        ["userid": "hq_amy", "name": "Amy", "department": [9], "main_department": 9],
        ["userid": "hq_bob", "name": "Bob", "department": [9], "main_department": 9],
        ["userid": "hq_cai", "name": "蔡", "department": [9], "main_department": 9],
    ]
}

/// The decisions `BotServer eval` writes for `questions`, with the configuration folder `config` (and, as the
/// test servers run, no sentence model: the tests run in the checkout, whose ./data may hold one).
func evalDecisions(_ questions: [String], config: URL, in folder: URL) async throws -> [String?] {
    let queries = folder.appendingPathComponent("eval-queries.jsonl")
    let lines = try questions.map { String(decoding: try JSONSerialization.data(withJSONObject: ["query": $0]), as: UTF8.self) }
    try lines.joined(separator: "\n").write(to: queries, atomically: true, encoding: .utf8)
    let out = folder.appendingPathComponent("eval-predictions.jsonl")
    try await Evaluate.parse([
        "--categories", config.appendingPathComponent("categories.jsonl").path, "--kb",
        config.appendingPathComponent("knowledge.jsonl").path, "--synonyms",
        config.appendingPathComponent("synonyms.jsonl").path, "--queries", queries.path, "--out", out.path,
        "--config", config.path, "--sentence-model", "off",
    ]).run()
    return try String(contentsOf: out, encoding: .utf8).split(separator: "\n").map {
        (try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["decision"] as? String
    }
}
