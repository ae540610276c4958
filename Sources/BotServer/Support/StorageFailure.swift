import Foundation
import GRDB

/// Why the database refused a write, in words an operator acts on.
struct StorageFailure: Error, Sendable, Equatable, CustomStringConvertible {
    enum Kind: String, Sendable {
        /// SQLITE_FULL: the disk, or the database's page limit, is full.
        case full
        /// SQLITE_READONLY: the file or its directory cannot be written.
        case readOnly = "read-only"
        /// SQLITE_IOERR, SQLITE_CANTOPEN, SQLITE_CORRUPT and the like.
        case diskError = "disk error"
        /// SQLITE_BUSY, SQLITE_LOCKED: another process holds the database.
        case busy
        /// Anything else.
        case other
    }

    var kind: Kind
    /// SQLite's own message.
    var message: String

    init(_ error: any Error) {
        guard let error = error as? DatabaseError else {
            self.kind = .other
            self.message = "\(error)"
            return
        }
        message = error.message ?? "\(error.resultCode)"
        switch error.resultCode {
        case .SQLITE_FULL: kind = .full
        case .SQLITE_READONLY: kind = .readOnly
        case .SQLITE_IOERR, .SQLITE_CANTOPEN, .SQLITE_CORRUPT, .SQLITE_NOTADB: kind = .diskError
        case .SQLITE_BUSY, .SQLITE_LOCKED: kind = .busy
        default: kind = .other
        }
    }

    /// The database's or its disk's trouble (full, read-only, a disk error, locked), which passes
    /// when an operator mends it: never a reason to give up on what was being written.
    var isTheDatabasesOwn: Bool { kind != .other }

    var description: String {
        switch kind {
        case .full: "the database or its disk is full (\(message))"
        case .readOnly: "the database cannot be written (\(message))"
        case .diskError: "the database's disk failed (\(message))"
        case .busy: "the database is locked by another process (\(message))"
        case .other: "the database refused the write (\(message))"
        }
    }
}
