import Escalation
import GRDB
import WeComAdapter

/// Renders tickets' notices as WeCom outbox items: texts and cards one to one through `message/send`
/// (app group chats carry no cards and return no messages), and `update_template_card` for cards that
/// were taken, with the tap's response code or, failing that, the one WeCom gave when the card was sent.
struct TicketNoticeRenderer: Sendable {
    let replies: WeComReplyRenderer
    let texts: TicketTexts
    /// WeCom's recommended length of a card row's value.
    static let maxRowValueCharacters = 26

    /// The outbox items of `notices`; `responseCode` finds a sent card's code inside the transaction.
    func items(_ notices: [TicketNotice], responseCode: (String) throws -> String?) rethrows -> [OutboxItem] {
        var items: [OutboxItem] = []
        for notice in notices {
            switch notice {
            case .associate(let user, let reply):
                items += replies.messages([reply], to: user).map(OutboxItem.message)
            case .agents(let agents, let notice):
                guard !agents.isEmpty else { continue }
                switch notice {
                case .text(let text):
                    items += TextSplitter.split(text, maxBytes: OutgoingMessage.maxTextBytes).map {
                        .message(OutgoingMessage(toUsers: agents, body: .text($0)))
                    }
                case .offer(let offer):
                    items.append(.message(OutgoingMessage(toUsers: agents, body: .templateCard(card(offer)))))
                    items += TextSplitter.split(offer.caseText, maxBytes: OutgoingMessage.maxTextBytes).map {
                        .message(OutgoingMessage(toUsers: agents, body: .text($0)))
                    }
                }
            case .offersTaken(let cards, let label, let tap):
                for card in cards {
                    let code = try (tap?.cardID == card ? tap?.token : nil) ?? responseCode(card)
                    // Not sent yet (no code): its buttons stay, and a tap on them gets the stale answer.
                    guard let code else { continue }
                    items.append(.cardUpdate(CardUpdate(responseCode: code, atAll: true, replaceName: label)))
                }
            case .staleTap(let tap, let label):
                guard let token = tap.token else { continue }
                items.append(.cardUpdate(CardUpdate(responseCode: token, userIDs: [tap.user], replaceName: label)))
            }
        }
        return items
    }

    /// The offer as a `button_interaction` card: a few short rows, 认领 and 转派.
    func card(_ offer: TicketOffer) -> TemplateCard {
        TemplateCard(
            source: .init(desc: "StoreDesk 工单"),
            mainTitle: .init(title: offer.title, desc: offer.rows.last?.value.prefix(40).description),
            horizontalContentList: offer.rows.dropLast().map {
                TemplateCard.KeyValue(keyname: $0.key, value: String($0.value.prefix(Self.maxRowValueCharacters)))
            },
            taskID: offer.cardID,
            buttons: [
                TemplateCard.Button(text: texts.claimButton, style: 1, key: TicketCardAction.claim(offer.number).cardKey),
                TemplateCard.Button(text: texts.reassignButton, style: 2, key: TicketCardAction.reassign(offer.number).cardKey),
            ])
    }
}
