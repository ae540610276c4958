import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// Calls the WeCom server API for one app: `message/send`, `update_template_card`, `user/get`,
/// `department/list`.
///
/// The access token is cached and refreshed before it expires, by one caller at a time. A call that
/// WeCom answers with 40014/42001 refreshes the token and is tried once more; -1, 45033, HTTP 5xx and
/// network errors are retried with backoff per `RetryPolicy`; what still fails is thrown as a
/// `WeComAPIError` that says whether a later retry can help.
public final class WeComAPIClient: Sendable {
    public let configuration: WeComAPIConfiguration
    private let httpClient: HTTPClient
    private let logger: Logger
    private let tokens: AccessTokenCache

    public init(configuration: WeComAPIConfiguration, httpClient: HTTPClient = .shared, logger: Logger) {
        self.configuration = configuration
        self.httpClient = httpClient
        self.logger = logger
        let fetcher = TokenFetcher(configuration: configuration, httpClient: httpClient)
        self.tokens = AccessTokenCache { () async throws(WeComAPIError) -> AccessToken in
            try await fetcher.fetch()
        }
    }

    private init(configuration: WeComAPIConfiguration, httpClient: HTTPClient, logger: Logger, tokens: AccessTokenCache) {
        self.configuration = configuration
        self.httpClient = httpClient
        self.logger = logger
        self.tokens = tokens
    }

    /// The same app with other retry and timeout settings, sharing this client's access token (a
    /// second token for the same app would only be fetched and refreshed twice).
    public func with(retryPolicy: RetryPolicy, requestTimeout: Duration) -> WeComAPIClient {
        var configuration = self.configuration
        configuration.retryPolicy = retryPolicy
        configuration.requestTimeout = requestTimeout
        return WeComAPIClient(configuration: configuration, httpClient: httpClient, logger: logger, tokens: tokens)
    }

    /// Sends a message to members (`POST /cgi-bin/message/send`).
    ///
    /// - Parameter duplicateCheck: WeCom's duplicate check, for a resend that may already have been
    ///   delivered; nil (the default) sends without it, so an intended repeat is not dropped.
    @discardableResult
    public func send(
        _ message: OutgoingMessage, duplicateCheck: DuplicateCheck? = nil
    ) async throws(WeComAPIError) -> MessageSendResult {
        let path = "/cgi-bin/message/send"
        let request = MessageSendRequest(message: message, agentID: configuration.agentID, duplicateCheck: duplicateCheck)
        // An attempt WeCom did not answer (timeout, network, HTTP status) may have delivered the
        // message, so the attempts after it ask WeCom to drop it if it did.
        let retry = MessageSendRequest(
            message: message, agentID: configuration.agentID, duplicateCheck: duplicateCheck ?? DuplicateCheck())
        let response: MessageSendResponse = try await call(
            path, body: try encode(request, path: path), bodyAfterNoAnswer: try encode(retry, path: path))
        return MessageSendResult(
            messageID: response.msgid,
            invalidUsers: (response.invaliduser ?? "").split(separator: "|").map(String.init),
            responseCode: response.response_code)
    }

    /// Greys out the buttons of a sent card for its recipients, showing `update.replaceName`
    /// (`POST /cgi-bin/message/update_template_card`).
    ///
    /// Retried and re-authenticated like `send`. Updates have no duplicate check and need none: an
    /// update is idempotent, and a repeat of one that did arrive fails because its single-use response
    /// code is used. WeCom's errcode for a used or expired code is not documented; whatever it is, it is
    /// thrown (not retried) unless it is one of the transient codes of `WeComAPIError.kind(ofErrcode:)`.
    public func updateTemplateCard(_ update: CardUpdate) async throws(WeComAPIError) {
        let request = UpdateTemplateCardRequest(update: update, agentID: configuration.agentID)
        let path = "/cgi-bin/message/update_template_card"
        let _: WeComStatus = try await call(path, body: try encode(request, path: path))
    }

    /// A member of the directory (`GET /cgi-bin/user/get`).
    public func user(id userID: String) async throws(WeComAPIError) -> WeComUser {
        try await call("/cgi-bin/user/get", query: [("userid", userID)])
    }

