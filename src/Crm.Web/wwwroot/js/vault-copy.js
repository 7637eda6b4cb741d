// The vault entry's "Copy password": asks the page for the password (the same logged POST as
// without script) and puts it on the clipboard without showing it. When the page answers with
// anything but the password (a password prompt is needed), the form is sent the ordinary way.
(function () {
    var button = document.getElementById('copy');
    if (!button || !navigator.clipboard) {
        return;
    }

    button.addEventListener('click', function (event) {
        var form = button.form;
        event.preventDefault();
        var headers = {};
        headers[button.getAttribute('data-copy-header')] = '1';
        fetch(button.formAction, { method: 'POST', body: new FormData(form), headers: headers, credentials: 'same-origin' })
            .then(function (response) {
                if (!response.ok) {
                    throw new Error('refused');
                }
                return response.json();
            })
            .then(function (answer) { return navigator.clipboard.writeText(answer.password); })
            .then(function () { document.getElementById('copy-status').textContent = 'Copied.'; })
            .catch(function () { form.requestSubmit(button); button.disabled = true; });
    });
})();
