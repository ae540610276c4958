import FakeWeCom
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import BotServer

/// What a slow, oversized or broken client gets from the real server on a socket: a closed connection,
/// 413 or 400, never a 500 and never a connection held open for ever.
@Suite("Slow, oversized and malformed requests")
struct SlowClientTests {
    @Test("The shipped idle and request timeouts are 30 s and 60 s, and storedesk.yaml can change them")
    func setting() throws {
        let shipped = try AppConfiguration.load(environment: ["STOREDESK_CONFIG": TestConfiguration.seedConfig.path])
        #expect(shipped.idleTimeout == .seconds(30))
        #expect(shipped.requestTimeout == .seconds(60))
        let data = try TemporaryDirectory()
        try "server:\n  idleTimeoutSeconds: 5\n  requestTimeoutSeconds: 20\n".write(
            to: data.url.appendingPathComponent("storedesk.yaml"), atomically: true, encoding: .utf8)
        let changed = try AppConfiguration.load(environment: ["STOREDESK_CONFIG": data.url.path])
        #expect(changed.idleTimeout == .seconds(5))
        #expect(changed.requestTimeout == .seconds(20))
    }

    @Test("A body trickled in a byte at a time is cut off after the request timeout, though each byte is within the idle one")
    func slowBody() async throws {
        try await withLiveServer(adjust: {
            $0.idleTimeout = .seconds(5)
            $0.requestTimeout = .seconds(1)
        }) { client, _, _ in
            let port = try #require(client.port)
            let connection = try RawConnection(port: port)
            #expect(
                connection.send(
                    Array(
                        ("POST /wecom/callback?msg_signature=a&timestamp=1&nonce=2 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                            + "Content-Length: 300\r\n\r\n").utf8)))
            let start = ContinuousClock.now
            var closedAfter: Duration?
            // 300 bytes, one each 100 ms: 30 s to finish the body, were the server to wait.
            for _ in 0..<300 {
                if !connection.send([UInt8(ascii: "x")]) || connection.isClosedByPeer {
                    closedAfter = .now - start
                    break
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            let elapsed = try #require(closedAfter, "the server waited for the whole trickle")
            #expect(elapsed >= .milliseconds(900) && elapsed < .seconds(4), "closed after \(elapsed)")
            // A request that arrives whole in time on a kept-alive connection is not cut off later.
            let other = try RawConnection(port: port)
            #expect(other.send(Array("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)))
            #expect(await other.response(timeout: .seconds(2)).hasPrefix("HTTP/1.1 200"))
            try await Task.sleep(for: .milliseconds(1500))
            #expect(!other.isClosedByPeer)
            #expect(other.send(Array("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)))
            #expect(await other.response(timeout: .seconds(2)).contains("HTTP/1.1 200"))
        }
    }

    @Test("A large body that keeps moving (64 KiB within each request timeout) is read to its end and answered")
    func slowLargeUpload() async throws {
        try await withLiveServer(adjust: {
            $0.idleTimeout = .seconds(5)
            $0.requestTimeout = .seconds(1)
        }) { client, _, _ in
            let connection = try RawConnection(port: try #require(client.port))
            let chunk = Array(repeating: UInt8(ascii: "x"), count: 64 * 1024)
            #expect(
                connection.send(
                    Array(
                        ("POST /api/v1/knowledge/import HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                            + "Authorization: Bearer test-admin-token\r\nContent-Type: application/x-ndjson\r\n"
                            + "Content-Length: \(chunk.count * 4)\r\n\r\n").utf8)))
            // Four chunks 0.7 s apart: 2.1 s in all, twice the request timeout, but never 1 s without 64 KiB.
            for index in 0..<4 {
                if index > 0 { try await Task.sleep(for: .milliseconds(700)) }
                #expect(connection.send(chunk))
            }
            // Not JSON lines: the import is refused with its line, which shows the body was read whole.
            #expect(await connection.response(timeout: .seconds(5)).hasPrefix("HTTP/1.1 400"))
        }
    }

    @Test("A client that trickles its headers in a byte at a time (slowloris) is cut off after the idle timeout")
    func slowloris() async throws {
        try await withLiveServer(adjust: { $0.idleTimeout = .seconds(1) }) { client, _, _ in
            let port = try #require(client.port)
            let connection = try RawConnection(port: port)
            let head = Array(
                "POST /wecom/callback?msg_signature=a&timestamp=1&nonce=2 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".utf8)
            let start = ContinuousClock.now
            var closedAfter: Duration?
            // 260 bytes, one each 50 ms: 13 s to finish the headers, were the server to wait.
            for byte in head + Array(repeating: UInt8(ascii: "a"), count: 200) {
                if !connection.send([byte]) || connection.isClosedByPeer {
                    closedAfter = .now - start
                    break
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            let elapsed = try #require(closedAfter, "the server waited for the whole trickle")
            #expect(elapsed >= .milliseconds(900) && elapsed < .seconds(4), "closed after \(elapsed)")
            // The others are still served (on a new connection: the test client's own has been idle too).
            let other = try RawConnection(port: port)
            #expect(other.send(Array("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)))
            #expect(await other.response(timeout: .seconds(2)).hasPrefix("HTTP/1.1 200"))
        }
    }

    @Test("An idle keep-alive connection is closed after the idle timeout")
    func idleKeepAlive() async throws {
        try await withLiveServer(adjust: { $0.idleTimeout = .seconds(1) }) { client, _, _ in
            let connection = try RawConnection(port: try #require(client.port))
            #expect(connection.send(Array("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)))
            #expect(await connection.response(timeout: .seconds(1)).hasPrefix("HTTP/1.1 200"))
            let closed = await eventually(timeout: .seconds(4)) { connection.isClosedByPeer }
            #expect(closed)
        }
    }

    @Test("A callback body over 64 KiB is 413, announced or chunked, on a real socket")
    func oversized() async throws {
        try await withLiveServer { client, _, _ in
            let port = try #require(client.port)
            let announced = try RawConnection(port: port)
            #expect(
                announced.send(
                    Array(
                        ("POST /wecom/callback?msg_signature=a&timestamp=1&nonce=2 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                            + "Content-Length: \(64 * 1024 + 1)\r\n\r\n").utf8)))
            #expect(await announced.response().hasPrefix("HTTP/1.1 413"))

            let chunked = try RawConnection(port: port)
            var request = Array(
                ("POST /wecom/callback?msg_signature=a&timestamp=1&nonce=2 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n").utf8)
            for _ in 0..<17 {
                request += Array("1000\r\n".utf8) + Array(repeating: UInt8(ascii: "x"), count: 4096) + Array("\r\n".utf8)
            }
            _ = chunked.send(request + Array("0\r\n\r\n".utf8))
            #expect(await chunked.response().hasPrefix("HTTP/1.1 413"))
        }
    }

    @Test(
        "Requests that break HTTP are 400 (or a closed connection), never 500",
        arguments: [
            "GARBAGE\r\n\r\n",
            "POST /wecom/callback HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\n\r\n",
            "POST /wecom/callback HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
            "POST /wecom/callback HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nhello\r\n0\r\n\r\n",
            "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header Line\r\n\r\n",
            "GET /wecom/callback?msg_signature=%ZZ&timestamp=%&nonce=%00 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
            "POST /api/v1/knowledge/import HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \u{00}\r\n\r\n",
        ])
    func malformed(request: String) async throws {
        try await withLiveServer { client, _, _ in
            let connection = try RawConnection(port: try #require(client.port))
            _ = connection.send(Array(request.utf8))
            let response = await connection.response()
            let status = response.split(separator: " ").dropFirst().first.map(String.init) ?? "closed"
            #expect(!status.hasPrefix("5"), "\(response.prefix(200))")
            #expect(["400", "401", "closed"].contains(status), "\(response.prefix(200))")
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
        }
    }

    @Test(
        "Bodies found by the fuzzer that crashed the process (not UTF-8, an empty processing instruction) are 400, and the server lives on",
        arguments: [[0x3C, 0x72, 0x8B, 0x3C, 0xDF, 0xA4], Array("<xml><?pi?></xml>".utf8)] as [[UInt8]])
    func fuzzerFindings(body: [UInt8]) async throws {
        try await withLiveServer { client, _, _ in
            let response = try await client.execute(
                uri: "/wecom/callback?msg_signature=a&timestamp=1&nonce=2", method: .post,
                headers: [.contentType: "text/xml"], body: ByteBuffer(bytes: body))
            #expect(response.status == .badRequest)
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
        }
    }

    @Test("Signed callbacks whose body is empty, not XML, or XML of another shape are 400, never 500")
    func malformedBodies() async throws {
        let fixture = TestWeCom.fixture
        try await withLiveServer { client, _, _ in
            let signed = try fixture.text(from: "zhangsan", "hi", msgID: 1)
            for body in [
                "", "not xml", "<xml/>", "<html><body>hi</body></html>", "<xml><Encrypt><![CDATA[]]></Encrypt></xml>",
                "\u{FEFF}<xml>",
            ] {
                var callback = signed
                callback.body = body
                let response = try await client.post(callback)
                #expect(response.status == .badRequest, "\(body)")
            }
        }
    }
}
