/* Two canvases for every vehicle: trails (redrawn at most once a second, or when the view moves)
   and symbols (redrawn with each batch, at most once per animation frame). */
(function () {
  'use strict';
  const JMC = (window.JMC = window.JMC || {});
  const MARGIN = 24;
  const TRAIL_REDRAW_MS = 1000;
  const FONT = '"Noto Sans CJK TC", "Noto Sans TC", "Microsoft JhengHei", "PingFang TC", sans-serif';

  function canvasIn(pane, cls) {
    const canvas = L.DomUtil.create('canvas', `${cls} leaflet-zoom-animated`);
    pane.appendChild(canvas);
    return canvas;
  }

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
      this.hits = { n: 0, slot: new Int32Array(1024), x: new Float32Array(1024), y: new Float32Array(1024) };
      this.clusters = [];
      this._lastTrailDraw = 0;
      this._trailTimer = 0;
      this._sprites = null;
      this._conflictSprites = null;
      this.conflictColour = (config.conflict && config.conflict.colour) || '#e040e0';
      this._bucketCap = 0;
    },

    onAdd(map) {
      const pane = map.getPane('jmcVehicles') || map.createPane('jmcVehicles');
      pane.style.zIndex = 450;
      pane.style.pointerEvents = 'none';
      // trails are rasterised into a pixel buffer (at most once a second) copied under the symbols
      this._trailPixels = null;
      this._canvas = canvasIn(pane, 'jmc-vehicles');
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
      const canvas = this._canvas;
      L.DomUtil.setPosition(canvas, this._topLeft);
      if (canvas.width !== Math.round(size.x * dpr) || canvas.height !== Math.round(size.y * dpr)) {
        canvas.width = Math.round(size.x * dpr);
        canvas.height = Math.round(size.y * dpr);
        canvas.style.width = size.x + 'px';
        canvas.style.height = size.y + 'px';
      }
      this.draw(true);
    },

    requestDraw() {
      if (this._frame || !this._map) return;
      this._frame = requestAnimationFrame(() => {
        this._frame = 0;
        this.draw(false);
      });
    },

    // Container pixel x = mx * scale - ox (same for y), for the current view.
    _view() {
      const map = this._map;
      const origin = map.getPixelOrigin();
      const size = map.getSize();
      return {
        scale: map.options.crs.scale(map.getZoom()),
        ox: origin.x + this._topLeft.x,
        oy: origin.y + this._topLeft.y,
        w: size.x,
        h: size.y,
        dpr: window.devicePixelRatio || 1,
      };
    },

    draw(viewChanged) {
      if (!this._map) return;
      const t0 = performance.now();
      const v = this._view();
      const ctx = this._canvas.getContext('2d', { willReadFrequently: true }); // CPU canvas: pixels are written directly
      ctx.setTransform(v.dpr, 0, 0, v.dpr, 0, 0);
      ctx.clearRect(0, 0, v.w, v.h);
      this._canvas.style.opacity = this.dimmed ? '0.35' : '1';
      this.hits.n = 0;
      this.clusters = [];
      if (!this._canvas.width || !this._canvas.height) return; // not laid out yet
      if (this._map.getZoom() < this.clusterBelow) {
        if (this._lastTrailDraw !== -1) this._clearTrails();
        JMC.drawClusters(this, ctx, v);
      } else {
        const b = this._visible(v);
        const t1 = performance.now();
        this._maybeDrawTrails(v, b, viewChanged);
        const t2 = performance.now();
        this._blitSymbols(ctx, v, b);
        const t3 = performance.now();
        this.labels = JMC.drawLabels(this, ctx, b);
        this.parts = { visible: t1 - t0, trails: t2 - t1, symbols: t3 - t2, labels: performance.now() - t3 };
      }
      this._drawFocus(ctx, v);
      const t4 = performance.now();
      ctx.getImageData(0, 0, 1, 1); // finish rasterising now, so the time measured is the real cost
      if (this.parts) this.parts.raster = performance.now() - t4;
      this.lastDrawMs = performance.now() - t0;
      this.frames++;
      if (this.onFrame) this.onFrame(this.lastDrawMs);
    },

    hit(slot, x, y) {
      const h = this.hits;
      if (h.n === h.slot.length) {
        const grow = (Type, old) => {
          const a = new Type(old.length * 2);
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

    // Visible located vehicles by severity, in reused typed arrays: {slot[5], x[5], y[5], n[5]}.
    _visible(v) {
      const s = this.store;
      if (this._bucketCap < s.cap) {
        this._bucketCap = s.cap;
        const make = (Type) => [0, 1, 2, 3, 4].map(() => new Type(s.cap));
        this._b = { slot: make(Int32Array), x: make(Float32Array), y: make(Float32Array), n: new Int32Array(5) };
      }
      const b = this._b;
      b.n.fill(0);
      for (let slot = 0; slot < s.high; slot++) {
        if (!s.live[slot] || !s.located[slot]) continue;
        const x = s.mx[slot] * v.scale - v.ox;
        const y = s.my[slot] * v.scale - v.oy;
        if (x < -MARGIN || y < -MARGIN || x > v.w + MARGIN || y > v.h + MARGIN) continue;
        const sev = s.sev[slot];
        const k = b.n[sev]++;
        b.slot[sev][k] = slot;
        b.x[sev][k] = x;
        b.y[sev][k] = y;
      }
      return b;
    },

    _clearTrails() {
      this._trailPixels = null;
      this._lastTrailDraw = -1;
    },

    _maybeDrawTrails(v, b, viewChanged) {
      const now = performance.now();
      const due = this._lastTrailDraw + TRAIL_REDRAW_MS - now;
      if (!viewChanged && this._lastTrailDraw > 0 && (!this.store.trailsChanged || due > 0)) {
        if (this.store.trailsChanged && !this._trailTimer) {
          this._trailTimer = setTimeout(() => {
            this._trailTimer = 0;
            this.requestDraw();
          }, due);
        }
        return;
      }
      this.store.trailsChanged = false;
      this._lastTrailDraw = now;
      this._trailPixels = this._rasterTrails(v, b, this._trailPixels);
    },

    // Trails as 1 px lines (2 px for abnormal vehicles) straight into a pixel buffer: stroking
    // thousands of antialiased paths costs hundreds of ms in software; this costs a few.
    _rasterTrails(v, b, reuse) {
      const s = this.store;
      const cap = JMC.Store.TRAIL_CAP;
      const w = this._canvas.width;
      const h = this._canvas.height;
      const pixels = reuse && reuse.length === w * h ? reuse.fill(0) : new Uint32Array(w * h);
      const lines = new JMC.Blitter();
      lines.attach(pixels, w, h);
      const k = v.scale * v.dpr;
      for (let sev = 4; sev >= 0; sev--) {
        const n = b.n[sev];
        if (!n) continue;
        const rgba = JMC.Blitter.rgba(this.styles[sev].colour, sev === 0 ? 0.3 : 0.55);
        const slots = b.slot[sev];
        for (let i = 0; i < n; i++) {
          const slot = slots[i];
          const len = s.tLen[slot];
          if (len < 2 || s.kind[slot] === 1) continue;
          const base = slot * cap;
          const head = s.tHead[slot];
          const ax = (s.ax[slot] * v.scale - v.ox) * v.dpr;
          const ay = (s.ay[slot] * v.scale - v.oy) * v.dpr;
          let px = ax + s.tx[base + head] * k;
          let py = ay + s.ty[base + head] * k;
          for (let j = 1; j < len; j++) {
            const at = base + ((head + j) % cap);
            const x = ax + s.tx[at] * k;
            const y = ay + s.ty[at] * k;
            if (Math.abs(x - px) + Math.abs(y - py) < 1.5 && j < len - 1) continue;
            lines.line(px, py, x, y, rgba, sev > 0);
            px = x;
            py = y;
          }
        }
      }
      return pixels;
    },

    // The short line from each trail's last point to where its vehicle is now, under the symbols.
    _blitHeads(blit, v, b) {
      const s = this.store;
      const cap = JMC.Store.TRAIL_CAP;
      for (let sev = 0; sev < 5; sev++) {
        const n = b.n[sev];
        if (!n) continue;
        const rgba = JMC.Blitter.rgba(this.styles[sev].colour, sev === 0 ? 0.3 : 0.55);
        for (let i = 0; i < n; i++) {
          const slot = b.slot[sev][i];
          const len = s.tLen[slot];
          if (!len || s.kind[slot] === 1) continue;
          const last = slot * cap + ((s.tHead[slot] + len - 1) % cap);
          const x0 = ((s.ax[slot] + s.tx[last]) * v.scale - v.ox) * v.dpr;
          const y0 = ((s.ay[slot] + s.ty[last]) * v.scale - v.oy) * v.dpr;
          blit.line(x0, y0, b.x[sev][i] * v.dpr, b.y[sev][i] * v.dpr, rgba, sev > 0);
        }
      }
    },

    // One pre-drawn sprite per severity and fill (solid = active, hollow = passive seal).
    sprite(sev, hollow, dpr) {
      if (!this._sprites || this._spriteDpr !== dpr) {
        this._spriteDpr = dpr;
        this._sprites = this.styles.map((style) =>
          [false, true].map((isHollow) => {
            const half = Math.ceil(style.size + 3);
            const canvas = document.createElement('canvas');
            canvas.width = canvas.height = Math.ceil(2 * half * dpr);
            const c = canvas.getContext('2d');
            c.setTransform(dpr, 0, 0, dpr, 0, 0);
            c.beginPath();
            JMC.symbols.pathShape(c, style.shape, half, half, style.size);
            c.fillStyle = isHollow ? '#15191d' : style.colour;
            c.fill();
            c.strokeStyle = isHollow ? style.colour : style.shape === 'ring-circle' ? '#e6fbff' : '#0d1013';
            c.lineWidth = isHollow ? 2 : style.shape === 'ring-circle' ? 1.5 : 1;
            c.stroke();
            return canvas;
          }),
        );
      }
      return this._sprites[sev][hollow];
    },

    // The CONFLICT ring and badge for a vehicle of each severity (its size sets the ring's).
    conflictSprite(sev, dpr) {
      if (!this._conflictSprites || this._conflictSpriteDpr !== dpr) {
        this._conflictSpriteDpr = dpr;
        this._conflictSprites = this.styles.map((style) => {
          const half = JMC.symbols.conflictExtent(style.size);
          const canvas = document.createElement('canvas');
          canvas.width = canvas.height = Math.ceil(2 * half * dpr);
          const c = canvas.getContext('2d');
          c.setTransform(dpr, 0, 0, dpr, 0, 0);
          JMC.symbols.drawConflict(c, half, half, style.size, this.conflictColour);
          return canvas;
        });
      }
      return this._conflictSprites[sev];
    },

    // A few symbols (cluster view): sprites drawn on whole device pixels.
    _drawSymbols(ctx, v, slots, xs, ys, n, sev) {
      if (!n) return;
      const s = this.store;
      const solid = this.sprite(sev, 0, v.dpr);
      const hollow = this.sprite(sev, 1, v.dpr);
      const off = solid.width / 2;
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      for (let i = 0; i < n; i++) {
        const slot = slots[i];
        ctx.drawImage(s.kind[slot] === 1 ? hollow : solid, Math.round(xs[i] * v.dpr - off), Math.round(ys[i] * v.dpr - off));
        if (s.conflict[slot]) {
          const mark = this.conflictSprite(sev, v.dpr);
          const half = mark.width / 2;
          ctx.drawImage(mark, Math.round(xs[i] * v.dpr - half), Math.round(ys[i] * v.dpr - half));
        }
        this.hit(slot, xs[i], ys[i]);
      }
      ctx.setTransform(v.dpr, 0, 0, v.dpr, 0, 0);
    },

    // Every visible vehicle, least severe first, as pixels (this replaces the canvas content).
    _blitSymbols(ctx, v, b) {
      const s = this.store;
      if (!this._blit) this._blit = new JMC.Blitter();
      const blit = this._blit;
      blit.begin(ctx, this._canvas.width, this._canvas.height, this._trailPixels);
      this._blitHeads(blit, v, b);
      for (let sev = 0; sev < 5; sev++) {
        const n = b.n[sev];
        if (!n) continue;
        const solid = blit.sprite(this, sev, 0, v.dpr);
        const hollow = blit.sprite(this, sev, 1, v.dpr);
        const slots = b.slot[sev];
        const xs = b.x[sev];
        const ys = b.y[sev];
        for (let i = 0; i < n; i++) {
          const slot = slots[i];
          blit.put(s.kind[slot] === 1 ? hollow : solid, Math.round(xs[i] * v.dpr), Math.round(ys[i] * v.dpr));
          this.hit(slot, xs[i], ys[i]);
        }
      }
      // CONFLICT rings and badges over every symbol, so no neighbour hides one
      this.conflictsDrawn = 0;
      for (let sev = 0; sev < 5; sev++) {
        const n = b.n[sev];
        let mark = null;
        for (let i = 0; i < n; i++) {
          if (!s.conflict[b.slot[sev][i]]) continue;
          if (!mark) mark = blit.pixelsOf(this.conflictSprite(sev, v.dpr));
          blit.put(mark, Math.round(b.x[sev][i] * v.dpr), Math.round(b.y[sev][i] * v.dpr));
          this.conflictsDrawn++;
        }
      }
      blit.end(ctx);
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
