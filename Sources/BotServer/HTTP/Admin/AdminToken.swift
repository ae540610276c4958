import Foundation
import Logging

/// The bearer token with admin rights: `STOREDESK_ADMIN_TOKEN` when set, otherwise one created at
/// first start in `admin-token` in the data folder (mode 0600) and kept across restarts.
enum AdminToken {
    static let fileName = "admin-token"

    static func resolve(configured: String?, dataDirectory: URL, logger: Logger) throws -> String {
        if let configured { return configured }
        let file = dataDirectory.appendingPathComponent(fileName)
        if let data = FileManager.default.contents(atPath: file.path) {
            let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if !token.isEmpty { return token }
        }
        var generator = SystemRandomNumberGenerator()
        let token = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        guard
            FileManager.default.createFile(atPath: file.path, contents: Data(token.utf8), attributes: [.posixPermissions: 0o600])
        else {
            throw ConfigurationError("cannot write the admin token to \(file.path)")
        }
        logger.notice("Created an admin token", metadata: ["file": "\(file.path)"])
        return token
    }
}