    /// The departments visible to the app, below `rootID` or all of them (`GET /cgi-bin/department/list`).
    public func departments(rootID: Int? = nil) async throws(WeComAPIError) -> [WeComDepartment] {
        let response: DepartmentListResponse = try await call(
            "/cgi-bin/department/list", query: rootID.map { [("id", String($0))] } ?? [])
        return response.department
    }

    // MARK: - Calls

    /// - Parameter bodyAfterNoAnswer: the body of the attempts after one WeCom did not answer (errcode nil).
    private func call<Response: Decodable>(
        _ path: String, query: [(String, String)] = [], body: Data? = nil, bodyAfterNoAnswer: Data? = nil
    ) async throws(WeComAPIError) -> Response {
        var attempt = 1
        var tokenRefreshed = false
        var body = body
        // Once an attempt of this call went unanswered, what it carried may have arrived: the error the
        // call ends with says so, whatever the last attempt's errcode (a resend must then be checked).
        var unanswered = false
        while true {
            do throws(WeComAPIError) {
                return try await callOnce(path, query: query, body: body)
            } catch var error {
                if error.errcode == nil, error.path == path { unanswered = true }
                error.anEarlierAttemptWentUnanswered = unanswered
                if error.errcode == nil, let bodyAfterNoAnswer { body = bodyAfterNoAnswer }
                if error.kind == .tokenRejected, !tokenRefreshed {
                    tokenRefreshed = true
                    logger.info(
                        "WeCom rejected the access token; refreshing",
                        metadata: ["path": "\(path)", "errcode": "\(error.errcode ?? 0)"])
                    continue
                }
                guard error.kind == .transient, attempt < configuration.retryPolicy.maxAttempts else { throw error }
                let delay = configuration.retryPolicy.backoff(afterAttempt: attempt)
                logger.warning(
                    "WeCom call failed; retrying",
                    metadata: ["path": "\(path)", "attempt": "\(attempt)", "error": "\(error.message)", "delay": "\(delay)"])
                do {
                    try await Task.sleep(for: delay)
                } catch {
                    var cancelled = WeComAPIError(kind: .transient, errcode: nil, message: "cancelled", path: path)
                    cancelled.anEarlierAttemptWentUnanswered = unanswered
                    throw cancelled
                }
                attempt += 1
            }
        }
    }

    private func callOnce<Response: Decodable>(
        _ path: String, query: [(String, String)], body: Data?
    ) async throws(WeComAPIError) -> Response {
        let token = try await tokens.token()
        let url = WeComHTTP.url(configuration.baseURL, path, query: [("access_token", token)] + query)
        let buffer = try await WeComHTTP.perform(
            httpClient, url: url, path: path, body: body, timeout: configuration.requestTimeout)
        do {
            try WeComHTTP.checkStatus(buffer, path: path)
        } catch {
            if error.kind == .tokenRejected { await tokens.invalidate(token) }
            throw error
        }
        return try WeComHTTP.decode(Response.self, from: buffer, path: path)
    }

    private func encode(_ value: some Encodable, path: String) throws(WeComAPIError) -> Data {
        do {
            return try JSONEncoder().encode(value)
        } catch {
            throw WeComAPIError(kind: .invalidPayload, errcode: nil, message: "cannot encode: \(error)", path: path)
        }
    }
}

/// Fetches access tokens with `gettoken`; holds the secret, which never reaches a log.
private struct TokenFetcher: Sendable {
    let configuration: WeComAPIConfiguration
    let httpClient: HTTPClient

    func fetch() async throws(WeComAPIError) -> AccessToken {
        let path = "/cgi-bin/gettoken"
        let url = WeComHTTP.url(
            configuration.baseURL, path, query: [("corpid", configuration.corpID), ("corpsecret", configuration.secret)])
        let buffer = try await WeComHTTP.perform(
            httpClient, url: url, path: path, body: nil,
            timeout: min(configuration.tokenRequestTimeout, configuration.requestTimeout))
        try WeComHTTP.checkStatus(buffer, path: path)
        let response = try WeComHTTP.decode(TokenResponse.self, from: buffer, path: path)
        let lifetime = Duration.seconds(response.expires_in ?? 7200)
        let usable = max(lifetime - configuration.tokenRefreshMargin, lifetime / 2)
        return AccessToken(value: response.access_token, refreshAt: .now + usable)
    }
}

/// The HTTP mechanics shared by API calls and token fetches.
enum WeComHTTP {
    /// WeCom answers are small; anything bigger is not WeCom.
    static let maxResponseBytes = 4 << 20

