/* Symbols for thousands of vehicles, written straight into one ImageData (software rendering
   handles one putImageData far better than thousands of drawImage or path calls). */
(function () {
  'use strict';
  const JMC = (window.JMC = window.JMC || {});

  // A sprite as pixel lists: offsets (dx, dy from the centre) with their RGBA, opaque ones apart.
  function spritePixels(canvas) {
    const w = canvas.width;
    const data = canvas.getContext('2d').getImageData(0, 0, w, canvas.height).data;
    const half = w >> 1;
    const solid = [];
    const edge = [];
    for (let y = 0; y < canvas.height; y++) {
      for (let x = 0; x < w; x++) {
        const i = (y * w + x) * 4;
        const a = data[i + 3];
        if (!a) continue;
        const rgba = (a << 24) | (data[i + 2] << 16) | (data[i + 1] << 8) | data[i]; // little-endian ABGR
        (a === 255 ? solid : edge).push(x - half, y - half, rgba);
      }
    }
    return { solid: Int32Array.from(solid), edge: Int32Array.from(edge), half };
  }

  class Blitter {
    constructor() {
      this.image = null;
      this.pixels = null;
      this.cache = new Map();
    }

    // Draw into an existing pixel buffer (no ImageData).
    attach(pixels, width, height) {
      this.image = { width, height };
      this.pixels = pixels;
    }

    // Start a frame: transparent, or a copy of ``under`` (pixels of the same size) to draw over.
    begin(ctx, width, height, under) {
      if (!this.image || this.image.width !== width || this.image.height !== height) {
        this.image = ctx.createImageData(width, height);
        this.pixels = new Uint32Array(this.image.data.buffer);
      }
      if (under && under.length === this.pixels.length) this.pixels.set(under);
      else this.pixels.fill(0);
    }

    sprite(layer, sev, hollow, dpr) {
      return this.pixelsOf(layer.sprite(sev, hollow, dpr));
    }

    // Any sprite canvas (centred on its middle) as pixel lists, cached per canvas.
    pixelsOf(canvas) {
      let px = this.cache.get(canvas);
      if (!px) {
        px = spritePixels(canvas);
        this.cache.set(canvas, px);
      }
      return px;
    }

    // Draw one sprite centred on device pixel (cx, cy).
    put(px, cx, cy) {
      const w = this.image.width;
      const h = this.image.height;
      const out = this.pixels;
      const inside = cx - px.half >= 0 && cy - px.half >= 0 && cx + px.half < w && cy + px.half < h;
      const solid = px.solid;
      for (let i = 0; i < solid.length; i += 3) {
        const x = cx + solid[i];
        const y = cy + solid[i + 1];
        if (!inside && (x < 0 || y < 0 || x >= w || y >= h)) continue;
        out[y * w + x] = solid[i + 2];
      }
      const edge = px.edge;
      for (let i = 0; i < edge.length; i += 3) {
        const x = cx + edge[i];
        const y = cy + edge[i + 1];
        if (!inside && (x < 0 || y < 0 || x >= w || y >= h)) continue;
        const k = y * w + x;
        const src = edge[i + 2];
        const dst = out[k];
        if (!(dst >>> 24)) {
          out[k] = src;
          continue;
        }
        // over an already drawn pixel: mix by the sprite's coverage, keep the larger alpha
        const a = (src >>> 24) / 255;
        const mix = (shift) => Math.round(((src >>> shift) & 255) * a + ((dst >>> shift) & 255) * (1 - a));
        const alpha = Math.max(src >>> 24, dst >>> 24);
        out[k] = ((alpha << 24) | (mix(16) << 16) | (mix(8) << 8) | mix(0)) >>> 0;
      }
    }

    // A 1 or 2 pixel line (DDA) in a flat colour; only where nothing is drawn yet.
    line(x0, y0, x1, y1, rgba, thick) {
      const w = this.image.width;
      const h = this.image.height;
      const out = this.pixels;
      const dx = x1 - x0;
      const dy = y1 - y0;
      const steps = Math.min(2048, Math.max(Math.abs(dx), Math.abs(dy)) | 0);
      const sx = steps ? dx / steps : 0;
      const sy = steps ? dy / steps : 0;
      const ox = thick && Math.abs(dx) < Math.abs(dy) ? 1 : 0; // widen across the line
      const oy = thick && !ox ? 1 : 0;
      let x = x0;
      let y = y0;
      for (let i = 0; i <= steps; i++, x += sx, y += sy) {
        const px = Math.round(x);
        const py = Math.round(y);
        if (px >= 0 && py >= 0 && px < w - ox && py < h - oy) {
          const k = py * w + px;
          if (!out[k]) out[k] = rgba;
          if (thick && !out[k + ox + oy * w]) out[k + ox + oy * w] = rgba;
        }
      }
    }

    end(ctx) {
      ctx.putImageData(this.image, 0, 0);
    }
  }

  // '#rrggbb' and an opacity as one ImageData pixel (little-endian ABGR)
  Blitter.rgba = function (hex, alpha) {
    const v = parseInt(hex.slice(1), 16);
    return (((Math.round(alpha * 255) << 24) | ((v & 255) << 16) | (v & 0xff00) | (v >> 16)) >>> 0);
  };

  JMC.Blitter = Blitter;
})();
