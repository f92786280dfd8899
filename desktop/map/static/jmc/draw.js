/* One canvas for every vehicle, trail, cluster and label; redrawn at most once per animation frame. */
(function () {
  'use strict';
  const JMC = (window.JMC = window.JMC || {});
  const CELL = 64; // cluster grid, CSS pixels
  const MARGIN = 24;
  const LABEL_ZOOM = 14; // abnormal vehicles get a text label from here
  const PLATE_ZOOM = 16; // every vehicle gets its plate from here
  const MAX_LABELS = 400;
  const FONT = '"Noto Sans CJK TC", "Noto Sans TC", "Microsoft JhengHei", "PingFang TC", sans-serif';

  const VehicleLayer = L.Layer.extend({
    initialize(store, config) {
      this.store = store;
      this.styles = config.styles;
      this.clusterBelow = config.clusterBelowZoom;
      this.focusSlot = -1;
      this.dimmed = false;
      this.lastDrawMs = 0;
      this.frames = 0;
      this.onFrame = null;
      this.hits = { n: 0, slot: new Int32Array(0), x: new Float32Array(0), y: new Float32Array(0) };
      this.clusters = [];
    },

    onAdd(map) {
      const pane = map.getPane('jmcVehicles') || map.createPane('jmcVehicles');
      pane.style.zIndex = 450;
      pane.style.pointerEvents = 'none';
      this._canvas = L.DomUtil.create('canvas', 'jmc-vehicles leaflet-zoom-animated');
      pane.appendChild(this._canvas);
      this._ctx = this._canvas.getContext('2d');
      map.on('moveend zoomend viewreset resize', this._reset, this);
      map.on('zoomanim', this._animateZoom, this);
      this._reset();
    },

    onRemove(map) {
      map.off('moveend zoomend viewreset resize', this._reset, this);
      map.off('zoomanim', this._animateZoom, this);
      L.DomUtil.remove(this._canvas);
    },

    _animateZoom(e) {
      const scale = this._map.getZoomScale(e.zoom);
      const offset = this._map._latLngBoundsToNewLayerBounds(this._bounds, e.zoom, e.center).min;
      L.DomUtil.setTransform(this._canvas, offset, scale);
    },

    _reset() {
      const map = this._map;
      const size = map.getSize();
      const dpr = window.devicePixelRatio || 1;
      this._topLeft = map.containerPointToLayerPoint([0, 0]);
      this._bounds = map.getBounds();
      L.DomUtil.setPosition(this._canvas, this._topLeft);
      if (this._canvas.width !== Math.round(size.x * dpr) || this._canvas.height !== Math.round(size.y * dpr)) {
        this._canvas.width = Math.round(size.x * dpr);
        this._canvas.height = Math.round(size.y * dpr);
        this._canvas.style.width = size.x + 'px';
        this._canvas.style.height = size.y + 'px';
      }
      this.draw();
    },

    requestDraw() {
      if (this._frame || !this._map) return;
      this._frame = requestAnimationFrame(() => {
        this._frame = 0;
        this.draw();
      });
    },

    // Container pixel x = mx * scale - ox (same for y), for the current view.
    _view() {
      const map = this._map;
      const scale = map.options.crs.scale(map.getZoom());
      const origin = map.getPixelOrigin();
      const size = map.getSize();
      return { scale, ox: origin.x + this._topLeft.x, oy: origin.y + this._topLeft.y, w: size.x, h: size.y };
    },

    draw() {
      if (!this._map) return;
      const t0 = performance.now();
      const ctx = this._ctx;
      const dpr = window.devicePixelRatio || 1;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, this._canvas.width, this._canvas.height);
      this._canvas.style.opacity = this.dimmed ? '0.35' : '1';
      const v = this._view();
      this.hits.n = 0;
      this.clusters = [];
      if (this._map.getZoom() < this.clusterBelow) this._drawClustered(ctx, v);
      else this._drawAll(ctx, v);
      this._drawFocus(ctx, v);
      this.lastDrawMs = performance.now() - t0;
      this.frames++;
      if (this.onFrame) this.onFrame(this.lastDrawMs);
    },

    _hit(slot, x, y) {
      const h = this.hits;
      if (h.n === h.slot.length) {
        const cap = Math.max(1024, h.n * 2);
        const grow = (Type, old) => {
          const a = new Type(cap);
          a.set(old);
          return a;
        };
        h.slot = grow(Int32Array, h.slot);
        h.x = grow(Float32Array, h.x);
        h.y = grow(Float32Array, h.y);
      }
      h.slot[h.n] = slot;
      h.x[h.n] = x;
      h.y[h.n] = y;
      h.n++;
    },

    // Visible located vehicles, bucketed by severity: [[slot...] x 5] with screen positions.
    _visible(v) {
      const s = this.store;
      const buckets = [[], [], [], [], []];
      for (let slot = 0; slot < s.high; slot++) {
        if (!s.live[slot] || !s.located[slot]) continue;
        const x = s.mx[slot] * v.scale - v.ox;
        const y = s.my[slot] * v.scale - v.oy;
        if (x < -MARGIN || y < -MARGIN || x > v.w + MARGIN || y > v.h + MARGIN) continue;
        buckets[s.sev[slot]].push(slot, x, y);
      }
      return buckets;
    },

    _drawAll(ctx, v) {
      const buckets = this._visible(v);
      this._drawTrails(ctx, v, buckets);
      for (let sev = 0; sev < 5; sev++) this._drawSymbols(ctx, buckets[sev], sev);
      this._drawLabels(ctx, buckets);
    },

    _drawTrails(ctx, v, buckets) {
      const s = this.store;
      ctx.lineJoin = 'round';
      ctx.lineCap = 'round';
      for (let sev = 0; sev < 5; sev++) {
        const list = buckets[sev];
        if (!list.length) continue;
        ctx.beginPath();
        for (let i = 0; i < list.length; i += 3) {
          const slot = list[i];
          const tr = s.trail[slot];
          if (!tr || !tr.length || s.kind[slot] === 1) continue;
          let px = tr[0] * v.scale - v.ox;
          let py = tr[1] * v.scale - v.oy;
          ctx.moveTo(px, py);
          for (let k = 3; k < tr.length; k += 3) {
            const x = tr[k] * v.scale - v.ox;
            const y = tr[k + 1] * v.scale - v.oy;
            if (Math.abs(x - px) + Math.abs(y - py) < 2) continue; // sub-pixel steps add nothing
            ctx.lineTo(x, y);
            px = x;
            py = y;
          }
          ctx.lineTo(list[i + 1], list[i + 2]);
        }
        ctx.strokeStyle = this.styles[sev].colour;
        ctx.globalAlpha = sev === 0 ? 0.3 : 0.55;
        ctx.lineWidth = sev === 0 ? 1.2 : 2;
        ctx.stroke();
      }
      ctx.globalAlpha = 1;
    },

    _drawSymbols(ctx, list, sev) {
      if (!list.length) return;
      const s = this.store;
      const style = this.styles[sev];
      const r = style.size;
      for (let hollow = 0; hollow < 2; hollow++) {
        ctx.beginPath();
        let any = false;
        for (let i = 0; i < list.length; i += 3) {
          const slot = list[i];
          if (s.kind[slot] !== hollow) continue;
          JMC.symbols.pathShape(ctx, style.shape, list[i + 1], list[i + 2], r);
          this._hit(slot, list[i + 1], list[i + 2]);
          any = true;
        }
        if (!any) continue;
        if (hollow) {
          ctx.fillStyle = '#15191d';
          ctx.fill();
          ctx.strokeStyle = style.colour;
          ctx.lineWidth = 2;
          ctx.stroke();
        } else {
          ctx.fillStyle = style.colour;
          ctx.fill();
          ctx.strokeStyle = style.shape === 'ring-circle' ? '#e6fbff' : '#0d1013';
          ctx.lineWidth = style.shape === 'ring-circle' ? 1.5 : 1;
          ctx.stroke();
        }
      }
    },

    _drawLabels(ctx, buckets) {
      const zoom = this._map.getZoom();
      if (zoom < LABEL_ZOOM) return;
      const s = this.store;
      const taken = new Set();
      let drawn = 0;
      ctx.font = `12px ${FONT}`;
      ctx.textBaseline = 'middle';
      ctx.lineJoin = 'round';
      for (let sev = 4; sev >= 0 && drawn < MAX_LABELS; sev--) {
        if (sev === 0 && zoom < PLATE_ZOOM) break;
        const list = buckets[sev];
        const style = this.styles[sev];
        for (let i = 0; i < list.length && drawn < MAX_LABELS; i += 3) {
          const slot = list[i];
          const x = list[i + 1] + style.size + 4;
          const y = list[i + 2];
          const key = Math.round(x / 90) + ',' + Math.round(y / 16);
          if (taken.has(key)) continue;
          taken.add(key);
          const plate = s.meta[slot][4] || s.meta[slot][1];
          const text = sev ? `${plate} ${style.label_zh}` : plate;
          ctx.strokeStyle = 'rgba(13,16,19,0.9)';
          ctx.lineWidth = 3;
          ctx.strokeText(text, x, y);
          ctx.fillStyle = sev ? style.colour : '#c9d1d9';
          ctx.fillText(text, x, y);
          drawn++;
        }
      }
    },

    _drawClustered(ctx, v) {
      const s = this.store;
      const gw = Math.ceil(v.w / CELL) + 2;
      const gh = Math.ceil(v.h / CELL) + 2;
      const n = gw * gh;
      const count = new Int32Array(n);
      const sx = new Float64Array(n);
      const sy = new Float64Array(n);
      const worst = new Uint8Array(n);
      const abnormal = new Int32Array(n);
      const first = new Int32Array(n);
      for (let slot = 0; slot < s.high; slot++) {
        if (!s.live[slot] || !s.located[slot]) continue;
        const x = s.mx[slot] * v.scale - v.ox;
        const y = s.my[slot] * v.scale - v.oy;
        if (x < -CELL || y < -CELL || x > v.w + CELL || y > v.h + CELL) continue;
        const c = Math.floor(x / CELL + 1) + Math.floor(y / CELL + 1) * gw;
        if (c < 0 || c >= n) continue;
        if (!count[c]) first[c] = slot;
        count[c]++;
        sx[c] += x;
        sy[c] += y;
        const sev = s.sev[slot];
        if (sev) abnormal[c]++;
        if (sev > worst[c]) worst[c] = sev;
      }
      // merge neighbouring cells whose discs would overlap (one pass, biggest first)
      const cells = [];
      for (let c = 0; c < n; c++) if (count[c]) cells.push(c);
      cells.sort((a, b) => count[b] - count[a]);
      const radius = (k) => (k === 1 ? 6 : 11 + 4 * Math.log10(k));
      const gone = new Uint8Array(n);
      for (let i = 0; i < cells.length; i++) {
        const a = cells[i];
        if (gone[a]) continue;
        for (let j = i + 1; j < cells.length; j++) {
          const b = cells[j];
          if (gone[b]) continue;
          const dx = sx[a] / count[a] - sx[b] / count[b];
          const dy = sy[a] / count[a] - sy[b] / count[b];
          const reach = radius(count[a]) + radius(count[b]) + 2;
          if (dx * dx + dy * dy >= reach * reach) continue;
          count[a] += count[b];
          sx[a] += sx[b];
          sy[a] += sy[b];
          abnormal[a] += abnormal[b];
          if (worst[b] > worst[a]) worst[a] = worst[b];
          gone[b] = 1;
        }
      }
      const singles = [[], [], [], [], []];
      const groups = [];
      for (const c of cells) {
        if (gone[c]) continue;
        if (count[c] === 1) {
          const slot = first[c];
          singles[s.sev[slot]].push(slot, sx[c], sy[c]);
        } else {
          groups.push(c);
        }
      }
      for (let sev = 0; sev < 5; sev++) this._drawSymbols(ctx, singles[sev], sev);
      groups.sort((a, b) => worst[a] - worst[b]);
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      for (const c of groups) {
        const x = sx[c] / count[c];
        const y = sy[c] / count[c];
        const r = radius(count[c]);
        const style = this.styles[worst[c]];
        ctx.beginPath();
        ctx.arc(x, y, r, 0, Math.PI * 2);
        ctx.fillStyle = 'rgba(38,44,50,0.92)';
        ctx.fill();
        ctx.lineWidth = worst[c] ? 2.5 : 1.5;
        ctx.strokeStyle = worst[c] ? style.colour : '#6b747d';
        ctx.stroke();
        ctx.font = `600 12px ${FONT}`;
        ctx.fillStyle = '#e1e6ea';
        ctx.fillText(count[c] >= 10000 ? Math.round(count[c] / 1000) + 'k' : String(count[c]), x, y);
        if (abnormal[c]) {
          const bx = x + r * 0.8;
          const by = y - r * 0.8;
          ctx.beginPath();
          JMC.symbols.pathShape(ctx, style.shape, bx, by, 6.5);
          ctx.fillStyle = style.colour;
          ctx.fill();
          ctx.lineWidth = 1;
          ctx.strokeStyle = '#0d1013';
          ctx.stroke();
        }
        this.clusters.push({ x, y, r, count: count[c], worst: worst[c], abnormal: abnormal[c] });
      }
      ctx.textAlign = 'start';
    },

    _drawFocus(ctx, v) {
      const s = this.store;
      const slot = this.focusSlot;
      if (slot < 0 || !s.live[slot] || !s.located[slot]) return;
      const x = s.mx[slot] * v.scale - v.ox;
      const y = s.my[slot] * v.scale - v.oy;
      ctx.beginPath();
      ctx.arc(x, y, 15, 0, Math.PI * 2);
      ctx.lineWidth = 2.5;
      ctx.strokeStyle = '#f4f7fa';
      ctx.stroke();
      ctx.beginPath();
      ctx.arc(x, y, 19, 0, Math.PI * 2);
      ctx.lineWidth = 1;
      ctx.strokeStyle = 'rgba(244,247,250,0.5)';
      ctx.stroke();
    },

    // The vehicle (slot) or cluster under a container point, nearest first.
    pick(x, y) {
      const h = this.hits;
      let best = -1;
      let bestD = 12 * 12;
      for (let i = h.n - 1; i >= 0; i--) {
        const dx = h.x[i] - x;
        const dy = h.y[i] - y;
        const d = dx * dx + dy * dy;
        if (d < bestD) {
          bestD = d;
          best = h.slot[i];
        }
      }
      if (best >= 0) return { slot: best };
      for (const c of this.clusters) {
        if ((c.x - x) ** 2 + (c.y - y) ** 2 <= c.r * c.r) return { cluster: c };
      }
      return null;
    },
  });

  JMC.VehicleLayer = VehicleLayer;
  JMC.FONT = FONT;
})();
