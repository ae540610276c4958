import Crypto

/// WeCom's message signature: SHA-1 over the sorted, concatenated values, lowercase hex.
///
/// Used for URL verification (`token, timestamp, nonce, echostr`), for incoming messages
/// (`…, Encrypt`) and for encrypted passive replies.
public enum WeComSignature {
    /// The signature of `values` (order does not matter: they are sorted by their UTF-8 bytes).
    public static func compute(_ values: [String]) -> String {
        let sorted = values.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        let digest = Insecure.SHA1.hash(data: Array(sorted.joined().utf8))
        return digest.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// Compares two signatures in time independent of where they differ, so that a caller
    /// cannot learn a valid signature byte by byte. Hex case is ignored.
    public static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let left = Array(lhs.lowercased().utf8)
        let right = Array(rhs.lowercased().utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices {
            difference |= left[index] ^ right[index]
        }
        return difference == 0
    }
}
