/* Text beside vehicles at close zoom levels: plate and severity label (in the map's language
   only: no room for two), never overlapping. */
(function () {
  'use strict';
  const JMC = (window.JMC = window.JMC || {});
  const LABEL_ZOOM = 14; // abnormal vehicles get a text label from here
  const PLATE_ZOOM = 16; // every vehicle gets its plate from here
  const MAX_LABELS = 400;

  // Plate (and severity label) beside vehicles, most severe first, never overlapping each other.
  JMC.drawLabels = function (layer, ctx, b) {
    const zoom = layer._map.getZoom();
    if (zoom < LABEL_ZOOM) return 0;
    const s = layer.store;
    const placed = new Map(); // 64 px grid cell -> [x0, y0, x1, y1, ...] of the labels in it
    const free = (x0, y0, x1, y1) => {
      for (let gx = Math.floor(x0 / 64); gx <= Math.floor(x1 / 64); gx++) {
        for (let gy = Math.floor(y0 / 64); gy <= Math.floor(y1 / 64); gy++) {
          const boxes = placed.get(gx * 65536 + gy);
          if (!boxes) continue;
          for (let i = 0; i < boxes.length; i += 4) {
            if (x0 < boxes[i + 2] && x1 > boxes[i] && y0 < boxes[i + 3] && y1 > boxes[i + 1]) return false;
          }
        }
      }
      for (let gx = Math.floor(x0 / 64); gx <= Math.floor(x1 / 64); gx++) {
        for (let gy = Math.floor(y0 / 64); gy <= Math.floor(y1 / 64); gy++) {
          const key = gx * 65536 + gy;
          if (!placed.has(key)) placed.set(key, []);
          placed.get(key).push(x0, y0, x1, y1);
        }
      }
      return true;
    };
    let drawn = 0;
    ctx.font = `12px ${JMC.FONT}`;
    ctx.textBaseline = 'middle';
    ctx.lineJoin = 'round';
    for (let sev = 4; sev >= 0 && drawn < MAX_LABELS; sev--) {
      if (sev === 0 && zoom < PLATE_ZOOM) break;
      const style = layer.styles[sev];
      for (let i = 0; i < b.n[sev] && drawn < MAX_LABELS; i++) {
        const slot = b.slot[sev][i];
        const conflict = s.conflict[slot];
        // beside the symbol, or beside a CONFLICT's ring and badge
        const x = b.x[sev][i] + (conflict ? JMC.symbols.conflictExtent(style.size) + 2 : style.size + 4);
        const y = b.y[sev][i];
        const plate = s.meta[slot][4] || s.meta[slot][1];
        const named = sev ? `${plate} ${JMC.lang.primary([style.label_zh, style.label_en])}` : plate;
        const text = conflict ? `${named} ⚠` : named;
        const width = ctx.measureText(text).width;
        if (!free(x - 2, y - 8, x + width + 2, y + 8)) continue;
        ctx.strokeStyle = 'rgba(13,16,19,0.9)';
        ctx.lineWidth = 3;
        ctx.strokeText(text, x, y);
        ctx.fillStyle = sev ? style.colour : '#c9d1d9';
        ctx.fillText(text, x, y);
        drawn++;
      }
    }
    return drawn;
  };
})();
