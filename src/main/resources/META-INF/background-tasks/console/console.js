/*
 * The background-tasks console: a page that reads and acts through the library's admin API
 * (../admin/ from here). Everything it shows from the server goes in as text, never as markup.
 */
(function () {
    'use strict';

    // The page may be opened with credentials in its address; requests are built from the origin
    // and path alone, which a browser accepts.
    const API = new URL('../admin/', location.origin + location.pathname).toString();
    const STATES = ['', 'due', 'scheduled', 'running', 'succeeded', 'failed', 'cancelled'];
    const ACTIVE = ['due', 'scheduled', 'running'];
    const view = document.getElementById('view');
    const status = document.getElementById('status');
    let refresh = null;
    let chart = null;

    // ---- the API ----

    async function get(path) {
        const response = await fetch(API + path, { headers: { 'Accept': 'application/json' }, credentials: 'same-origin' });
        return answer(response);
    }

    async function act(path, body) {
        const response = await fetch(API + path, {
            method: 'POST',
            credentials: 'same-origin',
            headers: { 'Content-Type': 'application/json', 'Accept': 'application/json', 'X-Requested-By': 'background-tasks-console' },
            body: JSON.stringify(body || {})
        });
        return answer(response);
    }

    async function answer(response) {
        const text = await response.text();
        let body = null;
        try {
            body = text ? JSON.parse(text) : null;
        } catch (e) {
            body = null;
        }
        if (!response.ok) {
            throw new Error((body && body.detail) || ('The server answered ' + response.status));
        }
        return body;
    }

    // ---- building the page ----

    function el(tag, attributes, ...children) {
        const node = document.createElement(tag);
        Object.entries(attributes || {}).forEach(([name, value]) => {
            if (value === null || value === undefined || value === false) {
                return;
            }
            if (name.startsWith('on')) {
                node.addEventListener(name.substring(2), value);
            } else if (name === 'text') {
                node.textContent = value;
            } else {
                node.setAttribute(name, value === true ? '' : value);
            }
        });
        children.flat().forEach(child => {
            if (child !== null && child !== undefined) {
                node.append(child instanceof Node ? child : document.createTextNode(String(child)));
            }
        });
        return node;
    }

    function show(...nodes) {
        view.replaceChildren(...nodes.filter(node => node !== null && node !== undefined));
    }

    function say(text, error) {
        status.textContent = text;
        status.className = error ? 'error' : '';
    }

    function time(value) {
        return value ? new Date(value).toLocaleString() : '';
    }

    function age(value) {
        if (!value) {
            return '';
        }
        const seconds = Math.max(0, Math.round((Date.now() - new Date(value).getTime()) / 1000));
        return seconds < 120 ? seconds + ' s' : seconds < 7200 ? Math.round(seconds / 60) + ' min' : Math.round(seconds / 3600) + ' h';
    }

    function stateCell(state) {
        return el('span', { class: 'state state-' + state, text: state });
    }

    function progressBar(task) {
        if (task.progress === undefined || task.progress === null) {
            return task.state === 'running' ? el('span', { class: 'muted', text: 'running' }) : null;
        }
        return el('span', {},
            el('progress', { max: '1', value: String(task.progress), 'data-task': String(task.id) }),
            ' ', Math.round(task.progress * 100) + '%', task.progressMessage ? ' ' + task.progressMessage : '');
    }

    /** Asks before a destructive action; resolves true when confirmed. */
    function confirmed(text) {
        const dialog = document.getElementById('confirm');
        document.getElementById('confirm-text').textContent = text;
        return new Promise(resolve => {
            const yes = document.getElementById('confirm-yes');
            const no = document.getElementById('confirm-no');
            const done = answer => {
                yes.removeEventListener('click', onYes);
                no.removeEventListener('click', onNo);
                dialog.close();
                resolve(answer);
            };
            const onYes = () => done(true);
            const onNo = () => done(false);
            yes.addEventListener('click', onYes);
            no.addEventListener('click', onNo);
            dialog.showModal();
        });
    }

    async function run(action, message, after) {
        try {
            const result = await action();
            say(message(result));
            if (after) {
                await after(result);
            }
        } catch (e) {
            say(e.message, true);
        }
    }

    function every(millis, task) {
        stop();
        refresh = setInterval(task, millis);
    }

    function stop() {
        if (refresh) {
            clearInterval(refresh);
            refresh = null;
        }
    }

    // ---- queues ----

    async function queues() {
        chart = null; // a new page: the chart is drawn into its new box
        const table = el('table', { id: 'queues' });
        const chartBox = el('div', { id: 'chart' });
        show(el('h2', { text: 'Finished per minute, last hour' }), chartBox,
            el('h2', { text: 'Queues' }), table);
        const load = async () => {
            try {
                const [list, throughput] = await Promise.all([get('queues'), get('queues/throughput')]);
                fillQueues(table, list.queues);
                drawChart(chartBox, throughput);
                say('Updated ' + new Date().toLocaleTimeString());
            } catch (e) {
                say(e.message, true);
            }
        };
        await load();
        every(5000, load);
    }

    function fillQueues(table, list) {
        const head = el('tr', {}, ['Queue', 'Due', 'Scheduled', 'Running', 'Oldest due', 'Succeeded 5 min / 1 h',
            'Failed 5 min / 1 h', 'State', ''].map((h, i) => el('th', { class: i > 0 && i < 7 ? 'number' : null, text: h })));
        const rows = list.map(q => el('tr', { 'data-queue': q.queue },
            el('td', {}, el('a', { href: '#/tasks?queue=' + encodeURIComponent(q.queue), text: q.queue })),
            el('td', { class: 'number', text: q.due }),
            el('td', { class: 'number', text: q.scheduled }),
            el('td', { class: 'number', text: q.running }),
            el('td', { class: 'number', text: age(q.oldestDue) }),
            el('td', { class: 'number', text: q.succeededLast5Min + ' / ' + q.succeededLastHour }),
            el('td', { class: 'number', text: q.failedLast5Min + ' / ' + q.failedLastHour }),
            el('td', { class: q.paused ? 'paused' : null, text: q.paused ? 'paused' : 'running' }),
            el('td', {}, q.paused
                ? el('button', { class: 'resume', onclick: () => run(() => act('queues/' + encodeURIComponent(q.queue) + '/resume'),
                        () => 'Resumed ' + q.queue, queues), text: 'Resume' })
                : el('button', { class: 'pause danger', onclick: async () => {
                        if (await confirmed('Pause queue ' + q.queue + '? No node starts its tasks until it is resumed.')) {
                            run(() => act('queues/' + encodeURIComponent(q.queue) + '/pause'), () => 'Paused ' + q.queue, queues);
                        }
                    }, text: 'Pause' }))));
        table.replaceChildren(head, ...rows);
        if (!list.length) {
            table.append(el('tr', {}, el('td', { colspan: '9', class: 'muted', text: 'No queue has tasks.' })));
        }
    }

    function drawChart(box, data) {
        if (typeof uPlot === 'undefined') {
            return;
        }
        const series = [data.minutes, data.succeeded, data.failed];
        if (chart) {
            chart.setData(series);
            return;
        }
        box.replaceChildren();
        chart = new uPlot({
            width: Math.max(320, box.clientWidth - 20), height: 180,
            series: [{}, { label: 'succeeded', stroke: '#067647', fill: 'rgba(6,118,71,0.08)' },
                { label: 'failed', stroke: '#b42318', fill: 'rgba(180,35,24,0.08)' }],
            axes: [{}, { label: 'tasks/min' }]
        }, series, box);
    }

    // ---- tasks ----

    function filterFrom(params) {
        const filter = {};
        ['state', 'queue', 'task', 'from', 'to', 'text'].forEach(name => {
            const value = params.get(name);
            if (value) {
                filter[name] = value;
            }
        });
        return filter;
    }

    function query(filter, extra) {
        const params = new URLSearchParams(Object.assign({}, filter, extra || {}));
        return params.toString();
    }

    function field(name, label, input) {
        return el('label', {}, label, input);
    }

    async function tasks(params) {
        const filter = filterFrom(params);
        const before = params.get('before');
        const form = el('form', { class: 'filters', id: 'filters' },
            field('state', 'State', el('select', { name: 'state' },
                STATES.map(s => el('option', { value: s, selected: filter.state === s, text: s || 'any' })))),
            field('queue', 'Queue', el('input', { name: 'queue', value: filter.queue || '', size: '12' })),
            field('task', 'Task', el('input', { name: 'task', value: filter.task || '', size: '18' })),
            field('from', 'From (ISO, UTC)', el('input', { name: 'from', value: filter.from || '', size: '20', placeholder: '2026-12-01T00:00:00Z' })),
            field('to', 'To', el('input', { name: 'to', value: filter.to || '', size: '20' })),
            field('text', 'Text in arguments or error', el('input', { name: 'text', value: filter.text || '', size: '18' })),
            el('button', { type: 'submit', id: 'apply-filter', text: 'Filter' }));
        form.addEventListener('submit', event => {
            event.preventDefault();
            const data = new FormData(form);
            const chosen = {};
            for (const [name, value] of data.entries()) {
                if (value) {
                    chosen[name] = value;
                }
            }
            location.hash = '#/tasks?' + query(chosen);
        });
        const table = el('table', { id: 'tasks' });
        const pager = el('div', { class: 'pager' });
        const bulk = bulkActions(filter);
        show(form, bulk, table, pager);
        const load = async () => {
            try {
                const page = await get('tasks?' + query(filter, before ? { before: before } : {}));
                fillTasks(table, page.tasks);
                pager.replaceChildren(
                    before ? el('a', { href: '#/tasks?' + query(filter), text: 'First page' }) : null,
                    page.next ? el('a', { href: '#/tasks?' + query(filter, { before: page.next }), id: 'next-page', text: 'Next page' }) : null);
                say('Updated ' + new Date().toLocaleTimeString());
            } catch (e) {
                say(e.message, true);
            }
        };
        await load();
        every(5000, load);
    }

    function fillTasks(table, list) {
        const head = el('tr', {}, ['Id', 'Task', 'Queue', 'State', 'Priority', 'Attempts', 'Enqueued', 'Finished',
            'Progress', 'Error'].map(h => el('th', { text: h })));
        const rows = list.map(t => el('tr', { 'data-task': String(t.id) },
            el('td', {}, el('a', { href: '#/task/' + t.id, text: String(t.id) })),
            el('td', { text: t.task }),
            el('td', { text: t.queue }),
            el('td', {}, stateCell(t.state)),
            el('td', { class: 'number', text: t.priority }),
            el('td', { class: 'number', text: t.attempts + ' / ' + t.maxAttempts }),
            el('td', { text: time(t.createdAt) }),
            el('td', { text: time(t.finishedAt) }),
            el('td', {}, progressBar(t)),
            el('td', { class: 'error', title: t.error || '', text: t.error || '' })));
        table.replaceChildren(head, ...rows);
        if (!list.length) {
            table.append(el('tr', {}, el('td', { colspan: '10', class: 'muted', text: 'No task matches.' })));
        }
    }

    function bulkActions(filter) {
        if (!Object.keys(filter).length) {
            return el('p', { class: 'muted', text: 'Choose a filter to act on every task it matches.' });
        }
        const choice = el('select', { id: 'bulk-action' },
            ['retry', 'cancel', 'run-now', 'delete'].map(a => el('option', { value: a, text: a })));
        const button = el('button', { id: 'bulk-apply', class: 'danger', text: 'Apply to every matching task' });
        button.addEventListener('click', async () => {
            const action = choice.value;
            if (await confirmed(action + ' every task matching ' + JSON.stringify(filter) + '?')) {
                run(() => act('tasks/bulk/' + action, { filter: filter }),
                    r => r.action + ': ' + r.touched + ' of ' + r.matched + ' matching tasks' + (r.skipped ? ', ' + r.skipped + ' skipped' : ''),
                    () => route());
            }
        });
        return el('div', { class: 'actions' }, 'Every matching task: ', choice, button);
    }

    // ---- one task ----

    async function task(id) {
        const box = el('div', { id: 'task' });
        show(el('p', {}, el('a', { href: '#/tasks', text: '← Tasks' })), box);
        // Answers whether the task may still change (waiting or running), so the page keeps watching it.
        const load = async () => {
            try {
                const t = await get('tasks/' + encodeURIComponent(id));
                fillTask(box, t);
                say('Updated ' + new Date().toLocaleTimeString());
                return ACTIVE.includes(t.state);
            } catch (e) {
                say(e.message, true);
                return false;
            }
        };
        if (await load()) {
            every(2000, async () => {
                if (!(await load())) {
                    stop();
                }
            });
        }
    }

    function fillTask(box, t) {
        // Drawn again only when something changed, so a value being typed is not thrown away.
        const drawn = JSON.stringify(t);
        if (box.dataset.drawn === drawn) {
            return;
        }
        box.dataset.drawn = drawn;
        const rows = [['Task', t.task], ['Queue', t.queue], ['State', stateCell(t.state)], ['Priority', t.priority],
            ['Attempts', t.attempts + ' of ' + t.maxAttempts], ['Enqueued', time(t.createdAt)], ['Due', time(t.runAt)],
            ['Started', time(t.startedAt)], ['Finished', time(t.finishedAt)], ['Node', t.node || ''],
            ['Progress', progressBar(t) || ''], ['Schedule', t.schedule || ''], ['Dedupe key', t.dedupeKey || ''],
            ['Timeout', t.timeoutMillis ? t.timeoutMillis / 1000 + ' s' : '']];
        const waiting = t.state === 'due' || t.state === 'scheduled';
        const path = 'tasks/' + t.id + '/';
        const reload = () => task(t.id);
        const priority = el('input', { id: 'priority', type: 'number', value: String(t.priority), min: '-1000', max: '1000', size: '5' });
        const actions = el('div', { class: 'actions' },
            el('button', { id: 'run-now', disabled: !waiting, text: 'Run now',
                onclick: () => run(() => act(path + 'run-now'), () => 'Task ' + t.id + ' is due now', reload) }),
            el('button', { id: 'cancel', class: 'danger', disabled: !ACTIVE.includes(t.state), text: 'Cancel',
                onclick: async () => {
                    if (await confirmed('Cancel task ' + t.id + ' (' + t.task + ')?')) {
                        run(() => act(path + 'cancel'), r => r.state === 'running' ? 'Asked task ' + t.id + ' to stop' : 'Cancelled task ' + t.id, reload);
                    }
                } }),
            el('button', { id: 'retry', disabled: !(t.state === 'failed' || t.state === 'cancelled'), text: 'Retry',
                onclick: () => run(() => act(path + 'retry'), () => 'Task ' + t.id + ' is back in its queue', reload) }),
            el('span', {}, priority, ' ', el('button', { id: 'set-priority', disabled: !waiting, text: 'Set priority',
                onclick: () => run(() => act(path + 'priority', { priority: Number(priority.value) }), () => 'Priority set', reload) })),
            el('button', { id: 'delete', class: 'danger', disabled: t.state === 'running', text: 'Delete',
                onclick: async () => {
                    if (await confirmed('Delete task ' + t.id + ' (' + t.task + ') for good? It will not run, and no outcome is kept.')) {
                        run(() => act(path + 'delete'), () => 'Deleted task ' + t.id, () => { location.hash = '#/tasks'; });
                    }
                } }));
        box.replaceChildren(...[
            el('h2', { text: 'Task ' + t.id }),
            actions,
            el('dl', { class: 'task' }, rows.flatMap(([name, value]) => [el('dt', { text: name }), el('dd', {}, value)])),
            el('h2', { text: 'Arguments' }), el('pre', { id: 'arguments', text: t.arguments || '' }),
            t.error ? el('h2', { text: 'Error' }) : null, t.error ? el('pre', { id: 'error', text: t.error }) : null,
            t.result ? el('h2', { text: 'Result' }) : null, t.result ? el('pre', { id: 'result', text: t.result }) : null
        ].filter(node => node !== null));
    }

    // ---- nodes ----

    async function nodes() {
        const table = el('table', { id: 'nodes' });
        show(el('h2', { text: 'Nodes working now' }), table);
        const load = async () => {
            try {
                const list = (await get('nodes')).nodes;
                const head = el('tr', {}, ['Node', 'Serves', 'Slots', 'Busy', 'Holding', 'Started', 'Seen']
                    .map((h, i) => el('th', { class: i >= 2 && i <= 4 ? 'number' : null, text: h })));
                table.replaceChildren(head, ...list.map(n => el('tr', { 'data-node': n.node },
                    el('td', {}, el('a', { href: '#/tasks?state=running', text: n.node })),
                    el('td', { text: n.queues }),
                    el('td', { class: 'number', text: n.slots }),
                    el('td', { class: 'number', text: n.busy }),
                    el('td', { class: 'number', text: n.holding }),
                    el('td', { text: time(n.startedAt) }),
                    el('td', { text: age(n.seenAt) + ' ago' }))));
                if (!list.length) {
                    table.append(el('tr', {}, el('td', { colspan: '7', class: 'muted', text: 'No node works now.' })));
                }
                say('Updated ' + new Date().toLocaleTimeString());
            } catch (e) {
                say(e.message, true);
            }
        };
        await load();
        every(5000, load);
    }

    // ---- routing ----

    function route() {
        stop();
        const hash = location.hash || '#/queues';
        const [path, search] = hash.substring(1).split('?');
        const params = new URLSearchParams(search || '');
        document.querySelectorAll('nav a').forEach(a => a.classList.toggle('current', hash.startsWith(a.getAttribute('href'))));
        if (path.startsWith('/task/')) {
            task(path.substring('/task/'.length));
        } else if (path === '/nodes') {
            chart = null;
            nodes();
        } else if (path === '/tasks') {
            chart = null;
            tasks(params);
        } else {
            chart = null;
            queues();
        }
    }

    window.addEventListener('hashchange', route);
    route();
}());
