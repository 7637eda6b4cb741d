"""An aiosmtpd handler for the CRM's tests: each accepted message becomes one JSON file in a folder,
so a test reads exactly what arrived. Recipients whose local part starts with "reject" are refused
with a fixed 550 reply, to test how the CRM reports a server's error.

Started by SmtpServer.cs as: python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c crm_test_mailbox.Mailbox FOLDER [LOGIN PASSWORD]
(plus --tlscert/--tlskey for STARTTLS or --smtpscert/--smtpskey for implicit TLS). With LOGIN and
PASSWORD the handler offers AUTH PLAIN and LOGIN (aiosmtpd advertises AUTH only after STARTTLS),
accepts exactly that pair, answers others with 535, and records who signed in with each message.
"""
import base64
import binascii
import email
import email.policy
import json
import os
import uuid

from aiosmtpd.smtp import AuthResult

REJECTION = "550 5.1.1 Recipient address rejected: the test mailbox refuses it"


class Mailbox:
    def __init__(self, folder, login=None, password=None):
        self.folder = folder
        self.login = login
        self.password = password
        os.makedirs(folder, exist_ok=True)

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) not in (1, 3):
            parser.error("crm_test_mailbox.Mailbox needs the folder to write messages to, optionally followed by a login and a password")
        return cls(*args)

    def _check(self, login, password):
        # Without a configured login no credentials are good: the server then only relays.
        ok = self.login is not None and login == self.login.encode() and password == self.password.encode()
        return AuthResult(success=ok, handled=False, auth_data=login.decode(errors="replace") if ok else None)

    # Handler methods named auth_<MECHANISM> replace aiosmtpd's built-in ones (which need an
    # authenticator the command line cannot pass). Called with the SMTP session object and the
    # AUTH command's arguments.
    async def auth_PLAIN(self, server, args):
        if len(args) == 1:
            answer = await server.challenge_auth("")
            if not isinstance(answer, bytes):
                return AuthResult(success=False)
        else:
            try:
                answer = base64.b64decode(args[1], validate=True)
            except binascii.Error:
                return AuthResult(success=False, handled=False, message="501 5.5.2 Cannot decode the credentials")
        parts = answer.split(b"\0")
        if len(parts) != 3:
            return AuthResult(success=False, handled=False, message="501 5.5.2 Cannot split the credentials")
        return self._check(parts[1], parts[2])

    async def auth_LOGIN(self, server, args):
        if len(args) == 1:
            login = await server.challenge_auth("Username:")
        else:
            login = base64.b64decode(args[1])
        if not isinstance(login, bytes):
            return AuthResult(success=False)
        password = await server.challenge_auth("Password:")
        if not isinstance(password, bytes):
            return AuthResult(success=False)
        return self._check(login, password)

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
            "login": session.auth_data if session.authenticated else None,
        }
        name = uuid.uuid4().hex
        temporary = os.path.join(self.folder, name + ".tmp")
        with open(temporary, "w", encoding="utf-8") as f:
            json.dump(record, f)
        # Renamed once complete, so a reader never sees half a message.
        os.replace(temporary, os.path.join(self.folder, name + ".json"))
        return "250 Message accepted for delivery"
