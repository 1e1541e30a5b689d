// Operator dashboard: one EventSource (the session cookie rides along), SVG charts with axes.
// Everything is written with textContent / setAttribute, never innerHTML.
'use strict';
(function () {
  var MAX_POINTS = 120;
  /** Charts span at least this many points, so the first seconds do not look like a flat dash. */
  var MIN_SPAN = 30;
  /** Seconds between samples (the server samples once a second). */
  var SAMPLE_S = 1;
  var samples = [];
  var $ = function (id) { return document.getElementById(id); };

  function fmtMs(v) { return v < 1 ? v.toFixed(2) + ' ms' : v.toFixed(1) + ' ms'; }
  function fmtBytes(v) {
    if (v >= 1048576) return (v / 1048576).toFixed(1) + ' MB';
    if (v >= 1024) return (v / 1024).toFixed(1) + ' KB';
    return Math.round(v) + ' B';
  }
  function fmtRate(bytesPerSec) { return (bytesPerSec * 8 / 1000).toFixed(0) + ' kbps'; }

  /** A round number at or above v (1, 2 or 5 times a power of ten). */
  function niceMax(v) {
    if (!(v > 0)) return 1;
    var p = Math.pow(10, Math.floor(Math.log10(v)));
    var steps = [1, 2, 5, 10];
    for (var i = 0; i < steps.length; i++) if (steps[i] * p >= v) return steps[i] * p;
    return 10 * p;
  }

  function svgEl(name, attrs, text) {
    var node = document.createElementNS('http://www.w3.org/2000/svg', name);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function ago(seconds) {
    return seconds >= 120 ? Math.round(seconds / 60) + ' min ago' : seconds + ' s ago';
  }

  /**
   * A chart with its axes: the value scale on the left (0, half, a round maximum, in the
   * card's unit), time along the bottom (how long ago to now), and a legend for two series.
   */
  function chart(id, series, fmt) {
    var svg = $(id);
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var W = Math.max(120, Math.round(svg.clientWidth));
    var H = Math.max(60, Math.round(svg.clientHeight));
    svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
    var L = 64, R = 8, T = 8, B = 20;
    var max = 0;
    series.forEach(function (s) { s.values.forEach(function (v) { if (v > max) max = v; }); });
    max = niceMax(max);
    var span = Math.max(MIN_SPAN, samples.length);
    var x = function (i, n) { return L + ((span - n + i) / (span - 1)) * (W - L - R); };
    var y = function (v) { return T + (1 - v / max) * (H - T - B); };
    [0, max / 2, max].forEach(function (v) {
      svg.appendChild(svgEl('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), class: 'grid' }));
      svg.appendChild(svgEl('text', { x: L - 6, y: y(v) + 4, class: 'axis', 'text-anchor': 'end' }, fmt(v)));
    });
    svg.appendChild(svgEl('text', { x: L, y: H - 4, class: 'axis', 'text-anchor': 'start' }, ago(span * SAMPLE_S)));
    svg.appendChild(svgEl('text', { x: W - R, y: H - 4, class: 'axis', 'text-anchor': 'end' }, 'now'));
    series.forEach(function (s, k) {
      var n = s.values.length;
      if (n > 0) {
        var points = s.values.map(function (v, i) { return x(i, n).toFixed(1) + ',' + y(v).toFixed(1); }).join(' ');
        svg.appendChild(svgEl('polyline', { points: points, class: s.cls }));
      }
      if (series.length > 1) svg.appendChild(svgEl('text', { x: L + 8 + k * 70, y: T + 12, class: 'legend ' + s.cls }, s.name));
    });
  }

  function pick(key) { return samples.map(function (s) { return s[key]; }); }

  function render() {
    var s = samples[samples.length - 1];
    if (!s) return;
    $('v-ccu').textContent = String(s.ccu);
    $('v-rooms').textContent = String(s.rooms);
    $('v-tick').textContent = fmtMs(s.tickMsP50) + ' / ' + fmtMs(s.tickMsP99);
    $('v-loop').textContent = fmtMs(s.eventLoopMsP99);
    $('v-bw').textContent = fmtRate(s.bytesOutPerSec) + ' / ' + fmtRate(s.bytesInPerSec);
    $('v-mem').textContent = Math.round(s.messagesInPerSec) + ' · ' + fmtBytes(s.rssBytes);
    var count = function (v) { return Number.isInteger(v) ? String(v) : v.toFixed(1); };
    chart('c-ccu', [{ values: pick('ccu'), cls: 'a', name: 'players' }], count);
    chart('c-rooms', [{ values: pick('rooms'), cls: 'a', name: 'rooms' }], count);
    chart('c-tick', [{ values: pick('tickMsP99'), cls: 'b', name: 'p99' }, { values: pick('tickMsP50'), cls: 'a', name: 'p50' }], fmtMs);
    chart('c-loop', [{ values: pick('eventLoopMsP99'), cls: 'b', name: 'p99' }], fmtMs);
    chart('c-bw', [{ values: pick('bytesOutPerSec'), cls: 'a', name: 'out' }, { values: pick('bytesInPerSec'), cls: 'b', name: 'in' }], fmtRate);
    chart('c-mem', [{ values: pick('rssBytes'), cls: 'a', name: 'RSS' }], fmtBytes);

    var body = $('room-rows');
    while (body.firstChild) body.removeChild(body.firstChild);
    s.roomList.forEach(function (r) {
      var tr = document.createElement('tr');
      [r.code, r.clients + ' / ' + r.maxClients, r.mapId, r.private ? 'private' : 'public', fmtMs(r.tickMsP99)].forEach(function (text) {
        var td = document.createElement('td');
        td.textContent = text;
        tr.appendChild(td);
      });
      var actions = document.createElement('td');
      actions.appendChild(button('Players', 'players-' + r.code, function () { showPlayers(r.code); }));
      actions.appendChild(button('Close', 'close-' + r.code, function () {
        if (confirm('End the match in ' + r.code + ' now and close the room?')) admin('POST', '/rooms/' + encodeURIComponent(r.code) + '/close');
      }));
      tr.appendChild(actions);
      body.appendChild(tr);
    });
    $('rooms-note').textContent = s.roomsNotListed > 0 ? '(' + s.roomsNotListed + ' more not listed)' : '';
  }

  // Moderation through the admin API. The token lives in this page's memory and goes only in the
  // X-Admin-Token header: a cross-site page cannot send that header (no CORS preflight is granted),
  // so these buttons cannot be driven by another site (CSRF-safe without a cookie).
  function button(label, id, onClick) {
    var b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.id = id;
    b.addEventListener('click', onClick);
    return b;
  }

  function admin(method, path, body) {
    var token = $('admin-token').value;
    var status = $('mod-status');
    if (!token) { status.textContent = 'Enter the admin token first.'; return Promise.resolve(undefined); }
    var headers = { 'x-admin-token': token };
    if (body !== undefined) headers['content-type'] = 'application/json';
    return fetch('/admin/api' + path, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'omit' })
      .then(function (res) {
        return res.json().then(function (json) {
          status.textContent = res.ok ? method + ' ' + path + ': done' : method + ' ' + path + ': ' + (json.error || res.status);
          return res.ok ? json : undefined;
        });
      }, function () { status.textContent = 'The admin API did not answer.'; return undefined; });
  }

  function showPlayers(code) {
    admin('GET', '/rooms/' + encodeURIComponent(code) + '/players').then(function (json) {
      var body = $('player-rows');
      while (body.firstChild) body.removeChild(body.firstChild);
      if (!json) return;
      json.players.forEach(function (p) {
        var tr = document.createElement('tr');
        [p.name, p.profileId || '(no profile)'].forEach(function (text) {
          var td = document.createElement('td');
          td.textContent = text;
          tr.appendChild(td);
        });
        var actions = document.createElement('td');
        if (p.profileId) {
          actions.appendChild(button('Kick', 'kick-' + p.profileId, function () { admin('POST', '/players/' + p.profileId + '/kick'); }));
          actions.appendChild(button('Ban', 'ban-' + p.profileId, function () {
            var reason = prompt('Reason for banning ' + p.name + ' (shown to the player):');
            if (reason) admin('POST', '/players/' + p.profileId + '/ban', { reason: reason });
          }));
        }
        tr.appendChild(actions);
        body.appendChild(tr);
      });
    });
  }

  function add(sample) {
    samples.push(sample);
    if (samples.length > MAX_POINTS) samples.shift();
  }

  var status = $('status');
  var events = new EventSource('/dashboard/events');
  events.addEventListener('history', function (e) {
    samples = [];
    JSON.parse(e.data).forEach(add);
    render();
  });
  events.addEventListener('sample', function (e) {
    add(JSON.parse(e.data));
    status.textContent = 'live';
    status.className = 'status live';
    render();
  });
  events.onerror = function () {
    status.textContent = 'disconnected, retrying…';
    status.className = 'status down';
  };
})();
