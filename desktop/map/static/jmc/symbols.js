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

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]);
  }

  JMC.symbols = { pathShape, svgShape, escapeHtml };
})();
