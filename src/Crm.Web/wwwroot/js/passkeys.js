// Passkey ceremonies for the forms marked data-passkey="create" (add a passkey) or "get" (sign in
// with one). On submit, the form's fields go to its data-passkey-options address, which answers
// with the WebAuthn options (JSON, binary values in base64url) or with messages; the browser then
// asks the authenticator, and the form is sent the ordinary way with the answer in its hidden
// "credential" field, so the page shows the outcome as it does for any other form.
(function () {
    function toBuffer(base64url) {
        var base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
        while (base64.length % 4) {
            base64 += '=';
        }
        var text = atob(base64);
        var bytes = new Uint8Array(text.length);
        for (var i = 0; i < text.length; i++) {
            bytes[i] = text.charCodeAt(i);
        }
        return bytes.buffer;
    }

    function toBase64url(buffer) {
        var bytes = new Uint8Array(buffer);
        var text = '';
        for (var i = 0; i < bytes.length; i++) {
            text += String.fromCharCode(bytes[i]);
        }
        return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    }

    function descriptors(list) {
        return (list || []).map(function (d) {
            return { type: d.type, id: toBuffer(d.id), transports: d.transports };
        });
    }

    function creationOptions(json) {
        json.challenge = toBuffer(json.challenge);
        json.user.id = toBuffer(json.user.id);
        json.excludeCredentials = descriptors(json.excludeCredentials);
        return json;
    }

    function requestOptions(json) {
        json.challenge = toBuffer(json.challenge);
        json.allowCredentials = descriptors(json.allowCredentials);
        return json;
    }

    // The credential in the WebAuthn JSON form (what PublicKeyCredential.toJSON gives where the browser has it).
    function credentialJson(credential) {
        var response = credential.response;
        var answer = { clientDataJSON: toBase64url(response.clientDataJSON) };
        if (response.attestationObject) {
            answer.attestationObject = toBase64url(response.attestationObject);
            answer.transports = response.getTransports ? response.getTransports() : [];
        } else {
            answer.authenticatorData = toBase64url(response.authenticatorData);
            answer.signature = toBase64url(response.signature);
            if (response.userHandle) {
                answer.userHandle = toBase64url(response.userHandle);
            }
        }
        return JSON.stringify({
            id: credential.id,
            rawId: toBase64url(credential.rawId),
            type: credential.type,
            response: answer,
            authenticatorAttachment: credential.authenticatorAttachment || null,
            clientExtensionResults: credential.getClientExtensionResults ? credential.getClientExtensionResults() : {}
        });
    }

    function say(form, text) {
        var status = form.querySelector('.passkey-status');
        if (status) {
            status.textContent = text;
            status.hidden = !text;
        }
    }

    function messagesOf(answer) {
        var messages = [];
        if (answer && answer.errors) {
            Object.keys(answer.errors).forEach(function (field) {
                messages = messages.concat(answer.errors[field]);
            });
        }
        if (!messages.length && answer && answer.message) {
            messages.push(answer.message);
        }
        return messages.length ? messages.join(' ') : 'Something went wrong. Reload the page and try again.';
    }

    document.querySelectorAll('form[data-passkey]').forEach(function (form) {
        var create = form.getAttribute('data-passkey') === 'create';
        if (!window.PublicKeyCredential || !navigator.credentials) {
            say(form, 'This browser cannot use passkeys.');
            form.querySelectorAll('button').forEach(function (b) { b.disabled = true; });
            return;
        }

        form.addEventListener('submit', function (event) {
            event.preventDefault();
            var buttons = form.querySelectorAll('button');
            buttons.forEach(function (b) { b.disabled = true; });
            say(form, '');
            fetch(form.getAttribute('data-passkey-options'), { method: 'POST', body: new FormData(form), credentials: 'same-origin' })
                .then(function (response) {
                    return response.json().then(function (answer) {
                        if (!response.ok) {
                            throw new Error(messagesOf(answer));
                        }
                        return answer;
                    }, function () { throw new Error(messagesOf(null)); });
                })
                .then(function (options) {
                    return create
                        ? navigator.credentials.create({ publicKey: creationOptions(options) })
                        : navigator.credentials.get({ publicKey: requestOptions(options) });
                })
                .then(function (credential) {
                    if (!credential) {
                        throw new Error('No passkey was chosen.');
                    }
                    form.querySelector('input[name="credential"]').value = credentialJson(credential);
                    form.submit();
                })
                .catch(function (error) {
                    var cancelled = error && (error.name === 'NotAllowedError' || error.name === 'AbortError');
                    say(form, cancelled ? 'The passkey was not used (cancelled, or no passkey for this site on this device).' : error.message);
                    buttons.forEach(function (b) { b.disabled = false; });
                });
        });
    });
})();
