// The record picker: every related-record field (input[data-record-picker], written by
// RecordPickerTagHelper) becomes a combobox that suggests, as the person types a name, the
// records they may see. The field the form posts becomes hidden and holds the chosen ID; what
// the person types goes into it unchanged until they choose, so "42" and "ID 42" still work.
// Without this script the field stays a plain text field that takes the ID.
(() => {
    'use strict';

    const endpoint = '/api/v1/lookup/';
    const maxLength = 200;
    const delay = 200;

    function enhance(field) {
        const id = field.id;
        const listId = id + '-suggestions';
        const moduleFrom = field.dataset.recordPickerModuleFrom ? document.getElementById(field.dataset.recordPickerModuleFrom) : null;

        const box = document.createElement('input');
        box.type = 'text';
        box.className = field.className;
        box.autocomplete = 'off';
        box.spellcheck = false;
        box.maxLength = maxLength;
        box.setAttribute('role', 'combobox');
        box.setAttribute('aria-autocomplete', 'list');
        box.setAttribute('aria-expanded', 'false');
        box.setAttribute('aria-controls', listId);
        for (const name of ['aria-describedby', 'aria-invalid', 'placeholder']) {
            if (field.hasAttribute(name)) {
                box.setAttribute(name, field.getAttribute(name));
            }
        }

        // The label points at the field's id: the box takes it over.
        field.id = id + '-value';
        box.id = id;
        const label = field.dataset.recordPickerLabel;
        box.value = label && /^\s*(id\s*)?\d+\s*$/i.test(field.value) ? label : field.value;
        field.type = 'hidden';

        const wrapper = document.createElement('div');
        wrapper.className = 'record-picker';
        field.before(wrapper);
        wrapper.append(box, field);

        const list = document.createElement('ul');
        list.id = listId;
        list.className = 'record-picker-list list-group shadow-sm';
        list.setAttribute('role', 'listbox');
        list.hidden = true;
        wrapper.append(list);

        // Read out to screen readers: how many suggestions there are, and what was chosen.
        const said = document.createElement('div');
        said.className = 'visually-hidden';
        said.setAttribute('aria-live', 'polite');
        wrapper.append(said);

        const current = document.getElementById(id + '-picker-current');
        const help = document.getElementById(id + '-picker-help');
        if (help && help.dataset.scriptText) {
            help.textContent = help.dataset.scriptText;
        }

        let options = [];
        let active = -1;
        let asked = 0;
        let timer = 0;
        let shownFor = { query: null, module: null };

        // The record the field held when the page opened, named under it: gone once the person changes the field.
        function forgetCurrent() {
            if (current && !current.hidden) {
                current.hidden = true;
                const rest = (box.getAttribute('aria-describedby') || '').split(' ').filter((id) => id && id !== current.id);
                box.setAttribute('aria-describedby', rest.join(' '));
            }
        }

        const moduleNow = () => (moduleFrom ? moduleFrom.value : field.dataset.recordPicker) || '';

        function close() {
            list.hidden = true;
            list.replaceChildren();
            options = [];
            active = -1;
            box.setAttribute('aria-expanded', 'false');
            box.removeAttribute('aria-activedescendant');
        }

        function highlight(index) {
            options.forEach((option, i) => {
                const on = i === index;
                option.element.classList.toggle('active', on);
                option.element.setAttribute('aria-selected', on ? 'true' : 'false');
            });
            active = index;
            if (index >= 0) {
                box.setAttribute('aria-activedescendant', options[index].element.id);
                options[index].element.scrollIntoView({ block: 'nearest' });
            } else {
                box.removeAttribute('aria-activedescendant');
            }
        }

        function choose(index) {
            const option = options[index];
            field.value = String(option.id);
            box.value = option.label;
            close();
            said.textContent = 'Chosen: ' + option.label + ', ID ' + option.id + '.';
        }

        function show(found) {
            // An answer that arrives after the person moved onto a suggestion keeps that suggestion
            // highlighted, so that Enter chooses what they saw rather than sending the form.
            const kept = active >= 0 ? options[active].id : null;
            list.replaceChildren();
            options = found.map((record, i) => {
                const element = document.createElement('li');
                element.id = listId + '-' + i;
                element.className = 'list-group-item list-group-item-action';
                element.setAttribute('role', 'option');
                element.setAttribute('aria-selected', 'false');
                const name = document.createElement('span');
                name.textContent = record.label;
                const number = document.createElement('span');
                number.className = 'record-picker-id';
                number.textContent = 'ID ' + record.id;
                element.append(name, ' ', number);
                list.append(element);
                return { id: record.id, label: record.label, element };
            });
            if (options.length === 0) {
                const none = document.createElement('li');
                none.className = 'list-group-item text-body-secondary';
                none.setAttribute('role', 'option');
                none.setAttribute('aria-disabled', 'true');
                none.textContent = 'No match among the records you may see.';
                list.append(none);
            }

            active = -1;
            list.hidden = false;
            box.setAttribute('aria-expanded', 'true');
            const again = options.findIndex((option) => option.id === kept);
            if (again >= 0) {
                highlight(again);
            }

            said.textContent = options.length === 0 ? 'No suggestions.'
                : options.length + (options.length === 1 ? ' suggestion' : ' suggestions') + ': use the arrow keys, then Enter.';
        }

        async function suggest() {
            const query = box.value.trim();
            const module = moduleNow();
            if (!list.hidden && query === shownFor.query && module === shownFor.module) {
                return;
            }

            const ask = ++asked;
            if (query.length === 0 || module.length === 0) {
                close();
                if (module.length === 0 && query.length > 0) {
                    said.textContent = 'Choose the kind of record first.';
                }
                return;
            }

            try {
                const response = await fetch(endpoint + encodeURIComponent(module) + '?q=' + encodeURIComponent(query), {
                    headers: { Accept: 'application/json' },
                    credentials: 'same-origin',
                });
                if (ask !== asked || !response.ok) {
                    return;
                }

                const found = await response.json();
                if (ask === asked && document.activeElement === box) {
                    show(found);
                    shownFor = { query, module };
                }
            } catch {
                // The network is gone: the field still takes an ID, and the form says what is wrong on submit.
            }
        }

        box.addEventListener('input', () => {
            // What was typed is posted as it is until a suggestion is chosen: an ID still works, a
            // name that was not chosen is refused by the server with a message.
            field.value = box.value;
            forgetCurrent();

            window.clearTimeout(timer);
            timer = window.setTimeout(suggest, delay);
        });

        box.addEventListener('keydown', (event) => {
            const open = !list.hidden && options.length > 0;
            switch (event.key) {
                case 'ArrowDown':
                    event.preventDefault();
                    if (open) {
                        highlight(active + 1 < options.length ? active + 1 : 0);
                    } else {
                        window.clearTimeout(timer);
                        suggest();
                    }
                    break;
                case 'ArrowUp':
                    if (open) {
                        event.preventDefault();
                        highlight(active > 0 ? active - 1 : options.length - 1);
                    }
                    break;
                case 'Enter':
                    if (open && active >= 0) {
                        // Choosing a suggestion, not submitting the form.
                        event.preventDefault();
                        choose(active);
                    }
                    break;
                case 'Escape':
                    if (!list.hidden) {
                        event.preventDefault();
                        close();
                    }
                    break;
                case 'Tab':
                    close();
                    break;
                default:
                    break;
            }
        });

        box.addEventListener('blur', () => window.setTimeout(() => {
            if (document.activeElement !== box) {
                close();
            }
        }, 0));

        // Pressing on the list must not take the focus from the box (that would close the list first).
        list.addEventListener('mousedown', (event) => event.preventDefault());
        list.addEventListener('click', (event) => {
            const element = event.target.closest('[role="option"]');
            const index = options.findIndex((option) => option.element === element);
            if (index >= 0) {
                choose(index);
            }
        });

        if (moduleFrom) {
            // An ID belongs to one module: another module starts the choice afresh.
            moduleFrom.addEventListener('change', () => {
                field.value = '';
                box.value = '';
                close();
                forgetCurrent();
            });
        }
    }

    document.querySelectorAll('input[data-record-picker]').forEach(enhance);
})();
