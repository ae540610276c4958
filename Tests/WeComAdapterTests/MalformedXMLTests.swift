import Foundation
import Testing

@testable import WeComAdapter

/// Foundation's `XMLParser` on Linux answered `parse() == true` for documents it found errors in (an
/// unclosed element, a cut-off end, content after the root), crashed on some inputs and leaked on every
/// error; `XMLReader` replaced it. Such documents are refused, never read in part, and never crash.
@Suite("Malformed XML is refused, not read in part")
struct MalformedXMLTests {
    static let documents = [
        "<xml><Encrypt>abc</Encrypt><Unclosed></xml>",
        "<xml><Encrypt>abc</Encrypt>",
        "<xml><Encrypt>abc</Encrypt></xml><second/>",
        "<xml><Encrypt>abc</Encrypt></xml>trailing",
        "<xml><Encrypt>abc</Encrypt></wrong>",
    ]

    @Test("The outer XML", arguments: documents)
    func envelope(document: String) {
        #expect {
            try CallbackEnvelope(xml: Data(document.utf8))
        } throws: { error in
            if case WeComDecodingError.malformedXML = error { true } else { false }
        }
    }

    @Test("The inner XML, cut off inside the content")
    func truncatedMessage() {
        let xml = "<xml><FromUserName>u</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>调拨单在"
        #expect {
            try CallbackMessage(xml: xml)
        } throws: { error in
            if case WeComDecodingError.malformedXML = error { true } else { false }
        }
    }

    /// Found by the fuzzer (scripts/fuzz-callback.sh): FoundationXML force-unwraps element names as
    /// UTF-8, and libxml2, reading on after an error, hands it bytes that are not; six bytes crashed
    /// the process, before any signature check.
    @Test(
        "Bytes that are not UTF-8, or another declared encoding, are refused before the parser sees them",
        arguments: [
            [0x3C, 0x72, 0x8B, 0x3C, 0xDF, 0xA4],
            Array("<xml><Encrypt>abc</Encrypt><a".utf8) + [0xBC, 0xB1] + Array("/></xml>".utf8),
            [0xFE, 0xFF, 0x00, 0x3C, 0x00, 0x78, 0x00, 0x6D, 0x00, 0x6C, 0x00, 0x3E],
            Array("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><xml><Encrypt>abc</Encrypt></xml>".utf8),
            Array("<?xml version='1.0' encoding='UTF-16'?><xml><Encrypt>abc</Encrypt></xml>".utf8),
        ] as [[UInt8]])
    func notUTF8(bytes: [UInt8]) {
        #expect {
            try CallbackEnvelope(xml: Data(bytes))
        } throws: { error in
            if case WeComDecodingError.malformedXML = error { true } else { false }
        }
    }

    /// Found by the fuzzer too: FoundationXML takes `strlen` of a processing instruction's data,
    /// which libxml2 leaves NULL for `<?pi?>`: a well-formed 18-byte body segfaulted the process.
    @Test(
        "Processing instructions are refused before the parser sees them; in CDATA or a comment they are text",
        arguments: ["<xml><?pi?><Encrypt>abc</Encrypt></xml>", "<?pi?><xml/>", "<xml/><?pi?>", "<xml><?pi data?></xml>"])
    func processingInstruction(document: String) {
        #expect {
            try CallbackEnvelope(xml: Data(document.utf8))
        } throws: { error in
            if case WeComDecodingError.malformedXML = error { true } else { false }
        }
    }

    @Test("A member may type <?pi?>: in CDATA and comments it is no instruction")
    func processingInstructionAsText() throws {
        let message = try CallbackMessage(
            xml: "<xml><!-- <?pi?> --><FromUserName>u</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType>"
                + "<Content><![CDATA[<?pi?> ?> <?]]></Content></xml>")
        #expect(message.content == .text("<?pi?> ?> <?"))
    }

    @Test("A UTF-8 declaration, in any spelling, is fine")
    func utf8Declared() throws {
        for declaration in [
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "<?xml version='1.0' encoding='utf-8' ?>",
            "\u{FEFF}<?xml version=\"1.0\"?>",
        ] {
            #expect(try CallbackEnvelope(xml: Data((declaration + "<xml><Encrypt>abc</Encrypt></xml>").utf8)).encrypted == "abc")
        }
    }

    @Test("The reader: references, line ends, attributes, comments and nesting as XML defines them")
    func reader() throws {
        let fields = try XMLFields.parse(
            Data(
                ("<xml><!-- c --><A k='1' l=\"&amp;\">&#20320;&#x597D;&lt;&amp;&gt;&apos;&quot;</A><B>a\r\nb\rc</B>"
                    + "<S><I><Q>q1</Q></I><I><Q><![CDATA[q2\r\n]]></Q></I></S><E/></xml>").utf8))
        #expect(fields["A"] == "你好<&>'\"")
        #expect(fields["B"] == "a\nb\nc")
        #expect(fields.all("S/I/Q") == ["q1", "q2\n"])
        #expect(fields["E"] == "")
    }

    @Test(
        "The reader refuses what XML does not allow",
        arguments: [
            "<xml><A>&nope;</A></xml>", "<xml><A>&#0;</A></xml>", "<xml><A>&#xD800;</A></xml>", "<xml><A>a & b</A></xml>",
            "<xml><A>\u{1}</A></xml>", "<xml><A>]]></A></xml>", "<xml><A b=1/></xml>", "<xml><A b='<'/></xml>",
            "<xml><1A/></xml>", "<xml><A></B></xml>", "<xml/><xml/>", "text<xml/>", " <?xml version=\"1.0\"?><xml/>",
            "<xml><!DOCTYPE x></xml>", "<xml><A><![CDATA[x</A></xml>", "<xml><!-- x</xml>",
        ])
    func readerRefuses(document: String) {
        #expect {
            try XMLFields.parse(Data(document.utf8))
        } throws: { error in
            if case WeComDecodingError.malformedXML = error { true } else { false }
        }
    }

    @Test("Well-formed documents still read, white space and all")
    func wellFormed() throws {
        let message = try CallbackMessage(
            xml: "<?xml version=\"1.0\"?>\n<xml><FromUserName>u</FromUserName><CreateTime>1</CreateTime>"
                + "<MsgType>text</MsgType><Content> </Content></xml>\n")
        #expect(message.content == .text(" "))
    }
}
