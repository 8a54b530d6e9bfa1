'use strict';

/*
 * The support page. It reads one aggregate through the read API of its own origin: the current state, a time
 * line of its events a page at a time (each with the state after it and the change, from the events route with
 * states=true), its rejected submissions placed where they happened, and the state as of any version or instant.
 * From an opened version it reverses that event through the ingest's reversal route of the same origin: a dry
 * run first, then the reversal, followed through the read API until the job has stored or refused it.
 * No framework and no network but the API of its own origin, so it works offline.
 */
(function () {
  const PAGE_SIZE = 50;
  /** Rejections come in time order; they are fetched only as far as the page shown needs. */
  const REJECTIONS_PER_REQUEST = 1000;
  const REVERSAL = 'backbone.Reversal';
  const REVERSION = 'backbone.Reversion';
  /** How long a confirmed reversal is followed through /submissions before the page stops waiting. */
  const FOLLOW_MILLIS = 60000;
  const FOLLOW_EVERY_MILLIS = 400;
  /** Whatever stands before /support in the address (an API stage) stands before the API's routes too. */
  const PREFIX = (/^(.*?)\/support(?:\/|$)/.exec(window.location.pathname) || [null, ''])[1];

  /** A JSON number whose digits a JavaScript number would change (100.50, 1E+2, big integers). */
  class JsonNumber {
    constructor(text) {
      this.text = text;
    }

    toString() {
      return this.text;
    }
  }

  /** Parses JSON keeping each number's digits where a plain number would lose them. */
  function parseJson(text) {
    return JSON.parse(text, function (key, value, context) {
      if (typeof value === 'number' && context && typeof context.source === 'string'
          && context.source !== String(value)) {
        return new JsonNumber(context.source);
      }
      return value;
    });
  }

  /** JSON text of a value, numbers with their own digits. */
  function jsonText(value, indent) {
    return JSON.stringify(value, function (key, v) {
      if (v instanceof JsonNumber) {
        return typeof JSON.rawJSON === 'function' ? JSON.rawJSON(v.text) : Number(v.text);
      }
      return v;
    }, indent);
  }

  const $ = (id) => document.getElementById(id);

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === undefined || value === null || value === false) {
        continue;
      }
      if (name === 'class') {
        node.className = value;
      } else if (name === 'text') {
        node.textContent = value;
      } else {
        node.setAttribute(name, value === true ? '' : String(value));
      }
    }
    for (const child of children) {
      if (child !== null && child !== undefined) {
        node.append(child instanceof Node ? child : String(child));
      }
    }
    return node;
  }

  // ------------------------------------------------------------------ the read API

  /** The answer's JSON body, or null when it has none or it is not JSON (a gateway's own page, say). */
  async function bodyOf(response) {
    const text = await response.text();
    try {
      return text ? parseJson(text) : null;
    } catch (e) {
      return null;
    }
  }

  async function api(path) {
    const response = await fetch(PREFIX + path, { headers: { Accept: 'application/json' }, cache: 'no-store' });
    const body = await bodyOf(response);
    if (!response.ok) {
      const detail = body && (body.detail || body.title);
      const error = new Error(detail || 'The read API answered ' + response.status + '.');
      error.status = response.status;
      throw error;
    }
    return body;
  }

  /** A POST to the ingest's routes: the answer's status and body, whatever the status (409 is an answer too). */
  async function post(path, body, key) {
    const response = await fetch(PREFIX + path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'Idempotency-Key': key },
      body: JSON.stringify(body),
      cache: 'no-store',
    });
    return { status: response.status, body: (await bodyOf(response)) || {} };
  }

  /** A fresh Idempotency-Key: one per previewed reversal, so that a confirmation sent twice appends it once. */
  function newKey() {
    if (window.crypto && typeof window.crypto.randomUUID === 'function') {
      return window.crypto.randomUUID();
    }
    const bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  const enc = encodeURIComponent;

  // ------------------------------------------------------------------ addresses

  function aggregatePath(id) {
    return PREFIX + '/support/aggregates/' + enc(id);
  }

  function versionPath(id, version) {
    return aggregatePath(id) + '?version=' + enc(version);
  }

  function atPath(id, at) {
    return aggregatePath(id) + '?at=' + enc(at);
  }

  function absolute(path) {
    return new URL(path, window.location.href).href;
  }

  function setLink(anchor, path) {
    anchor.href = path;
    anchor.textContent = absolute(path);
  }

  // ------------------------------------------------------------------ JSON with its changes marked

  const MARK_WORDS = { added: 'added', removed: 'removed', changed: 'changed' };

  /** Which members a change touches, on the side shown: added and changed after, removed and changed before. */
  function marksFor(change, side) {
    const marks = new Map();
    for (const op of change || []) {
      if (op.op === 'replace') {
        marks.set(op.path, 'changed');
      } else if (op.op === 'add' && side === 'after') {
        marks.set(op.path, 'added');
      } else if (op.op === 'remove' && side === 'before') {
        marks.set(op.path, 'removed');
      }
    }
    return marks;
  }

  /** JSON as an indented block, the members a change touched marked; a block that scrolls takes the focus by itself. */
  function jsonBlock(value, marks) {
    const pre = el('pre', { class: 'json' });
    const all = marks || new Map();
    if (all.has('')) {
      const mark = markElement(all.get(''));
      pre.append(mark);
      writeJson(mark, value, new Map(), '', '');
    } else {
      writeJson(pre, value, all, '', '');
    }
    return pre;
  }

  function markElement(kind) {
    return el('mark', { class: 'mark-' + kind, title: MARK_WORDS[kind] },
      el('span', { class: 'visually-hidden', text: MARK_WORDS[kind] + ': ' }));
  }

  function escapePointer(key) {
    return String(key).replace(/~/g, '~0').replace(/\//g, '~1');
  }

  function writeJson(parent, value, marks, pointer, indent) {
    if (value === null || value === undefined) {
      parent.append(el('span', { class: 'j-null', text: 'null' }));
    } else if (value instanceof JsonNumber || typeof value === 'number') {
      parent.append(el('span', { class: 'j-num', text: String(value) }));
    } else if (typeof value === 'string') {
      parent.append(el('span', { class: 'j-str', text: JSON.stringify(value) }));
    } else if (typeof value === 'boolean') {
      parent.append(el('span', { class: 'j-bool', text: String(value) }));
    } else {
      const isArray = Array.isArray(value);
      const keys = isArray ? value.map((_, i) => i) : Object.keys(value);
      if (keys.length === 0) {
        parent.append(isArray ? '[]' : '{}');
        return;
      }
      const inner = indent + '  ';
      parent.append(isArray ? '[' : '{');
      keys.forEach((key, n) => {
        parent.append('\n' + inner);
        const child = pointer + '/' + escapePointer(key);
        const kind = marks.get(child);
        let target = parent;
        if (kind) {
          target = markElement(kind);
          parent.append(target);
        }
        if (!isArray) {
          target.append(el('span', { class: 'j-key', text: JSON.stringify(String(key)) }), ': ');
        }
        writeJson(target, value[key], marks, child, inner);
        if (n < keys.length - 1) {
          parent.append(',');
        }
      });
      parent.append('\n' + indent + (isArray ? ']' : '}'));
    }
  }

  /** The value at a JSON Pointer, or undefined. */
  function lookup(doc, pointer) {
    if (pointer === '') {
      return doc;
    }
    let node = doc;
    for (const raw of pointer.split('/').slice(1)) {
      const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      if (node === null || typeof node !== 'object' || node instanceof JsonNumber
          || !Object.prototype.hasOwnProperty.call(node, key)) {
        return undefined;
      }
      node = node[key];
    }
    return node;
  }

  function inlineJson(value) {
    let text = value === undefined ? '(not known)' : jsonText(value);
    if (text.length > 300) {
      text = text.slice(0, 300) + '…';
    }
    return el('code', { class: 'j-inline', text: text });
  }

  /** The change as a list: what was added, removed, or changed from what to what. */
  function changeList(list, change, before) {
    list.replaceChildren();
    if (!change || change.length === 0) {
      list.append(el('li', { class: 'no-change', text: 'Nothing changed in the state.' }));
      return list;
    }
    for (const op of change) {
      const path = el('code', { class: 'path', text: op.path === '' ? '(the whole state)' : op.path });
      if (op.op === 'add') {
        list.append(el('li', { class: 'change-added' },
          el('span', { class: 'op', text: 'added' }), ' ', path, ' = ', inlineJson(op.value)));
      } else if (op.op === 'remove') {
        list.append(el('li', { class: 'change-removed' },
          el('span', { class: 'op', text: 'removed' }), ' ', path, ', was ', inlineJson(lookup(before, op.path))));
      } else {
        list.append(el('li', { class: 'change-changed' },
          el('span', { class: 'op', text: 'changed' }), ' ', path, ': ', inlineJson(lookup(before, op.path)),
          ' → ', inlineJson(op.value)));
      }
    }
    return list;
  }

  function facts(list, pairs) {
    list.replaceChildren();
    for (const [name, value] of pairs) {
      if (value !== undefined && value !== null && value !== '') {
        list.append(el('dt', { text: name }), el('dd', { text: String(value) }));
      }
    }
    return list;
  }

  function eventFacts(event) {
    const metadata = event.metadata && typeof event.metadata === 'object' ? event.metadata : {};
    return [
      ['Recorded at', event.recordedAt],
      ['Occurred at', event.occurredAt],
      ['Event id', event.eventId],
      ['Actor', typeof metadata.actor === 'object' ? jsonText(metadata.actor) : metadata.actor],
      ['Correlation id', metadata.correlationId],
      ['Causation id', metadata.causationId],
      ['Expected version', event.expectedVersion],
    ];
  }

  // ------------------------------------------------------------------ what is shown

  let view = null;
  /** Bumped by each navigation, so that an answer arriving after a newer request is dropped. */
  let generation = 0;
  /** Bumped by each page asked for, so that only the page asked for last is shown. */
  let pageRequest = 0;

  function freshView(id) {
    return {
      id: id,
      current: null,
      pageFrom: null,
      atEnd: false,
      openVersion: null,
      /** The opened version's event: what the reverse form reverses. */
      openEvent: null,
      /** Reversed version to the reversal that took it back, for every reversal on a page seen so far. */
      reversedBy: new Map(),
      /** The previewed reversal: its request and Idempotency-Key, until confirmed or cancelled. */
      reversal: null,
      rejections: [],
      rejectionsNext: null,
      rejectionsDone: false,
    };
  }

  function say(text) {
    $('status').textContent = text;
  }

  function problem(text) {
    const p = $('problem');
    p.textContent = text || '';
    p.hidden = !text;
  }

  function hideAll() {
    for (const id of ['current', 'parked', 'as-of', 'detail', 'timeline']) {
      $(id).hidden = true;
    }
  }

  async function showAggregate(id, target) {
    const mine = ++generation;
    view = freshView(id);
    $('aggregate-id').value = id;
    document.title = id + ' · aggregate history';
    hideAll();
    problem('');
    say('Loading ' + id + '…');
    let current;
    try {
      current = await api('/aggregates/' + enc(id));
    } catch (e) {
      if (mine !== generation) {
        return;
      }
      if (e.status === 404) {
        await showRefusedOnly(id, e.message, mine);
        return;
      }
      say('');
      problem(e.message);
      return;
    }
    if (mine !== generation) {
      return;
    }
    view.current = current;
    renderCurrent(current);
    await showParked(id, mine);
    $('as-of').hidden = false;
    $('as-of-version').max = current.version;
    try {
      if (target.version !== null) {
        await openVersion(target.version, false);
      } else if (target.at !== null) {
        await openAt(target.at, false);
      } else {
        await showPage(newestFrom(), null);
      }
    } catch (e) {
      if (mine === generation) {
        say('');
        problem(e.message);
        // The aggregate exists: its newest events stay in view beside what the address asked for wrongly.
        await showPage(newestFrom(), null).catch(() => undefined);
      }
    }
  }

  /** The aggregate's parked effects, each with its reason and a re-send button; hidden when there are none. */
  async function showParked(id, mine) {
    let body;
    try {
      body = await api('/aggregates/' + enc(id) + '/parked-effects');
    } catch (e) {
      // An API without the route (an older stack) shows no parked effects rather than failing the page.
      return;
    }
    if (mine !== generation) {
      return;
    }
    const list = $('parked-effects');
    list.replaceChildren(...body.parkedEffects.map(parkedItem));
    $('parked-status').textContent = '';
    $('parked').hidden = body.parkedEffects.length === 0;
  }

  function parkedItem(parked) {
    const button = el('button', { type: 'button', class: 'resend', text: 'Re-send' });
    button.dataset.effectKey = parked.effectKey;
    const item = el('li', { class: 'parked-effect' },
      el('p', { class: 'refusal', text: 'To ' + parked.target + ' for version ' + parked.version + ': ' + parked.reason }),
      facts(el('dl', { class: 'facts' }), [['Idempotency-Key', parked.effectKey], ['Event id', parked.eventId],
        ['Parked at', parked.parkedAt], ['Attempts', parked.attempts]]),
      jsonBlock(parked.message, null),
      el('p', { class: 'actions' }, button));
    return item;
  }

  /** Re-sends a parked effect: only the local stack and ./run-local.sh support --resend serve the route. */
  async function resend(button) {
    button.disabled = true;
    const answer = await post('/aggregates/' + enc(view.id) + '/parked-effects/' + enc(button.dataset.effectKey)
      + '/resend', {}, button.dataset.effectKey);
    if (answer.status === 202) {
      $('parked-status').textContent = 'Re-sent ' + button.dataset.effectKey + ' to ' + answer.body.target
        + '; the gateway delivers it with the same key.';
      button.closest('li').remove();
      return;
    }
    button.disabled = false;
    $('parked-status').textContent = answer.status === 403 || answer.status === 404 || answer.status === 405
      ? (answer.body.detail || 'Re-sending is served by ./run-local.sh and ./run-local.sh support --resend only.')
      : 'The re-send failed (' + answer.status + '): ' + (answer.body.detail || answer.body.title || '');
  }

  /** An aggregate with no event can still have had every submission rejected. */
  async function showRefusedOnly(id, notFound, mine) {
    try {
      await fetchRejectionsUntil(null);
    } catch (e) {
      view.rejections = [];
    }
    if (mine !== generation) {
      return;
    }
    say('');
    problem(notFound);
    if (view.rejections.length > 0) {
      view.pageFrom = 1;
      view.atEnd = true;
      renderTimeline([], view.rejections, 1);
    }
  }

  function renderCurrent(current) {
    facts($('current-facts'), [
      ['Aggregate id', current.aggregateId],
      ['Aggregate type', current.aggregateType],
      ['Version', current.version],
      ['Updated at', current.updatedAt],
      ['Last event id', current.lastEventId],
      ['Logic generation', current.generation],
      ['Logic failure', current.logicFailure ? jsonText(current.logicFailure) : null],
    ]);
    $('current-state').replaceChildren(jsonBlock(current.state, null));
    setLink($('aggregate-link'), aggregatePath(current.aggregateId));
    $('current').hidden = false;
  }

  function newestFrom() {
    return Math.max(1, view.current.version - PAGE_SIZE + 1);
  }

  /** The page that shows {@code version} with some of the events before it. */
  function pageAround(version) {
    return Math.max(1, Math.min(version - Math.floor(PAGE_SIZE / 2), newestFrom()));
  }

  async function fetchRejectionsUntil(untilMillis) {
    while (!view.rejectionsDone) {
      const known = view.rejections;
      if (untilMillis !== null && known.length > 0 && known[known.length - 1].time >= untilMillis) {
        return;
      }
      const body = await api(view.rejectionsNext
        || '/aggregates/' + enc(view.id) + '/rejections?limit=' + REJECTIONS_PER_REQUEST);
      for (const r of body.rejections) {
        r.time = Date.parse(r.rejectedAt);
        known.push(r);
      }
      view.rejectionsNext = body.next || null;
      view.rejectionsDone = !body.next;
    }
  }

  /**
   * Shows versions from {@code from} on, a page of them: the event before the page is read too, for the change
   * of the first one and for the time from which rejections belong here, and the event after it, for the time
   * until which they do.
   */
  async function showPage(from, focusVersion) {
    const mine = generation;
    const request = ++pageRequest;
    const first = Math.max(1, from);
    const readFrom = Math.max(1, first - 1);
    const limit = PAGE_SIZE + 1 + (first - readFrom);
    say('Loading versions from ' + first + '…');
    const body = await api('/aggregates/' + enc(view.id) + '/events?fromVersion=' + readFrom + '&limit=' + limit
      + '&states=true');
    if (mine !== generation || request !== pageRequest) {
      return;
    }
    const events = body.events.slice();
    const previous = readFrom < first && events.length > 0 && events[0].version === readFrom ? events.shift() : null;
    const shown = events.slice(0, PAGE_SIZE);
    const following = events.length > PAGE_SIZE ? events[PAGE_SIZE] : null;
    const atEnd = !following && !body.next;
    const start = previous ? Date.parse(previous.recordedAt)
      : first === 1 || shown.length === 0 ? null : Date.parse(shown[0].recordedAt);
    const end = following ? Date.parse(following.recordedAt)
      : atEnd || shown.length === 0 ? null : Date.parse(shown[shown.length - 1].recordedAt);
    await fetchRejectionsUntil(end);
    if (mine !== generation || request !== pageRequest) {
      return;
    }
    const rejections = view.rejections.filter((r) => (start === null || r.time >= start) && (end === null || r.time < end));
    view.pageFrom = first;
    view.atEnd = atEnd;
    renderTimeline(shown, rejections, first, previous ? previous.stateAfter : {});
    const last = shown.length > 0 ? shown[shown.length - 1].version : first - 1;
    say(shown.length > 0 ? 'Showing versions ' + first + ' to ' + last + ' of ' + view.current.version + '.'
      : 'No events from version ' + first + ' on.');
    if (focusVersion !== null) {
      const item = $('version-' + focusVersion);
      if (item) {
        item.scrollIntoView({ block: 'nearest' });
      }
    }
  }

  /** Remembers which versions the reversals among {@code events} take back, for links both ways. */
  function noteReversals(events) {
    for (const event of events) {
      if (event.type === REVERSAL && event.data && event.data.reversedVersion !== undefined) {
        view.reversedBy.set(Number(String(event.data.reversedVersion)),
          { version: event.version, eventId: event.eventId, type: event.type });
      }
    }
  }

  /** The lines linking a reversal or reversion to the version it acts on, and an event to its reversal. */
  function reversalLinks(event) {
    const lines = [];
    if (event.type === REVERSAL && event.data && event.data.reversedVersion !== undefined) {
      const target = String(event.data.reversedVersion);
      lines.push(['Reverses version ' + target + (event.data.reversedType ? ' (' + event.data.reversedType + ')' : ''),
        target, event.data.reason]);
    }
    if (event.type === REVERSION && event.data && event.data.toVersion !== undefined) {
      const target = String(event.data.toVersion);
      lines.push(['Sets the state back to version ' + target, target, event.data.reason]);
    }
    const by = view.reversedBy.get(Number(event.version));
    if (by) {
      lines.push(['Reversed by version ' + by.version, String(by.version), null]);
    }
    return lines.map(([text, version, reason]) => el('span', { class: 'reversal-link' },
      el('a', { href: versionPath(view.id, version), 'data-open-version': version, text: text }),
      reason ? ' · reason: ' + reason : null));
  }

  function renderTimeline(events, rejections, first, stateBeforePage) {
    noteReversals(events);
    const list = $('events');
    list.replaceChildren();
    let r = 0;
    let before = stateBeforePage || {};
    for (const event of events) {
      const at = Date.parse(event.recordedAt);
      while (r < rejections.length && rejections[r].time < at) {
        list.append(rejectionItem(rejections[r++]));
      }
      list.append(eventItem(event, before));
      before = event.stateAfter;
    }
    while (r < rejections.length) {
      list.append(rejectionItem(rejections[r++]));
    }
    const total = view.current ? view.current.version : 0;
    const last = events.length > 0 ? events[events.length - 1].version : first - 1;
    $('page-range').textContent = events.length > 0
      ? 'Versions ' + first + '–' + last + ' of ' + total : 'No events on this page';
    $('oldest-page').disabled = first <= 1;
    $('earlier-page').disabled = first <= 1;
    $('later-page').disabled = view.atEnd;
    $('newest-page').disabled = view.atEnd;
    markOpenVersion();
    $('timeline').hidden = false;
  }

  function eventItem(event, before) {
    const v = event.version;
    const titleId = 'version-' + v + '-title';
    const heading = el('h3', { id: titleId }, 'Version ' + v + ' · ' + event.type);
    if (event.refusal) {
      heading.append(' ', el('span', { class: 'badge refused', text: 'refused' }));
    }
    if (event.logicFailure) {
      heading.append(' ', el('span', { class: 'badge failed', text: 'logic failed' }));
    }
    const article = el('article', { 'aria-labelledby': titleId }, heading);
    if (event.refusal) {
      article.append(el('p', { class: 'refusal' }, 'Refused by the rules of ' + event.aggregateType + ': '
        + (event.refusal.reason || 'no reason given') + '. The event is stored; its effect was not applied.'));
    }
    if (event.logicFailure) {
      article.append(el('p', { class: 'failure', text: 'The logic failed on this event: '
        + (event.logicFailure.message || event.logicFailure.exception || jsonText(event.logicFailure)) }));
    }
    const links = reversalLinks(event);
    if (links.length > 0) {
      article.append(el('p', { class: 'reversal-links' }, ...links));
    }
    const what = el('div', { class: 'event-what' },
      facts(el('dl', { class: 'facts' }), eventFacts(event)),
      el('h4', { text: 'Data' }), jsonBlock(event.data, null));
    if (event.metadata) {
      what.append(el('details', { class: 'metadata' }, el('summary', { text: 'Metadata' }),
        jsonBlock(event.metadata, null)));
    }
    const effect = el('div', { class: 'event-effect' },
      el('h4', { text: 'What changed' }), changeList(el('ul', { class: 'changes' }), event.change, before),
      el('details', { class: 'state-after' }, el('summary', { text: 'State after version ' + v }),
        jsonBlock(event.stateAfter, marksFor(event.change, 'after'))));
    article.append(el('div', { class: 'event-body' }, what, effect));
    article.append(el('p', { class: 'actions' },
      el('button', { type: 'button', class: 'open-version', 'data-version': v, text: 'Open version ' + v }), ' ',
      el('a', { href: versionPath(view.id, v), class: 'version-link', text: 'Link to version ' + v })));
    const kind = event.type === REVERSAL || event.type === REVERSION ? ' reversal' : '';
    return el('li', { class: 'event' + kind + (event.refusal ? ' refused' : '') + (event.logicFailure ? ' failed' : ''),
      id: 'version-' + v, 'data-version': v }, article);
  }

  function rejectionItem(rejection) {
    const titleId = 'rejection-' + rejection.rejectionId.replace(/[^A-Za-z0-9_-]/g, '_') + '-title';
    const article = el('article', { 'aria-labelledby': titleId },
      el('h3', { id: titleId }, 'Rejected submission · ' + rejection.reason, ' ',
        el('span', { class: 'badge rejected', text: 'rejected' })),
      el('p', { class: 'rejection-detail', text: rejection.detail }),
      facts(el('dl', { class: 'facts' }), [
        ['Rejected at', rejection.rejectedAt],
        ['Event id', rejection.eventId],
        ['Stream position', rejection.source],
        ['Payload bytes', rejection.payloadBytes],
      ]));
    if (rejection.payload !== undefined) {
      article.append(el('details', {}, el('summary', { text: 'Submitted payload' }),
        jsonBlock(rejection.payload, null)));
    } else if (rejection.payloadBase64 !== undefined) {
      article.append(el('details', {}, el('summary', { text: 'Submitted payload (base64)' }),
        el('pre', { class: 'json', text: rejection.payloadBase64 })));
    }
    return el('li', { class: 'rejection' }, article);
  }

  function markOpenVersion() {
    for (const item of $('events').querySelectorAll('li.event')) {
      const open = view.openVersion !== null && Number(item.dataset.version) === view.openVersion;
      item.classList.toggle('open', open);
      if (open) {
        item.setAttribute('aria-current', 'true');
      } else {
        item.removeAttribute('aria-current');
      }
    }
  }

  // ------------------------------------------------------------------ one version

  async function openVersion(version, remember) {
    const mine = generation;
    say('Loading version ' + version + '…');
    const body = await api('/aggregates/' + enc(view.id) + '/events/' + enc(version));
    if (mine !== generation) {
      return;
    }
    const v = body.event.version;
    renderDetail('State as of version ' + v, body, null);
    setLink($('version-link'), versionPath(view.id, v));
    if (remember) {
      history.pushState(null, '', versionPath(view.id, v));
    }
    await showPage(pageAround(v), v);
    $('detail-title').focus();
  }

  async function openAt(at, remember) {
    const mine = generation;
    say('Loading the state as of ' + at + '…');
    const asOf = await api('/aggregates/' + enc(view.id) + '?at=' + enc(at));
    const body = await api('/aggregates/' + enc(view.id) + '/events/' + asOf.version);
    if (mine !== generation) {
      return;
    }
    renderDetail('State as of ' + at, body, 'Version ' + asOf.version + ' is the last event recorded before ' + at + '.');
    setLink($('version-link'), atPath(view.id, at));
    if (remember) {
      history.pushState(null, '', atPath(view.id, at));
    }
    await showPage(pageAround(asOf.version), asOf.version);
    $('detail-title').focus();
  }

  function renderDetail(title, body, summary) {
    const event = body.event;
    view.openVersion = event.version;
    $('detail-title').textContent = title;
    const refusal = body.refusal
      ? ' Refused by the rules of ' + event.aggregateType + ': ' + body.refusal.reason + '.' : '';
    $('detail-summary').textContent = (summary ? summary + ' ' : '')
      + 'Version ' + event.version + ' is a ' + event.type + ' event.' + refusal;
    $('detail-summary').className = body.refusal ? 'refusal' : '';
    facts($('detail-facts'), [['Version', event.version], ['Type', event.type]].concat(eventFacts(event)));
    changeList($('detail-change'), body.change, body.stateBefore);
    $('detail-before-title').textContent = 'State before version ' + event.version;
    $('detail-after-title').textContent = 'State after version ' + event.version;
    $('detail-before').replaceChildren(jsonBlock(body.stateBefore, marksFor(body.change, 'before')));
    $('detail-after').replaceChildren(jsonBlock(body.stateAfter, marksFor(body.change, 'after')));
    $('detail-external-answers').replaceChildren(event.external ? jsonBlock(event.external, null) : '');
    $('detail-external').hidden = !event.external;
    $('detail-effects-list').replaceChildren(event.effects ? jsonBlock(event.effects, null) : '');
    $('detail-effects').hidden = !event.effects;
    if (!view.openEvent || view.openEvent.version !== event.version) {
      resetReversal();
      // A reason is given for one event: opening another starts the form afresh (who asks stays).
      $('reverse-reason').value = '';
    }
    view.openEvent = event;
    $('reverse-title').textContent = 'Reverse version ' + event.version;
    renderDetailLinks();
    $('detail').hidden = false;
  }

  function renderDetailLinks() {
    const links = view.openEvent ? reversalLinks(view.openEvent) : [];
    $('detail-reversals').replaceChildren(...links);
    $('detail-reversals').hidden = links.length === 0;
  }

  // ------------------------------------------------------------------ reversing the opened version

  function resetReversal() {
    view.reversal = null;
    $('reverse-result').hidden = true;
    $('reverse-preview-detail').hidden = true;
    $('reverse-conflicts').hidden = true;
    $('reverse-summary').textContent = '';
    $('reverse-preview').disabled = false;
  }

  function reversalsPath() {
    return '/aggregates/' + enc(view.id) + '/reversals';
  }

  function reversalSummary(text) {
    $('reverse-summary').textContent = text;
    $('reverse-result').hidden = false;
  }

  /** The dry run: what appending the reversal would change, or why it cannot be appended. */
  async function previewReversal() {
    const event = view.openEvent;
    const reason = $('reverse-reason').value.trim();
    if (!event || !reason) {
      return;
    }
    const actor = $('reverse-actor').value.trim();
    const request = { version: event.version, reason: reason };
    if (actor) {
      request.actor = actor;
    }
    const reversal = { request: request, key: newKey(), target: event.version };
    view.reversal = reversal;
    $('reverse-preview-detail').hidden = true;
    $('reverse-conflicts').hidden = true;
    reversalSummary('Previewing the reversal of version ' + event.version + '…');
    const answer = await post(reversalsPath() + '?dryRun=true', request, reversal.key);
    if (view.reversal !== reversal) {
      return;
    }
    if (answer.status !== 200) {
      refusedReversal(answer);
      return;
    }
    const preview = answer.body;
    reversalSummary('Appending the reversal as version ' + preview.version + ' (after version '
      + preview.expectedVersion + ', the latest) would change the state as shown.'
      + (preview.refused ? ' The rules of ' + preview.aggregateType + ' would refuse its effect: it would be stored'
        + ' and recorded as refused, and the state would not change.' : '')
      + (preview.logicFailure ? ' The logic would fail on it: ' + (preview.logicFailure.message || '') : ''));
    changeList($('reverse-change'), preview.change, preview.stateBefore);
    $('reverse-state-title').textContent = 'State after the reversal (version ' + preview.version + ')';
    $('reverse-state').replaceChildren(jsonBlock(preview.state, marksFor(preview.change, 'after')));
    $('reverse-confirm').disabled = false;
    $('reverse-preview-detail').hidden = false;
    $('reverse-confirm').focus();
  }

  /** A 409 (conflict, already reversed, nothing to reverse) or any other problem, said with its links. */
  function refusedReversal(answer) {
    const body = answer.body;
    if (answer.status === 403 || answer.status === 405
        || (answer.status === 404 && !body.aggregateId && !/No aggregate/.test(body.detail || ''))) {
      reversalSummary('Reversals are not served here (the answer was ' + answer.status + '): start the page with'
        + ' ./run-local.sh support --stack NAME --reversals, or use POST ' + reversalsPath() + ' on the API.');
      return;
    }
    const said = body.detail || body.title || 'The ingest answered ' + answer.status + '.';
    reversalSummary(/nothing was written/i.test(said) ? said : said + ' Nothing was written.');
    const items = [];
    if (body.reversedBy) {
      items.push(el('li', {}, el('a', { href: versionPath(view.id, String(body.reversedBy.version)),
        'data-open-version': String(body.reversedBy.version),
        text: 'Reversed already by version ' + body.reversedBy.version + ' (' + body.reversedBy.type + ')' })));
    }
    for (const conflict of body.conflicts || []) {
      items.push(el('li', {}, el('a', { href: versionPath(view.id, String(conflict.version)),
        'data-open-version': String(conflict.version), text: 'Version ' + conflict.version }),
        ' changed ' + (conflict.fields || []).join(', ')));
    }
    $('reverse-conflicts').replaceChildren(...items);
    $('reverse-conflicts').hidden = items.length === 0;
  }

  /** Appends the previewed reversal, then follows it until the job has stored or refused it. */
  async function confirmReversal() {
    const reversal = view.reversal;
    if (!reversal) {
      return;
    }
    $('reverse-confirm').disabled = true;
    reversalSummary('Appending the reversal…');
    const answer = await post(reversalsPath(), reversal.request, reversal.key);
    if (view.reversal !== reversal) {
      return;
    }
    if (answer.status === 200 && answer.body.status === 'stored') {
      await reversalStored(reversal, Number(answer.body.version));
      return;
    }
    if (answer.status !== 202) {
      $('reverse-preview-detail').hidden = true;
      refusedReversal(answer);
      return;
    }
    const eventId = answer.body.eventId;
    reversalSummary('The reversal is in the stream as event ' + eventId + '; waiting for the job to store it…');
    const query = '?aggregateId=' + enc(view.id) + (answer.body.acceptedAt ? '&acceptedAt=' + enc(answer.body.acceptedAt) : '');
    const until = Date.now() + FOLLOW_MILLIS;
    while (Date.now() < until) {
      const fate = await api('/submissions/' + enc(eventId) + query);
      if (view.reversal !== reversal) {
        return;
      }
      if (fate.status === 'stored' || fate.status === 'duplicate') {
        await reversalStored(reversal, Number(fate.status === 'stored' ? fate.version : fate.duplicateOf.version));
        return;
      }
      if (fate.status === 'rejected') {
        $('reverse-preview-detail').hidden = true;
        reversalSummary('The job refused the reversal (' + fate.reason + '): ' + fate.detail
          + (fate.reason === 'VERSION_CONFLICT' ? ' Another event of the aggregate came first; preview again.' : ''));
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, FOLLOW_EVERY_MILLIS));
    }
    reversalSummary('The reversal (event ' + eventId + ') is not stored yet after ' + FOLLOW_MILLIS / 1000
      + ' s; follow it with GET /submissions/' + eventId + query + '.');
  }

  async function reversalStored(reversal, version) {
    $('reverse-preview-detail').hidden = true;
    $('reverse-reason').value = '';
    view.reversal = null;
    view.current = await api('/aggregates/' + enc(view.id));
    renderCurrent(view.current);
    $('as-of-version').max = view.current.version;
    await showPage(pageAround(version), version);
    renderDetailLinks();
    const summary = $('reverse-summary');
    summary.replaceChildren('Stored: version ' + reversal.target + ' is reversed by ',
      el('a', { href: versionPath(view.id, String(version)), 'data-open-version': String(version),
        id: 'reverse-stored-link', text: 'version ' + version }), '.');
    $('reverse-result').hidden = false;
  }

  // ------------------------------------------------------------------ addresses in, controls

  /** What the address asks for: an aggregate, and a version or an instant. */
  function fromAddress() {
    const match = /\/support\/aggregates\/([^/]+)$/.exec(window.location.pathname);
    if (!match) {
      return null;
    }
    const query = new URLSearchParams(window.location.search);
    return {
      id: decodeURIComponent(match[1]),
      version: query.has('version') ? query.get('version') : null,
      at: query.has('at') ? query.get('at') : null,
    };
  }

  function route() {
    const target = fromAddress();
    if (target) {
      showAggregate(target.id, target);
    } else {
      ++generation;
      view = null;
      hideAll();
      problem('');
      say('Type an aggregate id to see its history.');
    }
  }

  /** A control's action: nothing before an aggregate is shown; its failure is said in the alert line. */
  function guarded(action) {
    return function (event) {
      if (event) {
        event.preventDefault();
      }
      if (!view || !view.current) {
        return;
      }
      problem('');
      Promise.resolve().then(action).catch((e) => {
        say('');
        problem(e.message);
      });
    };
  }

  function onReady() {
    $('search-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const id = $('aggregate-id').value.trim();
      if (!id) {
        return;
      }
      history.pushState(null, '', aggregatePath(id));
      showAggregate(id, { version: null, at: null });
    });
    $('as-of-version-form').addEventListener('submit', guarded(() => openVersion($('as-of-version').value.trim(), true)));
    $('as-of-at-form').addEventListener('submit', guarded(() => openAt($('as-of-at').value.trim(), true)));
    $('oldest-page').addEventListener('click', guarded(() => showPage(1, null)));
    $('earlier-page').addEventListener('click', guarded(() => showPage(view.pageFrom - PAGE_SIZE, null)));
    $('later-page').addEventListener('click', guarded(() => showPage(view.pageFrom + PAGE_SIZE, null)));
    $('newest-page').addEventListener('click', guarded(() => showPage(newestFrom(), null)));
    $('close-detail').addEventListener('click', () => {
      view.openVersion = null;
      view.openEvent = null;
      resetReversal();
      $('detail').hidden = true;
      markOpenVersion();
      history.pushState(null, '', aggregatePath(view.id));
      $('timeline-title').focus();
    });
    $('events').addEventListener('click', (event) => {
      const button = event.target.closest('button.open-version');
      if (button) {
        guarded(() => openVersion(button.dataset.version, true))();
      }
    });
    // Links between a reversal and the version it takes back open that version in place (a plain link still
    // works in a new tab, or for a ticket).
    document.addEventListener('click', (event) => {
      const link = event.target.closest('a[data-open-version]');
      if (link && !event.ctrlKey && !event.metaKey && !event.shiftKey && event.button === 0) {
        event.preventDefault();
        guarded(() => openVersion(link.dataset.openVersion, true))();
      }
    });
    $('parked-effects').addEventListener('click', (event) => {
      const button = event.target.closest('button.resend');
      if (button) {
        guarded(() => resend(button))();
      }
    });
    $('reverse-form').addEventListener('submit', guarded(previewReversal));
    $('reverse-confirm').addEventListener('click', guarded(confirmReversal));
    $('reverse-cancel').addEventListener('click', () => {
      resetReversal();
      $('reverse-reason').focus();
    });
    window.addEventListener('popstate', route);
    route();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', onReady);
  } else {
    onReady();
  }
}());
