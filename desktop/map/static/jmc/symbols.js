/* Severity symbols: colour AND shape AND label (desktop/map/symbols.py holds the table). */
(function () {
  'use strict';
  const JMC = (window.JMC = window.JMC || {});

  // Add one symbol's outline to the current canvas path.
  function pathShape(ctx, shape, x, y, r) {
    switch (shape) {
      case 'triangle':
        ctx.moveTo(x, y - r);
        ctx.lineTo(x + r * 0.95, y + r * 0.72);
        ctx.lineTo(x - r * 0.95, y + r * 0.72);
        ctx.closePath();
        break;
      case 'diamond':
        ctx.moveTo(x, y - r);
        ctx.lineTo(x + r, y);
        ctx.lineTo(x, y + r);
        ctx.lineTo(x - r, y);
        ctx.closePath();
        break;
      case 'square':
        ctx.rect(x - r * 0.8, y - r * 0.8, r * 1.6, r * 1.6);
        break;
      case 'octagon': {
        const a = r * 0.924; // cos 22.5 deg
        const b = r * 0.383; // sin 22.5 deg
        ctx.moveTo(x + a, y - b);
        ctx.lineTo(x + a, y + b);
        ctx.lineTo(x + b, y + a);
        ctx.lineTo(x - b, y + a);
        ctx.lineTo(x - a, y + b);
        ctx.lineTo(x - a, y - b);
        ctx.lineTo(x - b, y - a);
        ctx.lineTo(x + b, y - a);
        ctx.closePath();
        break;
      }
      default: // circle, ring-circle
        ctx.moveTo(x + r, y);
        ctx.arc(x, y, r, 0, Math.PI * 2);
    }
  }

  // The same symbol as SVG markup (legend, replay event markers).
  function svgShape(style, hollow, size) {
    const s = size || 16;
    const c = s / 2;
    const r = s * 0.4;
    let d;
    switch (style.shape) {
      case 'triangle':
        d = `<polygon points="${c},${c - r} ${c + r * 0.95},${c + r * 0.72} ${c - r * 0.95},${c + r * 0.72}"`;
        break;
      case 'diamond':
        d = `<polygon points="${c},${c - r} ${c + r},${c} ${c},${c + r} ${c - r},${c}"`;
        break;
      case 'square':
        d = `<rect x="${c - r * 0.8}" y="${c - r * 0.8}" width="${r * 1.6}" height="${r * 1.6}"`;
        break;
      default:
        d = `<circle cx="${c}" cy="${c}" r="${style.shape === 'circle' ? r * 0.8 : r}"`;
    }
    const fill = hollow ? '#15191d' : style.colour;
    const stroke = hollow ? style.colour : style.shape === 'ring-circle' ? '#e6fbff' : '#0d1013';
    const width = hollow ? 2 : 1.3;
    return `<svg width="${s}" height="${s}" viewBox="0 0 ${s} ${s}">${d} fill="${fill}" stroke="${stroke}" stroke-width="${width}"/></svg>`;
  }

  // The CONFLICT marking around a vehicle drawn at (x, y) with half-size ``size``: a magenta ring
  // (on a dark outline, legible over any symbol or basemap) and a ⚠ badge at its upper right. The
  // vehicle's own severity colour and shape stay inside the ring.
  const conflictRing = (size) => size + 4;
  function conflictExtent(size) {
    const ring = conflictRing(size);
    return Math.ceil(Math.max(ring + 2.5, ring * 0.7 + 9.5));
  }
  function drawConflict(ctx, x, y, size, colour) {
    const ring = conflictRing(size);
    ctx.beginPath();
    ctx.arc(x, y, ring, 0, Math.PI * 2);
    ctx.lineWidth = 4;
    ctx.strokeStyle = '#0d1013';
    ctx.stroke();
    ctx.lineWidth = 2.2;
    ctx.strokeStyle = colour;
    ctx.stroke();
    const d = ring * 0.7 + 2;
    drawWarning(ctx, x + d, y - d, 6, colour);
  }
  // A ⚠ sign: a triangle in ``colour`` with a dark exclamation mark (drawn, not a font glyph).
  function drawWarning(ctx, x, y, r, colour) {
    ctx.beginPath();
    ctx.moveTo(x, y - r);
    ctx.lineTo(x + r * 1.05, y + r * 0.75);
    ctx.lineTo(x - r * 1.05, y + r * 0.75);
    ctx.closePath();
    ctx.fillStyle = colour;
    ctx.fill();
    ctx.lineWidth = 1;
    ctx.lineJoin = 'round';
    ctx.strokeStyle = '#0d1013';
    ctx.stroke();
    ctx.fillStyle = '#0d1013';
    ctx.fillRect(x - r * 0.13, y - r * 0.45, r * 0.26, r * 0.68);
    ctx.fillRect(x - r * 0.13, y + r * 0.35, r * 0.26, r * 0.24);
  }
  // The same marking as SVG (legend): the ring and the badge, the vehicle's symbol left out.
  function svgConflict(colour, size) {
    const s = size || 16;
    const c = s / 2;
    const r = s * 0.3;
    const bx = s * 0.74;
    const by = s * 0.28;
    const b = s * 0.25;
    return (
      `<svg width="${s}" height="${s}" viewBox="0 0 ${s} ${s}">` +
      `<circle cx="${c - 1}" cy="${c + 1}" r="${r}" fill="none" stroke="#0d1013" stroke-width="3.4"/>` +
      `<circle cx="${c - 1}" cy="${c + 1}" r="${r}" fill="none" stroke="${colour}" stroke-width="1.8"/>` +
      `<polygon points="${bx},${by - b} ${bx + b * 1.05},${by + b * 0.75} ${bx - b * 1.05},${by + b * 0.75}" ` +
      `fill="${colour}" stroke="#0d1013" stroke-width="0.8" stroke-linejoin="round"/>` +
      `<rect x="${bx - b * 0.13}" y="${by - b * 0.45}" width="${b * 0.26}" height="${b * 0.68}" fill="#0d1013"/>` +
      `<rect x="${bx - b * 0.13}" y="${by + b * 0.35}" width="${b * 0.26}" height="${b * 0.24}" fill="#0d1013"/>` +
      '</svg>'
    );
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]);
  }

  JMC.symbols = { pathShape, svgShape, escapeHtml, drawConflict, conflictExtent, drawWarning, svgConflict };
})();
