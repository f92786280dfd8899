/* The live map page: basemap, sites and gates, the channel to Python, commands, legend, tooltip. */
(function () {
  'use strict';
  const JMC = (window.JMC = window.JMC || {});
  const esc = (t) => JMC.symbols.escapeHtml(t);
  let map, store, layer, replay, config, tip, legend;
  let regionLabels = [];
  let attribution = null;
  let bridge = null;
  let focusId = null;
  let follow = false;
  let pendingApplyMs = null;
  let lastFollowed = null;
  let pendingFit = null;

  let clock = null;
  // hh:mm:ss in the console's time zone (Taipei), whatever the computer's own zone is
  JMC.clockText = function (ts) {
    if (!clock) {
      const timeZone = (config && config.timeZone) || undefined;
      clock = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    }
    return clock.format(new Date(ts * 1000));
  };

  // fitBounds on a map with no size yet (a view not shown, or being laid out) gives NaN and breaks
  // the map for good: do it once the map is bigger than the padding
  JMC.fit = function (bounds, options) {
    const size = map.getSize();
    if (size.x < 120 || size.y < 120) {
      pendingFit = [bounds, options];
      return;
    }
    pendingFit = null;
    map.fitBounds(bounds, { padding: [30, 30], animate: false, ...options });
  };

  JMC.start = function (fmap, geofences, gates, cfg) {
    map = fmap;
    config = cfg;
    JMC.lang.set(cfg.language || 'zh_TW');
    map.attributionControl.setPrefix(false);
    L.control.scale({ metric: true, imperial: false, position: 'bottomright' }).addTo(map);
    drawBasemap(cfg);
    labelSites(geofences, gates, cfg);
    store = new JMC.Store(cfg.trailSeconds);
    layer = new JMC.VehicleLayer(store, cfg).addTo(map);
    replay = new JMC.Replay(map, cfg);
    legend = new JMC.Legend(map, cfg.styles, cfg.conflict);
    showLanguage();
    tip = L.DomUtil.create('div', 'jmc-tip', map.getContainer());
    map.on('mousemove', onMove);
    map.on('mouseout', () => hideTip());
    map.on('click', (e) => JMC.clickAt(e.containerPoint.x, e.containerPoint.y));
    map.on('zoomend', updateZoomClasses);
    map.on('resize', () => pendingFit && JMC.fit(...pendingFit));
    JMC.fit(cfg.home);
    updateZoomClasses();
    layer.onFrame = onFrame;
    if (typeof qt !== 'undefined' && qt.webChannelTransport) {
      new QWebChannel(qt.webChannelTransport, (channel) => {
        bridge = channel.objects.bridge;
        bridge.batch.connect(JMC.applyBatchText);
        bridge.command.connect((text) => JMC.command(JSON.parse(text)));
        layer.draw();
        const ready = () => {
          if (JMC.ready) return;
          JMC.ready = true;
          bridge.pageReady();
        };
        // two frames: the first paints what was drawn, the second runs after that paint; a page
        // not on screen gets no frames, so it is ready once drawn (and a timer is the safety net)
        if (document.hidden) ready();
        else requestAnimationFrame(() => requestAnimationFrame(ready));
        setTimeout(ready, 1500);
      });
    }
  };

  function drawBasemap(cfg) {
    if (window.JMC_LAND) {
      // on the map's shared canvas (the geofences' one), drawn first: one canvas less to composite
      L.geoJSON(window.JMC_LAND, {
        interactive: false,
        style: { color: '#3b444c', weight: 0.8, fillColor: '#22282d', fillOpacity: 1 },
      })
        .addTo(map)
        .bringToBack();
    }
    if (cfg.tiles) {
      const t = cfg.tiles;
      L.tileLayer(t.url, {
        minZoom: 0,
        minNativeZoom: t.minZoom,
        maxNativeZoom: t.maxZoom,
        maxZoom: 19,
        bounds: t.bounds || undefined,
        attribution: esc(t.attribution || ''),
        className: 'jmc-tiles',
      }).addTo(map);
    }
  }

  function labelSites(geofences, gates, cfg) {
    geofences.eachLayer((l) => {
      const p = l.feature.properties;
      const html = `${esc(p.name_zh)}<span class="jmc-en">${esc(p.name_en)}</span>`;
      l.bindTooltip(html, { permanent: true, direction: 'center', className: 'jmc-site-label', interactive: false });
    });
    gates.eachLayer((l) => {
      const p = l.feature.properties;
      l.bindTooltip(esc(p.label), {
        permanent: true,
        direction: 'right',
        offset: [6, 0],
        className: 'jmc-gate-label',
        interactive: false,
      });
    });
    regionLabels = cfg.regions.map((r) => {
      const center = L.latLngBounds(r.bounds).getCenter();
      const icon = L.divIcon({ className: 'jmc-region-label', html: `<span class="jmc-${r.side}"></span>`, iconSize: [0, 0] });
      return [L.marker(center, { icon, interactive: false, keyboard: false }).addTo(map), r];
    });
  }

  // Everything that names things in words, in the current language (JMC.lang).
  function showLanguage() {
    const lang = JMC.lang;
    map.getContainer().classList.toggle('jmc-lang-en', lang.code === 'en');
    for (const [marker, r] of regionLabels) {
      const span = marker.getElement() && marker.getElement().firstElementChild;
      if (span) span.textContent = lang.both(r.label);
    }
    if (attribution) map.attributionControl.removeAttribution(attribution);
    attribution = `Leaflet · ${esc(lang.both('basemap'))} © OpenStreetMap contributors`;
    map.attributionControl.addAttribution(attribution);
    legend.render();
    if (layer) layer.requestDraw(); // vehicle labels on the canvas
  }

  JMC.setLanguage = function (code) {
    if (JMC.lang.set(code)) showLanguage();
  };

  function updateZoomClasses() {
    const z = map.getZoom();
    const c = map.getContainer().classList;
    c.toggle('jmc-z-regions', z < 11);
    c.toggle('jmc-z-sites', z >= 11);
    c.toggle('jmc-z-en', z >= 14);
    c.toggle('jmc-z-gatemarks', z >= 13);
    c.toggle('jmc-z-gates', z >= 15);
  }

  function updateCounts() {
    legend.show(store.counts(), JMC.clockText(store.base + store.now));
  }

  JMC.applyBatchText = function (text) {
    const t0 = performance.now();
    const moved = store.apply(JSON.parse(text));
    if (focusId !== null) {
      const slot = store.idSlot.get(focusId);
      layer.focusSlot = slot === undefined ? -1 : slot;
      if (follow && slot !== undefined && moved.includes(slot)) centreOn(slot, false);
    }
    updateCounts();
    pendingApplyMs = (pendingApplyMs || 0) + (performance.now() - t0);
    layer.requestDraw();
  };

  function onFrame(drawMs) {
    if (pendingApplyMs !== null && bridge) {
      bridge.reportStats(pendingApplyMs, drawMs);
      pendingApplyMs = null;
    }
  }

  function centreOn(slot, zoomIn) {
    if (!store.located[slot]) return false;
    const latlng = [store.lat[slot] / 1e6, store.lon[slot] / 1e6];
    if (lastFollowed && lastFollowed[0] === latlng[0] && lastFollowed[1] === latlng[1] && !zoomIn) return true;
    lastFollowed = latlng;
    map.setView(latlng, zoomIn ? Math.max(map.getZoom(), 14) : map.getZoom(), { animate: false });
    return true;
  }

  JMC.command = function (cmd) {
    switch (cmd.op) {
      case 'focus': {
        focusId = cmd.id;
        follow = !!cmd.follow;
        lastFollowed = null;
        const slot = store.idSlot.get(cmd.id);
        layer.focusSlot = slot === undefined ? -1 : slot;
        if (slot !== undefined) centreOn(slot, true);
        break;
      }
      case 'clearFocus':
        focusId = null;
        follow = false;
        layer.focusSlot = -1;
        break;
      case 'track':
        replay.show(cmd.points, cmd.events);
        break;
      case 'cursor':
        replay.setCursor(cmd.ts);
        break;
      case 'clearTrack':
        replay.clear();
        break;
      case 'fit':
        JMC.fit(cmd.bounds);
        break;
      case 'language':
        JMC.setLanguage(cmd.lang);
        break;
      default:
        console.warn('JMC: unknown command', cmd.op);
    }
    layer.requestDraw();
  };

  JMC.setDimmed = function (dim) {
    if (!layer) return;
    layer.dimmed = dim;
    layer.requestDraw();
  };

  function tipHtml(slot) {
    const m = store.meta[slot];
    const style = config.styles[m[2]];
    const passive = m[3] === 1;
    const lang = JMC.lang;
    const site = (code) => (code ? esc(config.sites[code] || code) : '—');
    const fix = store.fix[slot] === JMC.geo.NO_FIX ? '—' : JMC.clockText(store.base + store.fix[slot]);
    const speed = store.speed[slot] === JMC.geo.NO_FIX ? '' : ` · ${(store.speed[slot] / 10).toFixed(0)} km/h`;
    const row = (key, v) => `<tr><th>${lang.html(key)}</th><td>${v}</td></tr>`;
    const phase = config.phases[m[8]];
    return (
      `<div class="jmc-tip-head">${JMC.symbols.svgShape(style, passive, 18)}<b>${esc(m[4] || lang.primary('noPlate'))}</b>` +
      `<span class="jmc-tip-sev" style="color:${m[2] ? style.colour : '#aab2b9'}">${esc(lang.both([style.label_zh, style.label_en]))}</span></div>` +
      '<table>' +
      row('order', esc(m[5] || '—')) +
      row('containers', esc(m[6] || '—')) +
      row('seals', `${esc(m[7] || '—')} <span class="jmc-dim">${esc(lang.both(passive ? 'passive' : 'active'))}</span>`) +
      row('route', `${site(m[9])} → ${site(m[10])}`) +
      row('phase', phase ? lang.html(phase) : esc(m[8])) +
      row('openTickets', String(m[11])) +
      row(passive ? 'lastRead' : 'lastFix', fix + speed) +
      '</table>' +
      (passive ? `<div class="jmc-tip-note">${lang.html('passiveNote', ' — ')}</div>` : '') +
      (store.conflict[slot] ? conflictNote() : '')
    );
  }

  function conflictNote() {
    const c = config.conflict;
    const lang = JMC.lang;
    return (
      `<div class="jmc-tip-conflict" style="color:${c.colour}">${esc(c.mark)} <b>${lang.html([c.label_zh, c.label_en])}</b>` +
      `<br>${lang.html('conflictNote', ' — ')}</div>`
    );
  }

  function hideTip() {
    tip.style.display = 'none';
    map.getContainer().style.cursor = '';
  }

  function onMove(e) {
    const hit = layer.pick(e.containerPoint.x, e.containerPoint.y);
    map.getContainer().style.cursor = hit ? 'pointer' : '';
    if (!hit || hit.slot === undefined) {
      tip.style.display = 'none';
      return;
    }
    tip.innerHTML = tipHtml(hit.slot);
    tip.style.display = 'block';
    const size = map.getSize();
    const x = Math.min(e.containerPoint.x + 16, size.x - tip.offsetWidth - 8);
    const y = Math.min(e.containerPoint.y + 16, size.y - tip.offsetHeight - 8);
    tip.style.left = `${Math.max(4, x)}px`;
    tip.style.top = `${Math.max(4, y)}px`;
  }

  // A click at a container point: a vehicle tells Python, a cluster zooms in.
  JMC.clickAt = function (x, y) {
    const hit = layer.pick(x, y);
    if (!hit) return null;
    if (hit.slot !== undefined) {
      const id = store.meta[hit.slot][1];
      if (bridge) bridge.tripClicked(id);
      return id;
    }
    map.setView(map.containerPointToLatLng([hit.cluster.x, hit.cluster.y]), map.getZoom() + 2);
    return 'cluster';
  };

  // -- read-only views for tests and diagnostics ---------------------------------------------
  JMC.inspect = (tripId) => store.inspect(tripId);
  JMC.screenPoint = function (tripId) {
    const slot = store.idSlot.get(tripId);
    if (slot === undefined || !store.located[slot]) return null;
    const p = map.latLngToContainerPoint([store.lat[slot] / 1e6, store.lon[slot] / 1e6]);
    return [p.x, p.y];
  };
  JMC.tooltipText = function (tripId) {
    const slot = store.idSlot.get(tripId);
    if (slot === undefined) return null;
    tip.innerHTML = tipHtml(slot);
    return tip.textContent;
  };
  JMC.legendText = () => legend.text();
  JMC.debugState = () => ({
    frames: layer.frames,
    zoom: map.getZoom(),
    center: [map.getCenter().lat, map.getCenter().lng],
    counts: store.counts(),
    focus: focusId,
    focusSlot: layer.focusSlot,
    follow,
    drawn: layer.hits.n,
    conflictsDrawn: layer.conflictsDrawn || 0,
    labels: layer.labels || 0,
    clusters: layer.clusters.length,
    dimmed: layer.dimmed,
    replay: replay.state(),
    language: JMC.lang.code,
    lastDrawMs: layer.lastDrawMs,
    drawParts: layer.parts || null,
  });
})();
