import Foundation
import Testing

@testable import SentenceModel

/// The .npy reader on hand-made files: no model needed.
@Suite struct NPYArrayTests {
    /// A version-1 .npy file with the given header dictionary and payload.
    private func npy(_ header: String, _ payload: [UInt8], version: UInt8 = 1) -> Data {
        var text = header
        let prefix = version == 1 ? 10 : 12
        while (prefix + text.utf8.count + 1) % 64 != 0 { text += " " }
        text += "\n"
        var bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, version, 0]
        let length = text.utf8.count
        if version == 1 {
            bytes += [UInt8(length & 0xFF), UInt8(length >> 8)]
        } else {
            bytes += [UInt8(length & 0xFF), UInt8((length >> 8) & 0xFF), UInt8((length >> 16) & 0xFF), UInt8(length >> 24)]
        }
        bytes += Array(text.utf8) + payload
        return Data(bytes)
    }

    private func floatBytes(_ values: [Float]) -> [UInt8] {
        values.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
    }

    @Test func readsFloat32Matrix() throws {
        let data = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", floatBytes([1, 2, 3, 4, 5, -6.5]))
        let array = try NPYArray(data: data)
        #expect(array.elementType == .float32)
        #expect(array.shape == [2, 3])
        #expect(array.floats() == [1, 2, 3, 4, 5, -6.5])
        try array.expect(.float32, shape: [2, 3], name: "m")
    }

    @Test func readsVersion2AndBytes() throws {
        let data = npy("{'descr': '|u1', 'fortran_order': False, 'shape': (4,), }", [0, 7, 128, 255], version: 2)
        let array = try NPYArray(data: data)
        #expect(array.elementType == .uint8)
        #expect(array.floats() == [0, 7, 128, 255])
    }

    @Test func readsScalarFloat64() throws {
        let payload = withUnsafeBytes(of: (1e-12).bitPattern.littleEndian) { Array($0) }
        let array = try NPYArray(data: npy("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", payload))
        #expect(array.shape == [])
        #expect(array.count == 1)
        #expect(array.firstValue() == 1e-12)
    }

    @Test func rejectsBadInput() {
        #expect(throws: SentenceModelError.self) { try NPYArray(data: Data([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])) }
        // Payload shorter than the shape needs.
        #expect(throws: SentenceModelError.self) {
            try NPYArray(data: npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", floatBytes([1, 2])))
        }
        // Big-endian and Fortran order are not supported.
        #expect(throws: SentenceModelError.self) {
            try NPYArray(data: npy("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", floatBytes([1])))
        }
        #expect(throws: SentenceModelError.self) {
            try NPYArray(data: npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", floatBytes([1, 2, 3, 4])))
        }
    }

    @Test func wrongShapeIsNamed() throws {
        let array = try NPYArray(data: npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", floatBytes([1, 2])))
        #expect(throws: SentenceModelError.unexpectedShape(name: "bias", expected: [3], found: [2])) {
            try array.expect(.float32, shape: [3], name: "bias")
        }
    }

    @Test func missingFileIsReported() {
        let url = URL(fileURLWithPath: "/nonexistent/storedesk/q1.npy")
        #expect(throws: SentenceModelError.missingFile(path: url.path)) { try NPYArray(contentsOf: url) }
    }

    @Test func missingModelFolderIsReported() {
        let url = URL(fileURLWithPath: "/nonexistent/storedesk/use-m3")
        #expect(throws: SentenceModelError.missingFile(path: url.path)) { try SentenceEncoder(directory: url) }
    }

    @Test func garbageSentencePieceModelIsRejected() {
        #expect(throws: SentenceModelError.self) { try SentencePieceModel(bytes: [0xFF, 0xFF, 0xFF]) }
        #expect(throws: SentenceModelError.self) { try SentencePieceModel(bytes: []) }
    }
}
