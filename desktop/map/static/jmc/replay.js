/* Trip replay: the full track, its events, and a cursor that sits on the last real point. */
(function () {
  'use strict';
  const JMC = (window.JMC = window.JMC || {});

  class Replay {
    constructor(map, config) {
      this.map = map;
      this.styles = config.styles;
      this.pane = map.createPane('jmcReplay');
      this.pane.style.zIndex = 460;
      this.renderer = L.canvas({ pane: 'jmcReplay', padding: 0.3 });
      this.group = L.layerGroup().addTo(map);
      this.ts = [];
      this.latlngs = [];
      this.cursor = null;
      this.cursorTs = null;
      this.eventCount = 0;
    }

    // points: [[ts, lat, lon]...] in time order; events: [[ts, lat, lon, label, severityKey|null]...]
    show(points, events) {
      this.clear();
      this.ts = points.map((p) => p[0]);
      this.latlngs = points.map((p) => [p[1], p[2]]);
      if (this.latlngs.length) {
        const opts = { renderer: this.renderer, interactive: false, lineJoin: 'round' };
        L.polyline(this.latlngs, { ...opts, color: '#0d1013', weight: 6, opacity: 0.8 }).addTo(this.group);
        L.polyline(this.latlngs, { ...opts, color: '#dfe8f0', weight: 2.5, opacity: 0.95 }).addTo(this.group);
        this._endpoint(this.latlngs[0], JMC.lang.both('start'));
        if (this.latlngs.length > 1) this._endpoint(this.latlngs[this.latlngs.length - 1], JMC.lang.both('end'));
      }
      this.eventCount = events.length;
      for (const [ts, lat, lon, label, sevKey] of events) {
        const style = this.styles.find((s) => s.key === sevKey) || null;
        const symbol = style ? JMC.symbols.svgShape(style, false, 18) : '<span class="jmc-ev-dot"></span>';
        const sevText = style ? `${JMC.lang.primary([style.label_zh, style.label_en])} ` : '';
        const html =
          `<div class="jmc-ev">${symbol}<span class="jmc-ev-label">` +
          `${JMC.symbols.escapeHtml(sevText + label)}<small>${JMC.clockText(ts)}</small></span></div>`;
        const icon = L.divIcon({ className: 'jmc-ev-icon', html, iconSize: [18, 18], iconAnchor: [9, 9] });
        L.marker([lat, lon], { icon, pane: 'jmcReplay', keyboard: false, interactive: false }).addTo(this.group);
      }
      const bounds = L.latLngBounds(this.latlngs.concat(events.map((e) => [e[1], e[2]])));
      if (bounds.isValid()) JMC.fit(bounds, { padding: [40, 40], maxZoom: 16 });
      JMC.setDimmed(true);
    }

    _endpoint(latlng, text) {
      L.circleMarker(latlng, {
        renderer: this.renderer,
        radius: 4,
        color: '#dfe8f0',
        weight: 2,
        fillColor: '#15191d',
        fillOpacity: 1,
        interactive: false,
      })
        .bindTooltip(text, { permanent: true, direction: 'top', className: 'jmc-track-end', offset: [0, -4] })
        .addTo(this.group);
    }

    // Index of the last point at or before ts (binary search), -1 if ts is before the track.
    indexAt(ts) {
      let lo = 0;
      let hi = this.ts.length - 1;
      let found = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (this.ts[mid] <= ts) {
          found = mid;
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
      return found;
    }

    setCursor(ts) {
      this.cursorTs = ts;
      const i = this.indexAt(ts);
      if (i < 0) {
        if (this.cursor) this.cursor.remove();
        this.cursor = null;
        return null;
      }
      const latlng = this.latlngs[i];
      if (!this.cursor) {
        this.cursor = L.circleMarker(latlng, {
          renderer: this.renderer,
          radius: 8,
          color: '#f4f7fa',
          weight: 3,
          fillColor: '#3d8bfd',
          fillOpacity: 1,
          interactive: false,
        }).addTo(this.group);
      } else {
        this.cursor.setLatLng(latlng);
      }
      if (!this.map.getBounds().contains(latlng)) this.map.panTo(latlng, { animate: false });
      return i;
    }

    clear() {
      this.group.clearLayers();
      this.ts = [];
      this.latlngs = [];
      this.cursor = null;
      this.cursorTs = null;
      this.eventCount = 0;
      JMC.setDimmed(false);
    }

    state() {
      const i = this.cursor ? this.indexAt(this.cursorTs) : -1;
      return {
        points: this.latlngs.length,
        events: this.eventCount,
        cursor: this.cursor ? [this.cursor.getLatLng().lat, this.cursor.getLatLng().lng] : null,
        cursorIndex: i,
      };
    }
  }

  JMC.Replay = Replay;
})();
