// kiln dev's dashboard: the page is rendered by the server; this script only fills it from /live (Server-Sent Events)
// and answers clicks (a trace, a replay). No framework, no build step.
(function () {
  'use strict';
  const edges = Array.from(document.querySelectorAll('#topology .edge'));
  const nodes = new Map(Array.from(document.querySelectorAll('#topology .node')).map(n => [n.dataset.id, n]));
  const eventsBody = document.querySelector('#events tbody');
  const functionsBody = document.querySelector('#functions tbody');
  const lettersBody = document.querySelector('#dead-letters tbody');
  let previous = null;
  let lettersShown = null;

  function cell(tr, text, cls) {
    const td = document.createElement('td');
    td.textContent = text == null ? '' : String(text);
    if (cls) td.className = cls;
    tr.appendChild(td);
    return td;
  }

  function tone(outcome) {
    return outcome === 'delivered' ? 'ok'
      : outcome === 'dead-lettered' || outcome === 'in-flight' || outcome === 'unmatched' ? 'warn' : 'fail';
  }

  // Each edge's rate: the change of its counters since the last message.
  function rates(snapshot) {
    if (previous) {
      const seconds = Math.max(0.001, (snapshot.at - previous.at) / 1000);
      snapshot.edges.forEach((c, i) => {
        const before = previous.edges[i] || {count: 0, errors: 0};
        const rate = (c.count - before.count) / seconds;
        const errors = (c.errors - before.errors) / seconds;
        const g = edges[i];
        if (!g) return;
        g.querySelector('.rate').textContent = ' ' + rate.toFixed(1) + '/s' + (errors > 0 ? ' · ' + errors.toFixed(1) + ' err/s' : '');
        g.classList.toggle('busy', rate > 0);
        g.classList.toggle('failing', errors > 0);
      });
    }
    snapshot.edges.forEach((c, i) => { if (edges[i]) edges[i].dataset.total = c.count; });
    previous = snapshot;
  }

  function states(rows) {
    functionsBody.textContent = '';
    rows.forEach(r => {
      const id = r.kind + ' ' + r.namespace + '/' + r.name;
      const node = nodes.get(id);
      const cold = r.coldStarts;
      if (node) {
        const badge = node.querySelector('.badge');
        if (r.kind === 'Function') {
          const n = r.instances || 0;
          badge.textContent = n + (node.dataset.max ? '/' + node.dataset.max : '') + (n === 1 && !node.dataset.max ? ' instance' : ' instances')
            + (cold ? ' · cold ' + cold.medianMillis + ' ms' : '');
        } else {
          badge.textContent = r.ready === 'True' ? 'ready' : (r.reason || 'not ready');
        }
        badge.setAttribute('class', 'badge' + (r.ready === 'True' ? '' : ' fail'));
      }
      if (r.kind !== 'Function') return;
      const tr = document.createElement('tr');
      tr.dataset.id = id;
      cell(tr, r.namespace + '/' + r.name);
      cell(tr, r.ready === 'True' ? 'ready' : (r.reason || 'not ready'), r.ready === 'True' ? 'ok' : 'fail');
      cell(tr, r.instances);
      cell(tr, cold ? cold.medianMillis + ' ms' : '–');
      cell(tr, cold ? cold.p90Millis + ' ms' : '–');
      cell(tr, cold ? cold.lastMillis + ' ms' : '–');
      cell(tr, r.commit ? String(r.commit).substring(0, 12) : '');
      functionsBody.appendChild(tr);
    });
  }

  function events(list) {
    list.forEach(e => {
      let tr = eventsBody.querySelector('tr[data-seq="' + e.seq + '"]');
      if (!tr) {
        tr = document.createElement('tr');
        tr.className = 'event';
        tr.dataset.seq = e.seq;
        eventsBody.insertBefore(tr, eventsBody.firstChild);
      } else {
        tr.textContent = '';
      }
      tr.dataset.id = e.id || e.trace;
      cell(tr, e.at.substring(11, 23));
      cell(tr, e.id);
      cell(tr, e.type);
      cell(tr, e.resource);
      cell(tr, e.outcome, 'outcome ' + tone(e.outcome)).title = e.detail || '';
      cell(tr, (e.matched || []).join(', '));
      tr.onclick = () => trace(tr.dataset.id, tr);
    });
    while (eventsBody.children.length > 200) eventsBody.removeChild(eventsBody.lastChild);
  }

  // An event still in flight when it was listed is asked for again until its outcome is known.
  function refreshInFlight() {
    const pending = Array.from(eventsBody.querySelectorAll('tr.event'))
      .filter(tr => tr.children[4] && tr.children[4].textContent === 'in-flight');
    if (pending.length === 0) return;
    const oldest = Math.min.apply(null, pending.map(tr => Number(tr.dataset.seq)));
    fetch('/events?limit=200&after=' + (oldest - 1)).then(r => r.json())
      .then(body => events(body.events.filter(e => eventsBody.querySelector('tr[data-seq="' + e.seq + '"]'))));
  }

  function trace(id, row) {
    eventsBody.querySelectorAll('tr.selected').forEach(tr => tr.classList.remove('selected'));
    if (row) row.classList.add('selected');
    fetch('/trace/' + encodeURIComponent(id)).then(r => r.json()).then(body => {
      const section = document.getElementById('trace');
      const list = document.getElementById('trace-lines');
      document.getElementById('trace-id').textContent = id;
      list.textContent = '';
      section.hidden = false;
      if (body.error) {
        const li = document.createElement('li');
        li.textContent = body.error;
        list.appendChild(li);
        return;
      }
      body.journeys.forEach((j, k) => {
        if (body.journeys.length > 1) {
          const li = document.createElement('li');
          li.textContent = 'journey ' + (k + 1) + ' (trace ' + j.trace + ')';
          list.appendChild(li);
        }
        j.lines.forEach(l => {
          const li = document.createElement('li');
          li.className = 'step ' + l.tone;
          const at = document.createElement('span');
          at.className = 'at';
          at.textContent = '+' + l.at.toFixed(1) + ' ms';
          li.appendChild(at);
          li.appendChild(document.createTextNode('  '.repeat(l.depth) + l.text));
          list.appendChild(li);
        });
      });
    });
  }

  function letters() {
    fetch('/dead-letters').then(r => r.json()).then(list => {
      lettersBody.textContent = '';
      list.forEach(l => {
        const tr = document.createElement('tr');
        tr.dataset.id = l.id;
        cell(tr, l.id);
        cell(tr, l.broker);
        cell(tr, l.type);
        cell(tr, l.code, 'fail');
        cell(tr, l.destination);
        const button = document.createElement('button');
        button.textContent = 'Replay';
        button.className = 'replay';
        button.onclick = () => {
          button.disabled = true;
          fetch('/dead-letters/replay?id=' + encodeURIComponent(l.id), {method: 'POST'}).then(r => r.json()).then(body => {
            document.getElementById('replay-result').textContent = body.error ? 'replay failed: ' + body.error
              : 'replayed ' + body.id + ': the Broker answered ' + body.status;
            letters();
          });
        };
        tr.appendChild(document.createElement('td')).appendChild(button);
        lettersBody.appendChild(tr);
      });
    });
  }

  const connection = document.getElementById('connection');
  const source = new EventSource('/live');
  source.onopen = () => {
    connection.textContent = 'live';
    connection.className = 'live';
  };
  source.onerror = () => {
    connection.textContent = 'reconnecting…';
    connection.className = '';
  };
  source.onmessage = message => {
    const snapshot = JSON.parse(message.data);
    if (snapshot.digest !== document.getElementById('topology').dataset.digest) {
      location.reload(); // the manifests changed: the server draws the new graph
      return;
    }
    rates(snapshot);
    states(snapshot.states);
    if (snapshot.events) events(snapshot.events);
    refreshInFlight();
    const ids = JSON.stringify(snapshot.deadLetters);
    if (ids !== lettersShown) {
      lettersShown = ids;
      letters();
    }
  };
})();
