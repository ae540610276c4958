/// PKCS#7 padding with WeCom's 32-byte block.
///
/// Standard AES padding uses the 16-byte cipher block; WeCom pads to 32, so pad values 17…32 occur
/// in real traffic and a 16-byte unpadder rejects them. swift-crypto's `AES._CBC` is therefore used
/// with `noPadding: true` and this type does the padding.
enum PKCS7Padding32 {
    static let blockSize = 32

    /// Appends 1…32 bytes, each holding the pad count (a full block when already aligned).
    static func pad(_ bytes: inout [UInt8]) {
        let count = blockSize - bytes.count % blockSize
        bytes.append(contentsOf: repeatElement(UInt8(count), count: count))
    }

    /// The bytes without their padding; throws unless the last byte is 1…32 and all pad bytes agree.
    static func unpad(_ bytes: [UInt8]) throws(WeComCryptoError) -> ArraySlice<UInt8> {
        guard let last = bytes.last else { throw .invalidPadding }
        let count = Int(last)
        guard (1...blockSize).contains(count), count <= bytes.count else { throw .invalidPadding }
        guard bytes.suffix(count).allSatisfy({ $0 == last }) else { throw .invalidPadding }
        return bytes.dropLast(count)
    }
}
