import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A TCP connection to the server on 127.0.0.1 that sends exactly the bytes given, when given: for
/// what an HTTP client will not do (trickle headers, break the protocol).
final class RawConnection {
    enum Failure: Error { case cannotConnect(Int32) }

    private let socketFD: Int32

    init(port: Int) throws {
        #if canImport(Glibc)
            socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            socketFD = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(socketFD)
            throw Failure.cannotConnect(errno)
        }
    }

    deinit {
        close(socketFD)
    }

    /// Sends `bytes`; false when the server has closed the connection.
    func send(_ bytes: some Collection<UInt8>) -> Bool {
        let array = Array(bytes)
        #if canImport(Glibc)
            let flags = Int32(MSG_NOSIGNAL)
        #else
            let flags: Int32 = 0
        #endif
        return array.withUnsafeBytes { Foundation.send(socketFD, $0.baseAddress, $0.count, flags) } == array.count
    }

    /// Whether the server has closed the connection (end of stream or reset), without waiting.
    var isClosedByPeer: Bool {
        var byte: UInt8 = 0
        let count = recv(socketFD, &byte, 1, Int32(MSG_DONTWAIT | MSG_PEEK))
        return count == 0 || (count < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
    }

    /// What the server answers: read until it closes the connection, or until a whole response head
    /// has come and nothing more for a moment, or `timeout`.
    func response(timeout: Duration = .seconds(5)) async -> String {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = ContinuousClock.now + timeout
        var quietSince = ContinuousClock.now
        while ContinuousClock.now < deadline {
            let count = buffer.withUnsafeMutableBytes { recv(socketFD, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count > 0 {
                received += buffer.prefix(count)
                quietSince = .now
            } else if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK) {
                break
            } else if received.contains(subsequence: Array("\r\n\r\n".utf8)),
                ContinuousClock.now - quietSince > .milliseconds(300)
            {
                break
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return String(decoding: received, as: UTF8.self)
    }
}

extension Array where Element: Equatable {
    fileprivate func contains(subsequence: [Element]) -> Bool {
        guard subsequence.count <= count else { return false }
        return (0...(count - subsequence.count)).contains { self[$0..<($0 + subsequence.count)].elementsEqual(subsequence) }
    }
}
