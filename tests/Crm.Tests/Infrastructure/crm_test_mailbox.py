"""An aiosmtpd handler for the CRM's tests: each accepted message becomes one JSON file in a folder,
so a test reads exactly what arrived. Recipients whose local part starts with "reject" are refused
with a fixed 550 reply, to test how the CRM reports a server's error.

Started by SmtpServer.cs as: python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c crm_test_mailbox.Mailbox FOLDER
"""
import email
import email.policy
import json
import os
import uuid

REJECTION = "550 5.1.1 Recipient address rejected: the test mailbox refuses it"


class Mailbox:
    def __init__(self, folder):
        self.folder = folder
        os.makedirs(folder, exist_ok=True)

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 1:
            parser.error("crm_test_mailbox.Mailbox needs one argument: the folder to write messages to")
        return cls(args[0])

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower().startswith("reject"):
            return REJECTION
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        part = message.get_body(preferencelist=("plain",))
        html = message.get_body(preferencelist=("html",))
        record = {
            "mailFrom": envelope.mail_from,
            "rcptTos": list(envelope.rcpt_tos),
            "from": str(message.get("From", "")),
            "to": str(message.get("To", "")),
            "subject": str(message.get("Subject", "")),
            "text": part.get_content() if part is not None else "",
            "html": html.get_content() if html is not None else None,
            "contentType": message.get_content_type(),
        }
        name = uuid.uuid4().hex
        temporary = os.path.join(self.folder, name + ".tmp")
        with open(temporary, "w", encoding="utf-8") as f:
            json.dump(record, f)
        # Renamed once complete, so a reader never sees half a message.
        os.replace(temporary, os.path.join(self.folder, name + ".json"))
        return "250 Message accepted for delivery"