    static func url(_ base: String, _ path: String, query: [(String, String)]) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?/#")
        let encoded = query.map { name, value in
            "\(name)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)"
        }
        return base + path + (encoded.isEmpty ? "" : "?" + encoded.joined(separator: "&"))
    }

    static func perform(
        _ client: HTTPClient, url: String, path: String, body: Data?, timeout: Duration
    ) async throws(WeComAPIError) -> ByteBuffer {
        var request = HTTPClientRequest(url: url)
        if let body {
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let milliseconds = Int64(timeout / .milliseconds(1))
        do {
            let response = try await client.execute(request, timeout: .milliseconds(milliseconds))
            let buffer = try await response.body.collect(upTo: maxResponseBytes)
            if response.status.code >= 500 {
                throw WeComAPIError(kind: .transient, errcode: nil, message: "HTTP \(response.status.code)", path: path)
            }
            guard (200..<300).contains(response.status.code) else {
                throw WeComAPIError(kind: .unexpected, errcode: nil, message: "HTTP \(response.status.code)", path: path)
            }
            return buffer
        } catch let error as WeComAPIError {
            throw error
        } catch {
            throw WeComAPIError(kind: .transient, errcode: nil, message: "network: \(error)", path: path)
        }
    }

    /// Throws the classified error when the body carries a non-zero errcode.
    static func checkStatus(_ buffer: ByteBuffer, path: String) throws(WeComAPIError) {
        let status = try decode(WeComStatus.self, from: buffer, path: path)
        guard let errcode = status.errcode, errcode != 0 else { return }
        throw WeComAPIError(
            kind: WeComAPIError.kind(ofErrcode: errcode), errcode: errcode, message: status.errmsg ?? "", path: path)
    }

    static func decode<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer, path: String) throws(WeComAPIError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: buffer)
        } catch {
            throw WeComAPIError(kind: .unexpected, errcode: nil, message: "unreadable response: \(error)", path: path)
        }
    }
}

// MARK: - Wire formats (WeCom's own field names)

struct WeComStatus: Decodable {
    var errcode: Int?
    var errmsg: String?
}

struct TokenResponse: Decodable {
    var access_token: String
    var expires_in: Int?
}

struct MessageSendResponse: Decodable {
    var msgid: String?
    var invaliduser: String?
    var response_code: String?
}

struct DepartmentListResponse: Decodable {
    var department: [WeComDepartment]
}

struct UpdateTemplateCardRequest: Encodable {
    struct Button: Encodable { var replace_name: String }
    /// Absent with `atall`, which covers every recipient.
    var userids: [String]?
    var atall: Int
    var agentid: Int
    var response_code: String
    var button: Button

    init(update: CardUpdate, agentID: Int) {
        userids = update.atAll ? nil : update.userIDs
        atall = update.atAll ? 1 : 0
        agentid = agentID
        response_code = update.responseCode
        button = Button(replace_name: update.replaceName)
    }
}

struct MessageSendRequest: Encodable {
    struct Content: Encodable { var content: String }
    struct Media: Encodable { var media_id: String }
    var touser: String
    var msgtype: String
    var agentid: Int
    var text: Content?
    var markdown: Content?
    var template_card: TemplateCard?
    var image: Media?
    var voice: Media?
    var video: Media?
    /// Absent (not 0) without a check, so a plain send's body is unchanged.
    var enable_duplicate_check: Int?
    var duplicate_check_interval: Int?

    init(message: OutgoingMessage, agentID: Int, duplicateCheck: DuplicateCheck? = nil) {
        touser = message.toUsers.joined(separator: "|")
        agentid = agentID
        if let duplicateCheck {
            enable_duplicate_check = 1
            duplicate_check_interval = duplicateCheck.intervalSeconds
        }
        switch message.body {
        case .text(let content):
            msgtype = "text"
            text = Content(content: content)
        case .markdown(let content):
            msgtype = "markdown"
            markdown = Content(content: content)
        case .templateCard(let card):
            msgtype = "template_card"
            template_card = card
        case .image(let mediaID):
            msgtype = "image"
            image = Media(media_id: mediaID)
        case .voice(let mediaID):
            msgtype = "voice"
            voice = Media(media_id: mediaID)
        case .video(let mediaID):
            msgtype = "video"
            video = Media(media_id: mediaID)
        }
    }
}
