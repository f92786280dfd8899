/* Overview zoom levels: vehicles gathered on a screen grid, neighbouring cells merged, each
   cluster showing its count and, when it holds abnormal vehicles, the worst one's colour and shape. */
(function () {
  'use strict';
  const JMC = (window.JMC = window.JMC || {});
  const CELL = 64; // CSS pixels

  const radius = (k) => (k === 1 ? 6 : 11 + 4 * Math.log10(k));

  JMC.drawClusters = function (layer, ctx, v) {
    const s = layer.store;
    const gw = Math.ceil(v.w / CELL) + 2;
    const gh = Math.ceil(v.h / CELL) + 2;
    const n = gw * gh;
    const count = new Int32Array(n);
    const sx = new Float64Array(n);
    const sy = new Float64Array(n);
    const worst = new Uint8Array(n);
    const abnormal = new Int32Array(n);
    const conflicts = new Int32Array(n);
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
      if (s.conflict[slot]) conflicts[c]++;
      if (sev > worst[c]) worst[c] = sev;
    }
    // merge neighbouring cells whose discs would overlap (one pass, biggest first)
    const cells = [];
    for (let c = 0; c < n; c++) if (count[c]) cells.push(c);
    cells.sort((a, b) => count[b] - count[a]);
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
        conflicts[a] += conflicts[b];
        if (worst[b] > worst[a]) worst[a] = worst[b];
        gone[b] = 1;
      }
    }
    const singles = [];
    const groups = [];
    for (const c of cells) {
      if (gone[c]) continue;
      if (count[c] === 1) singles.push(c);
      else groups.push(c);
    }
    singles.sort((a, b) => worst[a] - worst[b]);
    for (const c of singles) {
      const slot = first[c];
      const one = (arr) => Float32Array.of(arr[c]);
      layer._drawSymbols(ctx, v, Int32Array.of(slot), one(sx), one(sy), 1, s.sev[slot]);
    }
    groups.sort((a, b) => worst[a] - worst[b]);
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    for (const c of groups) {
      const x = sx[c] / count[c];
      const y = sy[c] / count[c];
      const r = radius(count[c]);
      const style = layer.styles[worst[c]];
      ctx.beginPath();
      ctx.arc(x, y, r, 0, Math.PI * 2);
      ctx.fillStyle = 'rgba(38,44,50,0.92)';
      ctx.fill();
      ctx.lineWidth = worst[c] ? 2.5 : 1.5;
      ctx.strokeStyle = worst[c] ? style.colour : '#6b747d';
      ctx.stroke();
      ctx.font = `600 12px ${JMC.FONT}`;
      ctx.fillStyle = '#e1e6ea';
      ctx.fillText(count[c] >= 10000 ? Math.round(count[c] / 1000) + 'k' : String(count[c]), x, y);
      if (abnormal[c]) {
        ctx.beginPath();
        JMC.symbols.pathShape(ctx, style.shape, x + r * 0.8, y - r * 0.8, 6.5);
        ctx.fillStyle = style.colour;
        ctx.fill();
        ctx.lineWidth = 1;
        ctx.strokeStyle = '#0d1013';
        ctx.stroke();
      }
      if (conflicts[c]) JMC.symbols.drawWarning(ctx, x - r * 0.8, y - r * 0.8, 6.5, layer.conflictColour);
      layer.clusters.push({ x, y, r, count: count[c], worst: worst[c], abnormal: abnormal[c], conflicts: conflicts[c] });
    }
    ctx.textAlign = 'start';
  };
})();
