// Operator dashboard: one EventSource (the session cookie rides along), small SVG sparklines.
// Everything is written with textContent / setAttribute, never innerHTML.
'use strict';
(function () {
  var MAX_POINTS = 120;
  /** Charts span at least this many points, so the first seconds do not look like a flat dash. */
  var MIN_SPAN = 30;
  var samples = [];
  var $ = function (id) { return document.getElementById(id); };

  function fmtMs(v) { return v < 1 ? v.toFixed(2) + ' ms' : v.toFixed(1) + ' ms'; }
  function fmtBytes(v) {
    if (v >= 1048576) return (v / 1048576).toFixed(1) + ' MB';
    if (v >= 1024) return (v / 1024).toFixed(1) + ' KB';
    return Math.round(v) + ' B';
  }
  function fmtRate(bytesPerSec) { return (bytesPerSec * 8 / 1000).toFixed(0) + ' kbps'; }

  function spark(id, series) {
    var svg = $(id);
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var max = 0;
    series.forEach(function (s) { s.values.forEach(function (v) { if (v > max) max = v; }); });
    if (max <= 0) max = 1;
    series.forEach(function (s) {
      var n = s.values.length;
      if (n === 0) return;
      var span = Math.max(MIN_SPAN, samples.length);
      var points = s.values.map(function (v, i) {
        var x = ((span - n + i) / (span - 1)) * 120;
        return x.toFixed(1) + ',' + (29 - (v / max) * 27).toFixed(1);
      }).join(' ');
      var line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
      line.setAttribute('points', points);
      line.setAttribute('class', s.cls);
      svg.appendChild(line);
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
    spark('c-ccu', [{ values: pick('ccu'), cls: 'a' }]);
    spark('c-rooms', [{ values: pick('rooms'), cls: 'a' }]);
    spark('c-tick', [{ values: pick('tickMsP99'), cls: 'b' }, { values: pick('tickMsP50'), cls: 'a' }]);
    spark('c-loop', [{ values: pick('eventLoopMsP99'), cls: 'b' }]);
    spark('c-bw', [{ values: pick('bytesOutPerSec'), cls: 'a' }, { values: pick('bytesInPerSec'), cls: 'b' }]);
    spark('c-mem', [{ values: pick('rssBytes'), cls: 'a' }]);

    var body = $('room-rows');
    while (body.firstChild) body.removeChild(body.firstChild);
    s.roomList.forEach(function (r) {
      var tr = document.createElement('tr');
      [r.code, r.clients + ' / ' + r.maxClients, r.mapId, r.private ? 'private' : 'public', fmtMs(r.tickMsP99)].forEach(function (text) {
        var td = document.createElement('td');
        td.textContent = text;
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    $('rooms-note').textContent = s.roomsNotListed > 0 ? '(' + s.roomsNotListed + ' more not listed)' : '';
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
